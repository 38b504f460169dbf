"""Garbage in the URL, odd methods, open redirects: a 4xx or a normal page, never a 500."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

GARBAGE = [
    "",
    "0",
    "-1",
    "9" * 40,
    "abc",
    "1.5",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%ff",
    "\u00b2\u202e\ufffd",
    "a" * 5000,
]


@pytest.fixture
def public_pages():
    """Each public page with the query parameters it reads (pagination, search, filters)."""
    tag = "budget"
    for _ in range(3):
        article = make_article(tags=[tag], headline="Budget vote")
    return {
        reverse("articles:home"): ["utm_source"],
        reverse("articles:search"): ["q", "section", "published_from", "published_to", "page"],
        reverse("articles:feed_rss"): ["utm_source"],
        article.section.get_absolute_url(): ["before", "page"],
        reverse("articles:tag", args=[tag]): ["before", "page"],
        article.byline_authors[0].get_absolute_url(): ["before", "page"],
        article.get_absolute_url(): ["comments_page"],
    }


@pytest.fixture
def public_urls(public_pages):
    return list(public_pages)


def test_garbage_in_every_query_parameter_never_fails(client, public_pages):
    failures = []
    for url, parameters in public_pages.items():
        for name in parameters:
            for value in GARBAGE:
                response = client.get(url, {"q": "budget", name: value})
                if response.status_code >= 500:
                    failures.append((url, name, value[:20], response.status_code))
    assert failures == []


def test_bad_older_page_marker_is_not_found_and_a_valid_one_is_served(client, public_urls):
    section_page = public_urls[3]  # The section's list.
    first_teaser = re.search(
        r'class="teaser__headline"><a href="/article/([^/"]+)/"',
        client.get(section_page).content.decode(),
    )
    newest = Article.objects.get(slug=first_teaser[1])
    assert client.get(section_page, {"before": newest.pk}).status_code == 200
    assert client.get(section_page, {"page": "abc"}).status_code == 200  # Lists have no numbers.
    assert client.get(section_page, {"before": "abc"}).status_code == 400
    assert client.get(section_page, {"before": "99999999"}).status_code == 404
    assert client.get(section_page, {"before": "9" * 40}).status_code == 400


@pytest.mark.parametrize("method", ["put", "delete", "patch", "trace"])
def test_methods_the_site_does_not_use_are_refused(client, public_urls, method):
    for url in public_urls + [reverse("admin:login")]:
        response = getattr(client, method)(url)
        assert response.status_code == 405, (method, url)
        assert response["Allow"] == "GET, HEAD, POST, OPTIONS"


@pytest.mark.parametrize(
    "url",
    [
        "/?page=%00",
        "/?q=bus%00es",
        "/?%00=1",
        "/article/%00/",
        "/section/a%00b/",
        "/admin/articles/article/?q=%00",
    ],
)
def test_nul_bytes_in_the_url_are_a_bad_request(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "couldn’t read that address" in response.content.decode()


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "http://testserver@evil.example/",
        " //evil.example",
        "https://testserver.evil.example/",
    ],
)
def test_login_never_redirects_off_site(client, target):
    get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    response = client.post(
        reverse("admin:login") + "?next=" + target,
        {"username": "editor", "password": "pw", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_login_keeps_a_local_next(client):
    get_user_model().objects.create_user("editor", password="pw", is_staff=True)
    target = reverse("admin:articles_article_changelist")
    response = client.post(
        reverse("admin:login"), {"username": "editor", "password": "pw", "next": target}
    )
    assert response["Location"] == target


SEARCH_SYNTAX = [
    '"',
    '"unbalanced',
    "a AND",
    "OR",
    "NOT x",
    "x*",
    "(",
    ")",
    "NEAR(a b)",
    "^",
    ":",
    "-",
]


def test_search_syntax_characters_never_fail(client, public_urls):
    search = reverse("articles:search")
    codes = {q: client.get(search, {"q": q}).status_code for q in SEARCH_SYNTAX}
    assert codes == dict.fromkeys(SEARCH_SYNTAX, 200)


STAFF_PARAMETERS = {
    "comments:queue": ["tab", "sort", "page"],
    "comments:log": ["moderator", "article", "action", "page"],
    "desk:calendar": ["week"],
    "admin:articles_article_changelist": ["q", "status__exact", "section__id__exact", "o", "p"],
}


def test_garbage_in_staff_page_parameters_never_fails(admin_client, public_urls):
    failures = []
    for name, parameters in STAFF_PARAMETERS.items():
        for parameter in parameters:
            for value in GARBAGE:
                response = admin_client.get(reverse(name), {parameter: value})
                if response.status_code >= 500:
                    failures.append((name, parameter, value[:20], response.status_code))
    assert failures == []
