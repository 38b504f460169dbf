from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from lxml import html

from articles.models import Article
from articles.search import scan_search
from tests.factories import make_article, make_author, make_draft, make_section
from tests.xss import PAYLOADS, hostile_markup

pytestmark = pytest.mark.django_db

ABSURD_QUERIES = [
    "",
    "   ",
    "x" * 10_000,
    "'; DROP TABLE articles_article; --",
    '" OR 1=1 --',
    "coral) OR (1=1",
    "NEAR(coral lagoon",
    "* ^ : - + \" ' \\ %",
    "AND OR NOT",
    "<script>alert(1)</script>",
]


def search(client, **params):
    response = client.get(reverse("articles:search"), params)
    assert response.status_code == 200, params
    return response


def headlines(response):
    tree = html.fromstring(response.content)
    return tree.xpath('//li[@class="search-result"]//h2/a/text()')


def test_finds_stories_by_headline_dek_and_body(client):
    make_article(headline="Lagoon corals recover", dek="", body="Nothing.")
    make_article(headline="Reef news", dek="Corals in the lagoon bleach less.", body="Nothing.")
    make_article(headline="Ocean diary", dek="", body="We dived where the lagoon corals grow.")
    make_article(headline="Bus timetable", dek="Night buses.", body="Routes change.")
    assert set(headlines(search(client, q="lagoon corals"))) == {
        "Lagoon corals recover",
        "Reef news",
        "Ocean diary",
    }
    assert headlines(search(client, q="timetables")) == ["Bus timetable"]  # stemmed


def test_headline_match_ranks_above_dek_above_body(client, now):
    # Newest first would give the opposite order: ranking must decide.
    make_article(
        headline="Harbour", body="The ferry strike goes on.", published_at=now - timedelta(hours=1)
    )
    make_article(
        headline="Harbour news", dek="A ferry strike.", published_at=now - timedelta(hours=2)
    )
    make_article(headline="Ferry strike halts crossings", published_at=now - timedelta(hours=3))
    assert headlines(search(client, q="ferry strike")) == [
        "Ferry strike halts crossings",
        "Harbour news",
        "Harbour",
    ]


def test_snippet_highlights_the_words_and_escapes_the_body(client):
    make_article(
        headline="Council budget",
        body="The <script>alert(1)</script> council approved the library budget on Tuesday.",
    )
    response = search(client, q="library")
    body = response.content.decode()
    assert "<mark>library</mark>" in body
    # PostgreSQL's ts_headline drops the tag, FTS5's snippet keeps it: escaped either way.
    assert "<script>alert(1)</script>" not in body


def snippets(response):
    """Each result's snippet element, parsed."""
    return html.fromstring(response.content).xpath('//p[@class="search-result__snippet"]')


MARKDOWN_BODY = """## Budget **vote** tonight

The council backs the *library* plan, says [the finance report](https://example.org/budget).

- Libraries open later
- A new reading room
"""


def test_snippet_shows_the_body_as_readers_see_it(client):
    make_article(headline="Council", body=MARKDOWN_BODY)
    (snippet,) = snippets(search(client, q="library"))
    text = snippet.text_content()
    for mark in ("##", "**", "*library", "](", "https://", "- Libraries"):
        assert mark not in text
    assert "backs the library plan, says the finance report." in text
    assert [mark.text for mark in snippet.iter("mark")] == ["library", "Libraries"]


def test_link_addresses_are_not_searched(client):
    make_article(headline="Council", body=MARKDOWN_BODY)
    assert headlines(search(client, q="budget")) == ["Council"]
    # Only in the link's address, which readers never see.
    assert headlines(search(client, q="example.org")) == []


