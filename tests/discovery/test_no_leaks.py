"""Nothing about a story readers may not see reaches a feed, sitemap, search result or metadata."""

from datetime import timedelta

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article, make_author, make_draft, make_section

pytestmark = pytest.mark.django_db

SECRET = "Zanzibarembargo"


@pytest.fixture
def hidden_stories(now, tomorrow):
    """One story in every state readers must not see, sharing a section, tag and author."""
    section, author = make_section(slug="science"), make_author(slug="ada")
    shared = {"section": section, "authors": [author], "tags": ["climate", f"{SECRET}tag"]}
    make_article(
        headline="Live story about climate", section=section, authors=[author], tags=["climate"]
    )
    for status in [
        Article.Status.DRAFT,
        Article.Status.IN_REVIEW,
        Article.Status.APPROVED,
        Article.Status.KILLED,
        Article.Status.UNPUBLISHED,
    ]:
        make_draft(headline=f"{SECRET} {status}", dek=SECRET, body=SECRET, status=status, **shared)
    make_article(
        headline=f"{SECRET} scheduled",
        dek=SECRET,
        body=SECRET,
        status=Article.Status.SCHEDULED,
        published_at=tomorrow,
        **shared,
    )
    make_article(
        headline=f"{SECRET} withdrawn",
        dek=SECRET,
        body=SECRET,
        unpublish_at=now - timedelta(minutes=1),
        **shared,
    )


def reader_outputs():
    outputs = [
        reverse("articles:home"),
        reverse("articles:section", args=["science"]),
        reverse("articles:tag", args=["climate"]),
        reverse("articles:author", args=["ada"]),
        reverse("articles:article", args=["live-story-about-climate"]),
        reverse("articles:search") + "?q=climate",
        reverse("articles:sitemap_index"),
        reverse("articles:sitemap_news"),
        "/sitemap-sections.xml",
        "/sitemap-tags.xml",
        "/sitemap-authors.xml",
        "/robots.txt",
    ]
    for fmt in ["rss", "atom"]:
        outputs += [
            reverse(f"articles:feed_{fmt}"),
            reverse(f"articles:section_feed_{fmt}", args=["science"]),
            reverse(f"articles:tag_feed_{fmt}", args=["climate"]),
            reverse(f"articles:author_feed_{fmt}", args=["ada"]),
        ]
    return outputs


def test_hidden_stories_leak_nowhere(client, hidden_stories, now):
    outputs = reader_outputs() + [f"/sitemap-articles-{now:%Y-%m}.xml"]
    for url in outputs:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET.lower() not in response.content.decode().lower(), url


def test_searching_for_a_hidden_story_finds_nothing(client, hidden_stories):
    response = client.get(reverse("articles:search"), {"q": SECRET})
    assert "0 results" in response.content.decode()
    assert 'class="search-result"' not in response.content.decode()
