"""Sitemaps for search engines: an index over monthly article sitemaps, the sections, tags
and authors, and a Google News sitemap of the last 48 hours.

Only published stories appear, and a tag or author appears only once a published story
carries it, so nothing about unpublished work reaches a crawler.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from taggit.models import Tag

from articles.models import Article, Author, Section

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap.


def substantive_update():
    """The expression of Article.last_updated_at, for aggregates and subqueries."""
    return Greatest(Coalesce("updated_at", "published_at"), "published_at")


def latest_update(**lookups):
    """The newest substantive update among the published stories matching `lookups`."""
    return Subquery(
        Article.objects.published()
        .filter(**lookups)
        .annotate(changed_at=substantive_update())
        .order_by("-changed_at")
        .values("changed_at")[:1]
    )


class ArticleSitemap(Sitemap):
    """The published stories of one month, so that no file nears the 50,000-URL limit."""

    def __init__(self, *, month, count, latest_update):
        self.month = month
        self.count = count
        self.latest_update = latest_update

    def items(self):
        next_month = (self.month + timedelta(days=32)).replace(day=1)
        return (
            Article.objects.published()
            .filter(published_at__gte=self.month, published_at__lt=next_month)
            .only("slug", "published_at", "updated_at")
            .order_by("published_at", "pk")
        )

    def lastmod(self, article):
        return article.last_updated_at

    def get_latest_lastmod(self):
        return self.latest_update

    @cached_property
    def paginator(self):
        paginator = super().paginator
        paginator.count = self.count  # Known from the one query that found the months.
        return paginator


class HeadingSitemap(Sitemap):
    """A list page per section, tag or author, last modified when its newest story was."""

    @cached_property
    def paginator(self):
        # Counted once: the index asks for it to skip empty sitemaps and to page them.
        return super().paginator

    def lastmod(self, heading):
        return heading.latest_update


class SectionSitemap(HeadingSitemap):
    def items(self):
        return Section.objects.annotate(latest_update=latest_update(section=OuterRef("pk")))


class TagSitemap(HeadingSitemap):
    def items(self):
        return (
            Tag.objects.annotate(latest_update=latest_update(tags=OuterRef("pk")))
            .filter(latest_update__isnull=False)
            .order_by("name")
        )

    def location(self, tag):
        return reverse("articles:tag", args=[tag.slug])


class AuthorSitemap(HeadingSitemap):
    def items(self):
        return Author.objects.annotate(
            latest_update=latest_update(bylines__author=OuterRef("pk"))
        ).filter(latest_update__isnull=False)


class NewsSitemap(Sitemap):
    """Google News: the stories published in the last 48 hours, newest first.

    With none, the file is an empty <urlset>, as Google's news sitemap guidelines allow
    (Search Console shows an "empty sitemap" notice, nothing more). The sitemaps.org XSD
    wants at least one <url>, but a 404 would be a fetch error and an old or non-news URL
    would break the guidelines' 48-hour rule, so the schema is the one that gives way.
    """

    limit = NEWS_LIMIT

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .only("headline", "slug", "published_at", "updated_at")
            .newest_first()[:NEWS_LIMIT]
        )

    def lastmod(self, article):
        return article.last_updated_at


def site_sitemaps():
    """Every sitemap of the index by label, in a fixed number of queries."""
    months = (
        Article.objects.published()
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(count=Count("pk"), latest_update=Max(substantive_update()))
        .order_by("month")
    )
    sitemaps = {f"articles-{row['month']:%Y-%m}": ArticleSitemap(**row) for row in months}
    headings = {"sections": SectionSitemap(), "tags": TagSitemap(), "authors": AuthorSitemap()}
    return sitemaps | headings


def index(request):
    non_empty = {
        label: sitemap for label, sitemap in site_sitemaps().items() if sitemap.paginator.count
    }
    return sitemap_views.index(request, non_empty, sitemap_url_name="articles:sitemap")


def sitemap(request, section):
    """One sitemap of the index; `section` is the sitemaps framework's word for its label."""
    return sitemap_views.sitemap(
        request, site_sitemaps(), section=section, template_name="sitemaps/urlset.xml"
    )


def news(request):
    response = sitemap_views.sitemap(
        request, {"news": NewsSitemap()}, template_name="sitemaps/news.xml"
    )
    response.context_data.update(
        publication_name=settings.NEWSROOM_NAME,
        # Google News wants an ISO 639 code: "en", not "en-gb" (Chinese keeps its script).
        publication_language=(
            settings.LANGUAGE_CODE
            if settings.LANGUAGE_CODE in ("zh-cn", "zh-tw")
            else settings.LANGUAGE_CODE.split("-")[0]
        ),
    )
    return response
