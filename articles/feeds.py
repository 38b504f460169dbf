"""RSS 2.0 and Atom feeds of the newest published stories, site-wide and per heading."""

import mimetypes
import uuid
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, rfc2822_date
from django.utils.html import escape

from articles import caching
from articles.headings import HEADINGS, heading_or_404
from articles.models import Article
from library.models import Rendition
from library.pictures import with_default_jpeg

FEED_LENGTH = 50
# GUIDs are derived from the article's primary key only, so a new headline, slug or
# domain never makes feed readers show a story twice.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "newsroom:article")


class AbsoluteLinksMixin:
    """Resolve enclosure and byline paths against the item's absolute link (the request's host)."""

    def add_item(self, *, link, enclosures, bylines, **kwargs):
        enclosures = [
            Enclosure(urljoin(link, enclosure.url), enclosure.length, enclosure.mime_type)
            for enclosure in enclosures
        ]
        bylines = [(name, urljoin(link, path)) for name, path in bylines]
        super().add_item(link=link, enclosures=enclosures, bylines=bylines, **kwargs)


class NewsroomRssFeed(AbsoluteLinksMixin, Rss201rev2Feed):
    """RSS 2.0 with every byline as <dc:creator> and the update time as <dcterms:modified>."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:dc": "http://purl.org/dc/elements/1.1/",
            "xmlns:dcterms": "http://purl.org/dc/terms/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["bylines"]:
            handler.addQuickElement("dc:creator", name)
        if item["updateddate"] is not None:
            handler.addQuickElement("dcterms:modified", rfc2822_date(item["updateddate"]))


class NewsroomAtomFeed(AbsoluteLinksMixin, Atom1Feed):
    """Atom with one <author> (name and page) per byline."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["bylines"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")


class ArticleFeed(Feed):
    """The latest published stories, optionally under one heading (section, tag or author).

    One class serves both formats and all four scopes; urls.py instantiates it per route.
    """

    scopes = HEADINGS

    def __init__(self, *, feed_type, scope=None):
        super().__init__()
        self.feed_type = feed_type
        self.scope = scope

    def __call__(self, request, *args, **kwargs):
        return caching.mark(super().__call__(request, *args, **kwargs), {"feeds"})

    def get_object(self, request, slug=None):
        if self.scope is None:
            return None
        return heading_or_404(self.scope, slug)

    def title(self, heading):
        return f"{heading} · {settings.NEWSROOM_NAME}" if heading else settings.NEWSROOM_NAME

    def description(self, heading):
        return settings.NEWSROOM_TAGLINE

    def subtitle(self, heading):
        return settings.NEWSROOM_TAGLINE

    def author_name(self):
        return settings.NEWSROOM_NAME

    def link(self, heading):
        if heading is None:
            return reverse("articles:home")
        return reverse(f"articles:{self.scope}", args=[heading.slug])

    def feed_url(self, heading):
        name = "rss" if self.feed_type is NewsroomRssFeed else "atom"
        if heading is None:
            return reverse(f"articles:feed_{name}")
        return reverse(f"articles:{self.scope}_feed_{name}", args=[heading.slug])

    def items(self, heading):
        articles = Article.objects.published()
        if heading is not None:
            _model, lookup = self.scopes[self.scope]
            articles = articles.filter(**{lookup: heading})
        articles = with_default_jpeg(articles.for_listing(), image_field="lead_image")
        return (articles.select_related("lead_image").prefetch_related("tags").newest_first())[
            :FEED_LENGTH
        ]

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        # RSS descriptions and Atom summaries are HTML to a feed reader; ours is plain text.
        return escape(article.excerpt or article.dek)

    def item_guid(self, article):
        return f"urn:uuid:{uuid.uuid5(GUID_NAMESPACE, str(article.pk))}"

    item_guid_is_permalink = False

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.last_updated_at

    def item_categories(self, article):
        section = [article.section.name] if article.section else []
        return section + [tag.name for tag in article.tags.all()]

    def item_enclosures(self, article):
        if not article.lead_image:
            return []
        if article.default_jpeg:
            # The 16:9 JPEG pages and social cards use: light, and every reader shows it.
            picture = Rendition(file=article.default_jpeg).file
            return [Enclosure(picture.url, str(article.default_jpeg_size), "image/jpeg")]
        # Before its renditions exist (or if they could not be made), the original.
        original = article.lead_image.file
        mime_type = mimetypes.guess_type(original.name)[0] or "image/jpeg"
        try:
            length = original.size
        except OSError:  # Gone from storage: the feed still lists the picture, length unknown.
            length = 0
        return [Enclosure(original.url, str(length), mime_type)]

    def item_extra_kwargs(self, article):
        return {
            "bylines": [
                (author.name, author.get_absolute_url()) for author in article.byline_authors
            ]
        }


def heading_feeds(scope, slug, heading):
    """(type, title, URL) of the RSS and Atom feeds under one heading, for <link rel=alternate>."""
    return [
        (
            "application/rss+xml",
            f"{heading} (RSS)",
            reverse(f"articles:{scope}_feed_rss", args=[slug]),
        ),
        (
            "application/atom+xml",
            f"{heading} (Atom)",
            reverse(f"articles:{scope}_feed_atom", args=[slug]),
        ),
    ]
