"""Sitemaps for search engines: an index over monthly article sitemaps, the sections, tags
and authors, and a Google News sitemap of the last 48 hours.

Only published stories appear, and a tag or author appears only once a published story
carries it, so nothing about unpublished work reaches a crawler.
"""

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import CharField, Count, F, Func, Max
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from articles import caching
from articles.headings import HEADINGS, with_published_stories
from articles.models import Article
from newsroom.params import BadParameter, calendar_month

NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap.


def substantive_update():
    """The expression of Article.last_updated_at, for aggregates and subqueries."""
    return Greatest(Coalesce("updated_at", "published_at"), "published_at")


class UTCMonth(Func):
    """A datetime's month as 'YYYY-MM' in UTC, computed by the database itself.

    TruncMonth would do it in the site's time zone, but on SQLite that is a Python function
    called for every row, which made the sitemap index take seconds on a large archive. Which
    side of a month boundary a late-night story is filed under matters to no crawler.
    """

    output_field = CharField()

    def as_sqlite(self, compiler, connection):
        # Doubled twice: once for this template, once for the database driver's parameters.
        template = "strftime('%%%%Y-%%%%m', %(expressions)s)"
        return self.as_sql(compiler, connection, template=template)

    def as_postgresql(self, compiler, connection):
        return self.as_sql(
            compiler, connection, template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM')"
        )


class ArticleSitemap(Sitemap):
    """The published stories of one month, so that no file nears the 50,000-URL limit."""

    def __init__(self, *, month, count, latest_update):
        first_day = calendar_month(month, field="month")
        self.month = datetime.combine(first_day, time.min, tzinfo=UTC)
        self.count = count
        self.latest_update = latest_update

    @classmethod
    def of_month(cls, month):
        """The sitemap of one month ('YYYY-MM'), from that month's stories alone; None when
        there is no such month or it has no story."""
        try:
            sitemap = cls(month=month, count=0, latest_update=None)
        except BadParameter:
            return None
        stats = sitemap.stories().aggregate(
            count=Count("pk"), latest_update=Max(substantive_update())
        )
        sitemap.count, sitemap.latest_update = stats["count"], stats["latest_update"]
        return sitemap if sitemap.count else None

    def stories(self):
        next_month = (self.month + timedelta(days=32)).replace(day=1)
        return Article.objects.published().filter(
            published_at__gte=self.month, published_at__lt=next_month
        )

    def items(self):
        return (
            self.stories().only("slug", "published_at", "updated_at").order_by("published_at", "pk")
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
    """The list pages of one kind of heading (sections, tags or authors) that carry a
    published story, each last modified when its newest story was.

    The lastmods come from one pass over the published stories grouped by heading (asking
    each of 2,000 tags for its newest story costs one index walk per tag), and only the
    sitemap file itself pays for it. The index only needs how many headings carry a story:
    an EXISTS per heading stops at its first one. It shows no lastmod for these files.
    """

    def __init__(self, scope):
        self.scope = scope
        _model, self.stories_lookup = HEADINGS[scope]
        self.url_name = f"articles:{scope}"

    @cached_property
    def paginator(self):
        paginator = super().paginator
        paginator.count = with_published_stories(self.scope).count()
        return paginator

    def items(self):
        slug = f"{self.stories_lookup}__slug"
        return (
            Article.objects.published()
            .filter(**{f"{slug}__isnull": False})
            .values(heading=F(slug))
            .annotate(latest_update=Max(substantive_update()))
            .order_by("heading")
        )

    def location(self, heading):
        return reverse(self.url_name, args=[heading["heading"]])

    def lastmod(self, heading):
        return heading["latest_update"]

    def get_latest_lastmod(self):
        return None


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
        .values(month=UTCMonth("published_at"))
        .annotate(count=Count("pk"), latest_update=Max(substantive_update()))
        .order_by("month")
    )
    sitemaps = {f"articles-{row['month']}": ArticleSitemap(**row) for row in months}
    return sitemaps | heading_sitemaps()


def heading_sitemaps():
    return {
        "sections": HeadingSitemap("section"),
        "tags": HeadingSitemap("tag"),
        "authors": HeadingSitemap("author"),
    }


@caching.shows("sitemaps")
def index(request):
    non_empty = {
        label: sitemap for label, sitemap in site_sitemaps().items() if sitemap.paginator.count
    }
    return sitemap_views.index(request, non_empty, sitemap_url_name="articles:sitemap")


@caching.shows("sitemaps")
def sitemap(request, section):
    """One sitemap of the index; `section` is the sitemaps framework's word for its label.

    A month's sitemap is built from that month's stories: finding every month of the
    archive, as the index must, would cost each of them a pass over the whole archive.
    """
    if section.startswith("articles-"):
        month = ArticleSitemap.of_month(section.removeprefix("articles-"))
        sitemaps = {section: month} if month else {}
    else:
        sitemaps = heading_sitemaps()
    return sitemap_views.sitemap(
        request, sitemaps, section=section, template_name="sitemaps/urlset.xml"
    )


@caching.shows("sitemaps")
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
