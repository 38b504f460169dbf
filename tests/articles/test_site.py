from datetime import timedelta

import pytest
from django.urls import reverse

from articles.models import Article, Author, Byline, Source
from tests.factories import make_article, make_author, make_draft, make_section

pytestmark = pytest.mark.django_db


def test_every_page_type_renders(client):
    author = make_author(name="Ada Reporter", slug="ada")
    article = make_article(
        headline="Council votes on night buses", authors=[author], tags=["buses"]
    )
    for url in [
        reverse("articles:home"),
        article.section.get_absolute_url(),
        reverse("articles:tag", args=["buses"]),
        author.get_absolute_url(),
        article.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Council votes on night buses" in response.content.decode(), url


def test_article_page_shows_headline_once_dek_bylines_sources_and_empty_comments(client):
    authors = [make_author(name="Ada Lovelace"), make_author(name="Grace Hopper")]
    article = make_article(
        headline="Corals recover in shaded lagoons",
        dek="Shade halves the damage.",
        authors=authors,
        sources=2,
        dateline="NORTHBRIDGE",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("Corals recover in shaded lagoons</h1>") == 1
    assert "Shade halves the damage." in html
    assert 'Ada Lovelace</a> and <a href="/author/' in html and "Grace Hopper" in html
    assert html.count('rel="noopener noreferrer">Source ') == 2
    assert "NORTHBRIDGE" in html
    assert "No comments yet" in html


def test_updated_time_shows_only_after_a_substantive_update(client, now):
    first = now - timedelta(days=2)
    quiet = make_article(published_at=first, first_published_at=first, updated_at=None)
    assert "updated <time" not in client.get(quiet.get_absolute_url()).content.decode()
    updated = make_article(published_at=first, first_published_at=first, updated_at=now)
    assert "updated <time" in client.get(updated.get_absolute_url()).content.decode()


def test_image_prompt_is_never_shown_to_readers(client):
    article = make_article(image_prompt="A lit city bus at an empty stop at night")
    assert "A lit city bus" not in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.APPROVED]
)
def test_reader_cannot_see_unpublished_article_anywhere(client, status):
    author = make_author()
    section = make_section()
    live = make_article(section=section, authors=[author], tags=["climate"])
    hidden = make_draft(
        headline="Secret embargoed story",
        status=status,
        section=section,
        authors=[author],
        tags=["climate"],
    )
    assert client.get(hidden.get_absolute_url()).status_code == 404
    for url in [
        reverse("articles:home"),
        section.get_absolute_url(),
        reverse("articles:tag", args=["climate"]),
        author.get_absolute_url(),
        live.get_absolute_url(),  # related stories
    ]:
        assert "Secret embargoed story" not in client.get(url).content.decode(), url


def test_article_scheduled_for_the_future_is_invisible_until_its_time(client, tomorrow, yesterday):
    future = make_article(status=Article.Status.SCHEDULED, published_at=tomorrow)
    assert client.get(future.get_absolute_url()).status_code == 404
    due = make_article(status=Article.Status.SCHEDULED, published_at=yesterday)
    assert client.get(due.get_absolute_url()).status_code == 200


def test_article_past_its_unpublish_time_is_gone(client, yesterday):
    expired = make_article(unpublish_at=yesterday)
    assert client.get(expired.get_absolute_url()).status_code == 404


def test_body_markdown_is_rendered_and_sanitised(client):
    article = make_article(
        body=(
            "Some **bold** text and [a link](https://example.org).\n\n"
            "<script>alert('x')</script>\n\n"
            '<img src="x" onerror="alert(1)">\n\n'
            "[click me](javascript:alert(1))\n\n"
            '<a href="https://example.org" onclick="alert(2)">plain</a>'
        )
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in html
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html


@pytest.mark.parametrize("page", ["0", "abc", "999", "-1", "1.5", "9" * 40])
def test_bad_page_numbers_give_404(client, page):
    section = make_section()
    make_article(section=section)
    response = client.get(section.get_absolute_url(), {"page": page})
    assert response.status_code == 404


def test_list_pages_paginate(client):
    section = make_section()
    for _ in range(21):
        make_article(section=section)
    assert client.get(section.get_absolute_url(), {"page": 2}).status_code == 200
    assert 'rel="next"' in client.get(section.get_absolute_url()).content.decode()


def test_unknown_section_tag_author_and_article_give_404(client):
    for name in ["section", "tag", "author", "article"]:
        assert client.get(reverse(f"articles:{name}", args=["nope"])).status_code == 404


def test_404_page_is_the_sites_own(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def _enrich(article, n):
    """Give an article n more bylines, sources and tags."""
    for i in range(n):
        Byline.objects.create(article=article, author=make_author(), position=10 + i)
        Source.objects.create(article=article, title=f"Extra {i}", url=f"https://x.org/{i}")
    article.tags.add(*[f"extra-{article.pk}-{i}" for i in range(n)])


def test_article_page_query_count_is_fixed(client, django_assert_num_queries):
    section = make_section()
    article = make_article(section=section, tags=["a", "b"])
    for _ in range(3):
        make_article(section=section, tags=["a"])
    # 1 article + section, 2 bylines + authors, 3 sources, 4 tags, 5 lead-image renditions,
    # 6 related, 7 nav sections, 8 comment settings, 9 comment counts (tests/comments pins
    # the page with comments)
    with django_assert_num_queries(9):
        client.get(article.get_absolute_url())
    _enrich(article, 5)
    for _ in range(5):
        make_article(section=section, tags=["b"])
    with django_assert_num_queries(9):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_home_query_count_is_fixed(client, django_assert_num_queries):
    make_article()
    # 1 latest + section, 2 their bylines, 3 their renditions (the lead's picture),
    # 4 section rails, 5 rail bylines, 6 nav sections
    with django_assert_num_queries(6):
        client.get(reverse("articles:home"))
    for _ in range(6):
        _enrich(make_article(section=make_section()), 2)
    with django_assert_num_queries(6):
        assert client.get(reverse("articles:home")).status_code == 200


@pytest.mark.parametrize("kind", ["section", "tag", "author"])
def test_list_page_query_count_is_fixed(client, django_assert_num_queries, kind):
    section, author = make_section(), make_author()
    first = make_article(section=section, authors=[author], tags=["t"])
    url = {
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", args=["t"]),
        "author": author.get_absolute_url(),
    }[kind]
    # 1 the section/tag/author, 2 count, 3 page of articles + sections, 4 bylines, 5 nav sections
    with django_assert_num_queries(5):
        client.get(url)
    _enrich(first, 3)
    for _ in range(5):
        _enrich(make_article(section=section, authors=[author, make_author()], tags=["t"]), 2)
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_author_page_lists_only_their_published_work(client):
    author = Author.objects.create(name="Ada", slug="ada", bio="Covers the council.")
    mine = make_article(headline="Mine", authors=[author])
    make_article(headline="Someone else's")
    html = client.get(author.get_absolute_url()).content.decode()
    assert mine.headline in html and "Someone else" not in html
    assert "Covers the council." in html
