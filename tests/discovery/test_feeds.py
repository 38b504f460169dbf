from datetime import timedelta
from pathlib import Path

import feedparser
import pytest
from django.urls import reverse

from articles.models import Article
from tests.discovery.conftest import jpeg
from tests.factories import make_article, make_author, make_draft, make_section

pytestmark = pytest.mark.django_db

HOSTILE_HEADLINE = "Fish & chips < caviar: Zürich’s “café” war — 東京 too"
SITE_FEEDS = ["articles:feed_rss", "articles:feed_atom"]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return feed


@pytest.mark.parametrize("name", SITE_FEEDS)
def test_site_feed_parses_cleanly_with_hostile_headline_and_every_field(client, name):
    authors = [make_author(name="Ada Lovelace"), make_author(name="Grace Hopper")]
    article = make_article(
        headline=HOSTILE_HEADLINE,
        excerpt="Prices rise & tempers <b>fray</b>.",
        authors=authors,
        tags=["food", "Zürich"],
        lead_image=jpeg(),
        lead_image_alt="A plate of fish",
    )
    feed = parse(client, reverse(name))
    (entry,) = feed.entries
    assert entry.title == HOSTILE_HEADLINE
    assert entry.link == "http://testserver" + article.get_absolute_url()
    assert entry.id.startswith("urn:uuid:")
    # The plain-text excerpt arrives as text: the <b> is not markup.
    assert entry.summary == "Prices rise &amp; tempers &lt;b&gt;fray&lt;/b&gt;."
    assert [author["name"] for author in entry.authors] == ["Ada Lovelace", "Grace Hopper"]
    assert {tag.term for tag in entry.tags} == {article.section.name, "food", "Zürich"}
    assert entry.published_parsed is not None and entry.updated_parsed is not None
    # No renditions yet (they are made after the commit): the original picture.
    (enclosure,) = entry.enclosures
    assert enclosure.href == "http://testserver" + article.lead_image.file.url
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == article.lead_image.file.size


@pytest.mark.parametrize(
    ("name", "picture", "rendition_width"),
    [
        ("articles:feed_rss", (2400, 1350), 1200),
        ("articles:feed_atom", (2400, 1350), 1200),
        ("articles:feed_rss", (640, 480), 480),  # never upscaled: the widest it has
    ],
)
def test_enclosure_is_the_16_9_jpeg_rendition_with_its_true_length(
    client, publish_with_picture, media_root, name, picture, rendition_width
):
    article = publish_with_picture(*picture)
    rendition = article.lead_image.renditions.get(crop="16:9", format="jpeg", width=rendition_width)
    (entry,) = parse(client, reverse(name)).entries
    (enclosure,) = entry.enclosures
    assert enclosure.href == "http://testserver" + rendition.file.url
    assert enclosure.type == "image/jpeg"
    assert int(enclosure.length) == (Path(media_root) / rendition.file.name).stat().st_size


def test_atom_authors_link_to_their_pages(client):
    author = make_author(name="Ada Lovelace", slug="ada")
    make_article(authors=[author])
    (entry,) = parse(client, reverse("articles:feed_atom")).entries
    assert entry.authors[0]["href"] == "http://testserver/author/ada/"


@pytest.mark.parametrize("name", SITE_FEEDS)
def test_guid_survives_a_new_headline_and_slug(client, name):
    article = make_article()
    (before,) = parse(client, reverse(name)).entries
    article.headline, article.slug = "Corrected", "corrected"
    article.save()
    (after,) = parse(client, reverse(name)).entries
    assert after.title == "Corrected" and after.id == before.id


@pytest.mark.parametrize("name", SITE_FEEDS)
def test_feed_holds_the_latest_fifty_newest_first(client, name, now):
    section = make_section()
    for hours in range(1, 53):
        make_article(
            headline=f"Story {hours}",
            section=section,
            published_at=now - timedelta(hours=hours),
            authors=[],
            sources=0,
        )
    entries = parse(client, reverse(name)).entries
    assert len(entries) == 50
    assert entries[0].title == "Story 1" and entries[-1].title == "Story 50"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_heading_feeds_hold_only_their_heading(client, fmt):
    section, author = make_section(), make_author()
    mine = make_article(headline="Mine", section=section, authors=[author], tags=["buses"])
    make_article(headline="Someone else's")
    for url in [
        reverse(f"articles:section_feed_{fmt}", args=[section.slug]),
        reverse(f"articles:tag_feed_{fmt}", args=["buses"]),
        reverse(f"articles:author_feed_{fmt}", args=[author.slug]),
    ]:
        feed = parse(client, url)
        assert [entry.title for entry in feed.entries] == [mine.headline], url


def test_feed_of_unknown_heading_is_404(client):
    assert client.get(reverse("articles:section_feed_rss", args=["nope"])).status_code == 404
    assert client.get(reverse("articles:tag_feed_atom", args=["nope"])).status_code == 404


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_unpublished_stories_never_reach_any_feed(client, fmt, now, tomorrow):
    section, author = make_section(), make_author()
    shared = {"section": section, "authors": [author], "tags": ["climate"]}
    make_article(headline="Live story", **shared)
    make_draft(headline="Draft story", **shared)
    make_draft(headline="Killed story", status=Article.Status.KILLED, **shared)
    make_article(
        headline="Scheduled story", status=Article.Status.SCHEDULED, published_at=tomorrow, **shared
    )
    make_article(headline="Withdrawn story", unpublish_at=now - timedelta(minutes=1), **shared)
    for url in [
        reverse(f"articles:feed_{fmt}"),
        reverse(f"articles:section_feed_{fmt}", args=[section.slug]),
        reverse(f"articles:tag_feed_{fmt}", args=["climate"]),
        reverse(f"articles:author_feed_{fmt}", args=[author.slug]),
    ]:
        assert [entry.title for entry in parse(client, url).entries] == ["Live story"], url


def test_pages_advertise_their_feeds(client):
    section = make_section(name="Science", slug="science")
    make_article(section=section)
    home = client.get(reverse("articles:home")).content.decode()
    assert 'type="application/rss+xml" title="The Newsroom (RSS)" href="/feed/rss/"' in home
    assert 'type="application/atom+xml" title="The Newsroom (Atom)" href="/feed/atom/"' in home
    listing = client.get(section.get_absolute_url()).content.decode()
    assert 'title="Science (RSS)" href="/section/science/feed/rss/"' in listing
    assert 'title="Science (Atom)" href="/section/science/feed/atom/"' in listing


def test_feed_query_count_is_fixed(client, django_assert_num_queries, publish_with_picture):
    section = make_section()
    make_article(section=section, tags=["a"])
    # 1 articles + sections + their enclosure renditions, 2 bylines + authors, 3 tags
    with django_assert_num_queries(3):
        client.get(reverse("articles:feed_rss"))
    for _ in range(3):
        publish_with_picture(
            640, 360, section=section, tags=["a", "b"], authors=[make_author(), make_author()]
        )
    with django_assert_num_queries(3):
        client.get(reverse("articles:feed_atom"))
    # 1 the section, then the same three
    with django_assert_num_queries(4):
        client.get(reverse("articles:section_feed_rss", args=[section.slug]))


@pytest.mark.parametrize("name", SITE_FEEDS)
def test_a_lead_image_missing_from_storage_does_not_break_the_feed(client, name):
    article = make_article(lead_image=jpeg(), lead_image_alt="A harbour at dusk")
    article.lead_image.file.storage.delete(article.lead_image.file.name)
    (entry,) = parse(client, reverse(name)).entries
    assert entry.enclosures[0].href == "http://testserver" + article.lead_image.file.url