def test_snippets_of_hostile_bodies_hold_only_text_and_our_marks(client):
    # The highlight markers themselves among them: a body must not open or close a <mark>.
    payloads = [*PAYLOADS, "\x02lagoon\x03 \x03 \x02"]
    for payload in payloads:
        make_article(headline="Lagoon", body=f"Lagoon report.\n\n{payload}\n\nLagoon news.")
    shown = 0
    for page in range(1, len(payloads) // 20 + 2):
        response = search(client, q="lagoon", page=page)
        assert hostile_markup(response.content.decode()) == []
        for snippet in snippets(response):
            assert {element.tag for element in snippet.iterdescendants()} == {"mark"}
            assert {mark.text.lower() for mark in snippet.iter("mark")} == {"lagoon"}
            shown += 1
    assert shown == len(payloads)


def test_only_published_stories_are_found(client, now, tomorrow):
    make_article(headline="Lagoon report live")
    make_draft(headline="Lagoon report draft")
    make_draft(headline="Lagoon report killed", status=Article.Status.KILLED)
    make_article(
        headline="Lagoon report scheduled", status=Article.Status.SCHEDULED, published_at=tomorrow
    )
    make_article(headline="Lagoon report withdrawn", unpublish_at=now - timedelta(minutes=1))
    response = search(client, q="lagoon report")
    assert headlines(response) == ["Lagoon report live"]
    assert "draft" not in response.content.decode().lower().replace("drafts", "")


def test_filters_by_section_and_publication_dates(client, now):
    science, local = make_section(slug="science"), make_section(slug="local")
    make_article(headline="Lagoon science", section=science, published_at=now - timedelta(days=10))
    make_article(headline="Lagoon local", section=local, published_at=now - timedelta(days=10))
    make_article(headline="Lagoon recent", section=science, published_at=now - timedelta(hours=1))
    assert set(headlines(search(client, q="lagoon", section="science"))) == {
        "Lagoon science",
        "Lagoon recent",
    }
    since = (now - timedelta(days=2)).date().isoformat()
    assert headlines(search(client, q="lagoon", published_from=since)) == ["Lagoon recent"]
    until = (now - timedelta(days=5)).date().isoformat()
    assert set(headlines(search(client, q="lagoon", published_to=until))) == {
        "Lagoon science",
        "Lagoon local",
    }


def test_bad_filters_are_named_and_kept(client):
    make_article(headline="Lagoon")
    response = search(client, q="lagoon", published_from="2026-05-01", published_to="2026-04-01")
    body = response.content.decode()
    assert "The end date comes before the start date." in body
    assert 'value="2026-04-01"' in body and 'value="lagoon"' in body
    response = search(client, q="lagoon", section="no-such-desk", published_from="yesterday")
    tree = html.fromstring(response.content)
    errors = tree.xpath('//span[@class="field-error"]/@id')
    assert errors == ["id_section_error", "id_published_from_error"]
    described = tree.xpath("//*[@aria-invalid]/@aria-describedby")
    assert described == errors


@pytest.mark.parametrize("query", ABSURD_QUERIES)
def test_absurd_queries_answer_normally(client, query):
    make_article(headline="Lagoon corals recover")
    response = search(client, q=query)
    assert b'class="search-form"' in response.content
    assert Article.objects.count() == 1  # and the table is still there


def test_overlong_query_gets_a_clear_message(client):
    body = search(client, q="x" * 10_000).content.decode()
    assert "Ensure this value has at most 200 characters" in body


def test_nul_byte_query_gets_a_clear_refusal(client):
    response = client.get(reverse("articles:search"), {"q": "lagoon\x00coral"})
    # The form names the problem; where the site refuses NUL bytes in any URL, a 400.
    if response.status_code == 200:
        assert "Null characters are not allowed." in response.content.decode()
    else:
        assert response.status_code == 400


def test_results_are_paginated_keeping_the_criteria(client, now):
    section = make_section(slug="science")
    for n in range(25):
        make_article(
            headline=f"Lagoon {n}",
            section=section,
            authors=[],
            sources=0,
            published_at=now - timedelta(hours=n + 1),
        )
    first = search(client, q="lagoon", section="science")
    assert len(headlines(first)) == 20
    assert "25 results" in first.content.decode()
    assert "?q=lagoon&amp;section=science&amp;page=2" in first.content.decode()
    assert len(headlines(search(client, q="lagoon", section="science", page=2))) == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL ranking only")
def test_a_word_in_very_many_stories_ranks_only_the_newest(client, now, settings):
    settings.SEARCH_CANDIDATES = 3
    for n in range(5):
        make_article(headline=f"Harbour report {n}", published_at=now - timedelta(days=n + 1))
    # The oldest story would rank first if every match were ranked.
    make_article(
        headline="Harbour harbour harbour", dek="Harbour.", published_at=now - timedelta(days=9)
    )
    response = search(client, q="harbour")
    assert sorted(headlines(response)) == [f"Harbour report {n}" for n in range(3)]
    assert "The newest 3 matching stories" in response.content.decode()
    narrowed = search(client, q="harbour", published_to=(now - timedelta(days=8)).date())
    assert headlines(narrowed) == ["Harbour harbour harbour"]
    assert "1 result" in narrowed.content.decode()


def test_index_follows_edits_bulk_updates_and_deletions(client):
    article = make_article(headline="Lagoon corals recover")
    Article.objects.filter(pk=article.pk).update(headline="Mangroves spread")
    assert headlines(search(client, q="lagoon")) == []
    assert headlines(search(client, q="mangroves")) == ["Mangroves spread"]
    article.delete()
    assert headlines(search(client, q="mangroves")) == []


def test_plain_scan_fallback_finds_every_word_in_published_stories():
    make_article(headline="Lagoon corals", body="Shade helps.")
    make_article(headline="Lagoon birds", body="Nothing here.")
    make_draft(headline="Lagoon corals draft")
    found = scan_search(Article.objects.published(), "corals, lagoon!")
    assert [article.headline for article in found] == ["Lagoon corals"]
    assert list(scan_search(Article.objects.published(), "'; --")) == []


def test_header_has_a_search_box(client):
    tree = html.fromstring(client.get(reverse("articles:home")).content)
    (box,) = tree.xpath('//form[@role="search"]//input[@name="q"]')
    assert box.getparent().get("action") == reverse("articles:search")


def test_search_page_is_not_indexed(client):
    assert '<meta name="robots" content="noindex">' in search(client, q="x").content.decode()


def test_search_query_count_is_fixed(client, django_assert_num_queries, settings):
    settings.READER_CACHE_SECONDS = 0  # built cold each time: no masthead fragment
    section = make_section(slug="science")
    make_article(headline="Lagoon one", section=section, tags=["a"])
    # 1 sections for the nav, 2 count, 3 results + sections, 4 bylines, 5 section choices
    with django_assert_num_queries(5):
        search(client, q="lagoon")
    for _ in range(3):
        make_article(
            headline="Lagoon more", section=section, authors=[make_author(), make_author()]
        )
    with django_assert_num_queries(5):
        search(client, q="lagoon")
    # + the chosen section
    with django_assert_num_queries(6):
        search(client, q="lagoon", section="science")
    # 1 nav, 2 section choices: no search without words
    with django_assert_num_queries(2):
        search(client, q="")


def test_search_runs_on_this_database_s_full_text_engine():
    engine = {"postgresql": "search_vector", "sqlite": "articles_article_fts"}[connection.vendor]
    make_article(headline="Lagoon")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT search_vector::text FROM articles_article")
            assert "'lagoon':1A" in cursor.fetchone()[0]
        else:
            cursor.execute(f"SELECT count(*) FROM {engine} WHERE {engine} MATCH 'lagoon'")
            assert cursor.fetchone()[0] == 1
