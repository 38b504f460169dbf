import json
from datetime import datetime

import pytest
from django.urls import reverse
from lxml import html

from articles.models import Correction
from tests.discovery.conftest import jpeg
from tests.factories import make_article, make_author, make_correction, make_section

pytestmark = pytest.mark.django_db

HOSTILE_HEADLINE = 'Mayor says </script><script>alert("x")</script> & <!-- café'


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.content)


def json_ld(tree):
    return [json.loads(s.text) for s in tree.xpath('//script[@type="application/ld+json"]')]


def meta(tree, key):
    attr = "property" if key.startswith(("og:", "article:")) else "name"
    return tree.xpath(f'//meta[@{attr}="{key}"]/@content')


def test_article_carries_news_article_json_ld_with_every_required_field(client):
    section = make_section(name="Science", slug="science")
    authors = [make_author(name="Ada Lovelace", slug="ada"), make_author(name="Grace Hopper")]
    article = make_article(
        headline="Corals recover in shaded lagoons",
        excerpt="Shade halves the damage.",
        section=section,
        authors=authors,
        tags=["corals", "climate"],
        lead_image=jpeg(1600, 900),
        lead_image_alt="A reef",
    )
    tree = page(client, article.get_absolute_url())
    news, trail = json_ld(tree)
    assert news["@type"] == "NewsArticle"
    assert news["headline"] == "Corals recover in shaded lagoons"
    assert news["description"] == "Shade halves the damage."
    assert news["author"][0] == {
        "@type": "Person",
        "name": "Ada Lovelace",
        "url": "http://testserver/author/ada/",
    }
    assert [a["name"] for a in news["author"]] == ["Ada Lovelace", "Grace Hopper"]
    for field in ("datePublished", "dateModified"):
        assert datetime.fromisoformat(news[field]).tzinfo is not None
    assert news["articleSection"] == "Science"
    assert sorted(news["keywords"]) == ["climate", "corals"]
    assert news["publisher"]["name"] == "The Newsroom"
    assert news["publisher"]["logo"]["url"].startswith("http://testserver/static/img/logo")
    assert client.get(news["publisher"]["logo"]["url"]).status_code == 200
    assert news["mainEntityOfPage"]["@id"] == "http://testserver" + article.get_absolute_url()
    assert news["image"]
    assert trail["@type"] == "BreadcrumbList"
    assert [item["name"] for item in trail["itemListElement"]] == [
        "The Newsroom",
        "Science",
        "Corals recover in shaded lagoons",
    ]
    assert trail["itemListElement"][1]["item"] == "http://testserver/section/science/"


def test_article_has_canonical_open_graph_and_twitter_card_with_lead_image(client):
    article = make_article(
        headline="Night buses return",
        lead_image=jpeg(1600, 900),
        lead_image_alt="A bus at night",
        tags=["buses"],
    )
    tree = page(client, article.get_absolute_url() + "?utm_source=x")
    canonical = "http://testserver" + article.get_absolute_url()
    assert tree.xpath('//link[@rel="canonical"]/@href') == [canonical]
    assert meta(tree, "og:type") == ["article"]
    assert meta(tree, "og:title") == ["Night buses return"]
    assert meta(tree, "og:url") == [canonical]
    assert meta(tree, "og:image")[0].startswith("http://testserver/media/")
    assert meta(tree, "og:image:alt") == ["A bus at night"]
    assert meta(tree, "article:tag") == ["buses"]
    assert meta(tree, "twitter:card") == ["summary_large_image"]
    assert meta(tree, "twitter:image") and meta(tree, "twitter:image:alt") == ["A bus at night"]
    assert tree.xpath("//title/text()") == ["Night buses return · The Newsroom"]
    assert meta(tree, "description")


def test_article_without_image_gets_a_summary_card(client):
    tree = page(client, make_article().get_absolute_url())
    assert meta(tree, "twitter:card") == ["summary"] and not meta(tree, "og:image")
    assert "image" not in json_ld(tree)[0]


def test_hostile_headline_stays_inside_the_json_string(client):
    article = make_article(headline=HOSTILE_HEADLINE, excerpt=HOSTILE_HEADLINE)
    response = client.get(article.get_absolute_url())
    body = response.content.decode()
    assert '</script><script>alert("x")' not in body
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert" in body
    tree = html.fromstring(response.content)
    # Only our two JSON-LD scripts are inline: the headline opened no element of its own.
    inline = tree.xpath("//script[not(@src)]")
    assert [s.get("type") for s in inline] == ["application/ld+json"] * 2
    news, trail = json_ld(tree)
    assert news["headline"] == HOSTILE_HEADLINE
    assert trail["itemListElement"][-1]["name"] == HOSTILE_HEADLINE


def test_section_page_has_breadcrumbs_and_a_paginated_canonical(client):
    section = make_section(name="Local", slug="local", description="News near you.")
    newest = make_article(section=section, authors=[], sources=0)
    make_article(section=section, authors=[], sources=0, published_at=newest.published_at)
    tree = page(client, f"{section.get_absolute_url()}?before={newest.pk}&utm_source=x")
    assert tree.xpath('//link[@rel="canonical"]/@href') == [
        f"http://testserver/section/local/?before={newest.pk}"
    ]
    assert meta(tree, "og:title") == ["Local"] and meta(tree, "og:description") == [
        "News near you."
    ]
    (trail,) = json_ld(tree)
    assert [item["name"] for item in trail["itemListElement"]] == ["The Newsroom", "Local"]


def test_home_and_tag_pages_have_canonical_and_cards_but_no_breadcrumbs(client):
    make_article(tags=["buses"])
    for url in [reverse("articles:home"), reverse("articles:tag", args=["buses"])]:
        tree = page(client, url)
        assert tree.xpath('//link[@rel="canonical"]/@href') == ["http://testserver" + url]
        assert meta(tree, "og:type") == ["website"] and meta(tree, "twitter:card") == ["summary"]
        assert json_ld(tree) == []


def test_metadata_adds_no_query_to_the_article_page(client, django_assert_num_queries):
    article = make_article(
        authors=[make_author(), make_author()],
        tags=["a", "b"],
        lead_image=jpeg(),
        lead_image_alt="x",
    )
    # The article page's pinned nine with no comments (tests/articles/test_site.py) and the
    # lead image's renditions, metadata included
    with django_assert_num_queries(10):
        client.get(article.get_absolute_url())


def test_news_article_carries_the_corrections_in_order(client):
    article = make_article(headline="Council budget")
    first = make_correction(article, text="An earlier version gave the wrong total.")
    make_correction(
        article, kind=Correction.Kind.CLARIFICATION, text="The vote was </script> on Tuesday."
    )
    news = json_ld(page(client, article.get_absolute_url()))[0]
    assert [(c["@type"], c["name"]) for c in news["correction"]] == [
        ("CorrectionComment", "Correction"),
        ("CorrectionComment", "Clarification"),
    ]
    assert news["correction"][0]["text"] == "An earlier version gave the wrong total."
    assert news["correction"][1]["text"] == "The vote was </script> on Tuesday."
    assert news["correction"][0]["url"].endswith(f"#correction-{first.pk}")
    assert datetime.fromisoformat(news["correction"][0]["datePublished"]).tzinfo is not None


def test_an_uncorrected_article_has_no_correction_field(client):
    news = json_ld(page(client, make_article().get_absolute_url()))[0]
    assert "correction" not in news
