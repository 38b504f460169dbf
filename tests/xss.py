"""The XSS corpus, a newsroom seeded with it, and a check for executable markup.

`PAYLOADS` comes from tests/fixtures/xss_payloads.txt. `seed_hostile_newsroom()` puts a
payload in every field a reporter, an editor or the pipeline can write and that a page
shows. `hostile_markup(html)` lists what in a served page could run: the HTML-source
tests assert it finds nothing, and the browser tests load the same pages in Chromium.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from taggit.models import Tag

from articles.models import Source
from comments.models import Comment
from library.models import Image as Picture
from tests.factories import make_article, make_author, make_comment, make_section

CORPUS = Path(__file__).parent / "fixtures" / "xss_payloads.txt"


def load_payloads(path=CORPUS):
    """Every payload line; blank lines and "# " comments are skipped, spacing is kept."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


PAYLOADS = load_payloads()


@dataclass
class HostileNewsroom:
    """Rows whose every reader-visible text field carries a payload."""

    articles: list = field(default_factory=list)
    sections: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    comments: list = field(default_factory=list)

    def reader_urls(self):
        """Every reader page that shows one of the payloads."""
        return [
            reverse("articles:home"),
            *(section.get_absolute_url() for section in self.sections),
            *(reverse("articles:tag", args=[tag.slug]) for tag in self.tags),
            *(author.get_absolute_url() for author in self.authors),
            *(article.get_absolute_url() for article in self.articles),
        ]

    def admin_urls(self):
        """The desk's pages that show the payloads: lists, forms, history, revisions and their
        word diff, delete confirmation."""
        urls = [
            reverse("admin:index"),
            reverse("admin:articles_article_changelist"),
            reverse("admin:articles_section_changelist"),
            reverse("admin:articles_author_changelist"),
            reverse("admin:taggit_tag_changelist"),
        ]
        comments = reverse("admin:comments_comment_changelist")
        urls += [comments, f"{comments}?p=2"]
        queue_pages = range(1, len(self.articles) // 25 + 2)  # 25 cards a page.
        for tab in ("pending", "published"):
            urls += [f"{reverse('comments:queue')}?tab={tab}&page={n}" for n in queue_pages]
        for article in self.articles:
            urls.append(reverse("admin:articles_article_change", args=[article.pk]))
        # History and delete confirmation show the headline as the change form's title
        # does; every seventh story keeps the suite quick while covering each family.
        for article in self.articles[::7]:
            for view in ("history", "delete"):
                urls.append(reverse(f"admin:articles_article_{view}", args=[article.pk]))
            urls.append(reverse("desk:revisions", args=[article.pk]))
            # Everything the story says, as a diff against nothing: every field inserted.
            compare = reverse("desk:compare", args=[article.pk])
            urls.append(f"{compare}?from=0&to=live")
        for author in self.authors:
            urls.append(reverse("admin:articles_author_change", args=[author.pk]))
        for section in self.sections:
            urls.append(reverse("admin:articles_section_change", args=[section.pk]))
        return urls


def seed_hostile_newsroom(payloads=PAYLOADS):
    """One published article per payload, with the payload in every field readers see.

    Headline, dek, Markdown body, excerpt, dateline, image alt text, caption and credit,
    source title, publisher, URL and note, the tag, the author's name and bio, the
    section's name and description, and two comments' name and body (one published, one
    waiting in the moderation queue). Every story shares one small lead image, saved in
    the default storage (point MEDIA_ROOT somewhere temporary).
    """
    newsroom = HostileNewsroom()
    now = timezone.now()
    picture = BytesIO()
    Image.new("RGB", (16, 9), "teal").save(picture, "PNG")  # Tiny: renditions stay cheap.
    lead_image = Picture.objects.create(
        file=ContentFile(picture.getvalue(), "hostile.png"), title="Hostile", alt="A square"
    )
    for n, payload in enumerate(payloads):
        section = make_section(name=f"{n} {payload}"[:80], slug=f"hostile-{n}", description=payload)
        author = make_author(name=payload[:120], slug=f"hostile-author-{n}", bio=payload)
        tag = Tag.objects.create(name=f"{payload[:90]} {n}")
        article = make_article(
            headline=payload[:255],
            dek=payload,
            body=f"{payload}\n\nA paragraph, then the payload inline: {payload}",
            excerpt=payload,
            dateline=payload[:120],
            section=section,
            authors=[author],
            sources=0,
            tags=[tag],
            lead_image=lead_image,
            lead_image_alt=payload[:300],
            lead_image_caption=payload[:500],
            lead_image_credit=payload[:200],
            published_at=now - timedelta(minutes=n + 1),
        )
        Source.objects.create(
            article=article, title=payload, publisher=payload[:200], url=payload, note=payload
        )
        for status in (Comment.Status.PUBLISHED, Comment.Status.PENDING):
            newsroom.comments.append(
                make_comment(article=article, name=payload[:80], body=payload, status=status)
            )
        newsroom.articles.append(article)
        newsroom.sections.append(section)
        newsroom.authors.append(author)
        newsroom.tags.append(tag)
    return newsroom


# Elements that have no business in a page built from our templates. Inline <svg> is not
# one (the admin draws its icons with it); SVG animation, which can set handlers, is.
FOREIGN_ELEMENTS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "set",
    "animate",
    "animatemotion",
    "animatetransform",
    "foreignobject",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
# Script blocks of these types hold data, never code.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
# Scripts we serve: static files, and the admin's translation catalogue.
OUR_SCRIPT_PREFIXES = ("/static/", "/admin/jsi18n/")


class _HostileMarkupFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        where = f"<{tag}> at line {self.getpos()[0]}"
        if tag == "script" and not self.is_our_script(attributes):
            self.findings.append(f"script {where}: {attributes}")
        if tag in FOREIGN_ELEMENTS:
            self.findings.append(f"foreign element {where}")
        if tag == "meta" and "http-equiv" in attributes:
            self.findings.append(f"meta http-equiv {where}")
        for name, value in attrs:
            if name.startswith("on"):
                self.findings.append(f"event handler {name}={value!r} on {where}")
            if name in URL_ATTRIBUTES and self.is_dangerous_url(value or ""):
                self.findings.append(f"{name}={value!r} on {where}")

    handle_startendtag = handle_starttag

    @staticmethod
    def is_our_script(attributes):
        src = attributes.get("src") or ""
        if src:
            return src.startswith(OUR_SCRIPT_PREFIXES)
        return (attributes.get("type") or "").lower() in DATA_SCRIPT_TYPES

    @staticmethod
    def is_dangerous_url(value):
        # Browsers drop ASCII whitespace and control characters inside a scheme.
        squeezed = "".join(ch for ch in value if ord(ch) > 32).lower()
        return squeezed.startswith(DANGEROUS_SCHEMES)


def hostile_markup(html):
    """What in this HTML could execute or was injected: an empty list when the page is safe."""
    finder = _HostileMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.findings
