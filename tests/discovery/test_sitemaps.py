from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from articles.models import Article
from tests.factories import make_article, make_author, make_draft, make_section

pytestmark = pytest.mark.django_db

XSD = Path(__file__).resolve().parent.parent / "fixtures" / "xsd"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
HOSTILE_HEADLINE = "Fish & chips < caviar: Zürich’s “café” war"


def schema(name):
    return etree.XMLSchema(etree.parse(str(XSD / name)))


def schema_allowing_an_empty_urlset():
    """sitemap.xsd with its one stricter-than-Google rule relaxed: <url> may be absent."""
    tree = etree.parse(str(XSD / "sitemap.xsd"))
    (url,) = tree.xpath(
        '//xsd:element[@name="urlset"]//xsd:element[@name="url"]',
        namespaces={"xsd": "http://www.w3.org/2001/XMLSchema"},
    )
    url.set("minOccurs", "0")
    return etree.XMLSchema(tree)


def fetch_valid(client, url, xsd):
    """GET an XML file, check it against its XSD and return the parsed tree."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    tree = etree.fromstring(response.content)
    validator = schema(xsd)
    assert validator.validate(tree), (url, validator.error_log)
    return tree


def locs(tree):
    return [urlparse(loc).path for loc in tree.xpath("//sm:loc/text()", namespaces=NS)]


def aware(*args):
    return timezone.make_aware(datetime(*args), timezone.get_current_timezone())


def crawl(client):
    """Every sitemap the index names, each validated; returns {path: tree}."""
    index = fetch_valid(client, reverse("articles:sitemap_index"), "siteindex.xsd")
    return {path: fetch_valid(client, path, "sitemap.xsd") for path in locs(index)}


def test_index_splits_articles_by_month_and_lists_headings(client):
    author = make_author()
    section = make_section()
    october = make_article(
        published_at=aware(2026, 10, 31, 23, 30), section=section, authors=[author], tags=["ai"]
    )
    november = make_article(published_at=aware(2026, 11, 1, 0, 30), section=section)
    sitemaps = crawl(client)
    assert set(sitemaps) == {
        "/sitemap-articles-2026-10.xml",
        "/sitemap-articles-2026-11.xml",
        "/sitemap-sections.xml",
        "/sitemap-tags.xml",
        "/sitemap-authors.xml",
    }
    assert locs(sitemaps["/sitemap-articles-2026-10.xml"]) == [october.get_absolute_url()]
    assert locs(sitemaps["/sitemap-articles-2026-11.xml"]) == [november.get_absolute_url()]
    assert section.get_absolute_url() in locs(sitemaps["/sitemap-sections.xml"])
    assert locs(sitemaps["/sitemap-tags.xml"]) == ["/tag/ai/"]
    assert author.get_absolute_url() in locs(sitemaps["/sitemap-authors.xml"])


def test_lastmod_is_the_substantive_update_time(client):
    published = aware(2026, 11, 2, 9, 0)
    article = make_article(published_at=published, updated_at=aware(2026, 11, 3, 14, 5))
    tree = fetch_valid(client, "/sitemap-articles-2026-11.xml", "sitemap.xsd")
    assert tree.xpath("//sm:lastmod/text()", namespaces=NS) == ["2026-11-03T14:05:00+00:00"]
    # A cosmetic save (modified_at moves) leaves lastmod alone.
    article.save()
    tree = fetch_valid(client, "/sitemap-articles-2026-11.xml", "sitemap.xsd")
    assert tree.xpath("//sm:lastmod/text()", namespaces=NS) == ["2026-11-03T14:05:00+00:00"]
    index = client.get(reverse("articles:sitemap_index")).content.decode()
    assert "2026-11-03T14:05:00" in index


def test_unpublished_stories_and_their_tags_and_authors_stay_out(client, now, tomorrow):
    ghost = make_author(name="Ghost Writer", slug="ghost")
    live = make_article(headline="Live")
    make_draft(headline="Draft", authors=[ghost], tags=["embargo"])
    make_draft(headline="Killed", status=Article.Status.KILLED, authors=[ghost], tags=["embargo"])
    make_article(status=Article.Status.SCHEDULED, published_at=tomorrow, authors=[ghost])
    make_article(unpublish_at=now - timedelta(minutes=1), authors=[ghost], tags=["embargo"])
    found = [path for tree in crawl(client).values() for path in locs(tree)]
    assert live.get_absolute_url() in found
    assert not [
        path for path in found if path.startswith("/article/") and path != live.get_absolute_url()
    ]
    assert "/tag/embargo/" not in found and "/author/ghost/" not in found
    news = client.get(reverse("articles:sitemap_news")).content.decode()
    assert "Live" in news and "Draft" not in news and "Killed" not in news


def test_news_sitemap_holds_the_last_48_hours_and_validates(client, now):
    fresh = make_article(headline=HOSTILE_HEADLINE, published_at=now - timedelta(hours=47))
    make_article(headline="Old news", published_at=now - timedelta(hours=49))
    tree = fetch_valid(client, reverse("articles:sitemap_news"), "news-urlset.xsd")
    assert locs(tree) == [fresh.get_absolute_url()]
    (news,) = tree.xpath("//news:news", namespaces=NS)
    assert news.xpath("news:title/text()", namespaces=NS) == [HOSTILE_HEADLINE]
    assert news.xpath("news:publication/news:name/text()", namespaces=NS) == ["The Newsroom"]
    assert news.xpath("news:publication/news:language/text()", namespaces=NS) == ["en"]
    (published,) = news.xpath("news:publication_date/text()", namespaces=NS)
    assert datetime.fromisoformat(published) == fresh.published_at.replace(microsecond=0)


def test_news_sitemap_with_no_fresh_story_is_an_empty_urlset(client, now):
    make_article(published_at=now - timedelta(hours=49))
    response = client.get(reverse("articles:sitemap_news"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    tree = etree.fromstring(response.content)
    assert tree.tag == f"{{{NS['sm']}}}urlset" and len(tree) == 0
    # Google documents an empty news sitemap as harmless (Search Console notes it, nothing
    # more), while a 404 is a fetch error. Only the sitemaps.org XSD's "at least one <url>"
    # refuses it; with that rule relaxed it is valid.
    strict = schema("news-urlset.xsd")
    assert not strict.validate(tree)
    (error,) = strict.error_log
    assert "Missing child element(s)" in error.message and "}url" in error.message
    lenient = schema_allowing_an_empty_urlset()
    assert lenient.validate(tree), lenient.error_log


def test_news_sitemap_stops_at_1000(client, now):
    section, author = make_section(), make_author()
    Article.objects.bulk_create(
        Article(
            headline=f"Story {n}",
            slug=f"story-{n}",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(minutes=n + 1),
        )
        for n in range(1005)
    )
    assert author  # bylines are not needed by the news sitemap
    tree = etree.fromstring(client.get(reverse("articles:sitemap_news")).content)
    assert len(locs(tree)) == 1000
    assert locs(tree)[0] == "/article/story-0/"


def test_unknown_sitemap_is_404(client):
    make_article()
    for label in ["articles-1999-01", "articles-2026-13", "articles-junk", "things"]:
        assert client.get(f"/sitemap-{label}.xml").status_code == 404, label


def test_robots_names_the_sitemaps_and_keeps_crawlers_out_of_admin_and_previews(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines and "Disallow: /preview/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


def test_sitemap_query_counts_are_fixed(client, django_assert_num_queries, now):
    def add_stories():
        section, author = make_section(), make_author()
        for months_ago in range(3):
            make_article(
                section=section,
                authors=[author],
                tags=["a", "b"],
                published_at=now - timedelta(days=31 * months_ago, hours=1),
            )

    add_stories()
    pages = {
        # 1 months, then how many sections, tags and authors carry a published story
        reverse("articles:sitemap_index"): 4,
        # 1 that month's count and lastmod, 2 its stories
        f"/sitemap-articles-{now:%Y-%m}.xml": 2,
        # 1 count, 2 the sections with their newest stories
        "/sitemap-sections.xml": 2,
        # 1 count, 2 the stories of the last 48 hours
        reverse("articles:sitemap_news"): 2,
        "/robots.txt": 0,
    }
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
    add_stories()
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
