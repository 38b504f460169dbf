"""Error pages that cannot fail: every status renders whatever the Host, with no query.

DEBUG is off in tests, as in production. A Host outside ALLOWED_HOSTS is refused with a 400
on every URL by the first middleware, with one log line; the pages themselves read nothing
from the request, so each is also rendered here for a request with a hostile Host.
"""

import logging

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from newsroom import errors
from newsroom.login_guard import locked_out
from newsroom.middleware import DatabaseUnavailableMiddleware
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

HOSTILE_HOSTS = [
    "evil.example",
    "evil.example:8000",
    "localhost.evil.example",
    "localhost:abc",
    "[::1",
    "[::2]",
    "user@localhost",
    "localhost/../",
    "local host",
    "évil.example",
    "xn--vil-bma.example",
    "a" * 300,
    "localhost,evil.example",
    "localhost\\evil.example",
    "%6c%6f%63%61%6c%68%6f%73%74",
]
HOSTILE_URLS = ["/", "/healthz", "/no/such/page/", "/admin/", "/feed/rss/", "/sitemap.xml"]

# What each error page says, by status; every page is templates/errors/<status>.html.
PAGES = {
    400: "We couldn’t read that address",
    403: "You can’t open this page",
    404: "We can’t find that page",
    410: "This story has been withdrawn",
    429: "Too many sign-in attempts",
    500: "Something went wrong on our side",
    503: "We’ll be back in a moment",
}


def hostile_request(host="evil.example"):
    return RequestFactory().get("/some/path/?page=2", HTTP_HOST=host)


def render_page(status, request, killed):
    """Each error page as the site answers it, for `request` (410: for the `killed` story)."""
    if status == 410:
        return errors.error_page(410, {"article": killed})
    if status == 429:
        return locked_out(request)
    if status == 503:
        middleware = DatabaseUnavailableMiddleware(lambda request: None)
        return middleware.process_exception(request, OperationalError("no database"))
    handler = {
        400: errors.bad_request,
        403: errors.permission_denied,
        404: errors.page_not_found,
    }.get(status)
    return handler(request, None) if handler else errors.server_error(request)


class TestEveryErrorPage:
    @pytest.mark.parametrize("status", sorted(PAGES))
    @pytest.mark.parametrize("host", HOSTILE_HOSTS[:4])
    def test_page_renders_under_a_hostile_host_with_no_query(
        self, status, host, django_assert_num_queries
    ):
        request = hostile_request(host)
        killed = make_article(status="killed", kill_notice="Legal reasons.")
        with django_assert_num_queries(0):
            response = render_page(status, request, killed)
        content = response.content.decode()
        assert response.status_code == status
        assert PAGES[status] in content
        assert host not in content
        assert "no-cache" in response["Cache-Control"]

    def test_a_page_whose_template_fails_still_answers_with_its_status(self, settings):
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [], "APP_DIRS": False}]
        response = errors.page_not_found(hostile_request(), None)
        assert (response.status_code, response.content) == (404, b"Not found.")


class TestUnknownHost:
    @pytest.mark.parametrize("host", HOSTILE_HOSTS)
    def test_every_url_answers_400_with_one_log_line(
        self, client, host, caplog, django_assert_num_queries
    ):
        for url in HOSTILE_URLS:
            caplog.clear()
            with caplog.at_level(logging.INFO), django_assert_num_queries(0):
                response = client.get(url, HTTP_HOST=host)
            assert response.status_code == 400, (host, url)
            assert PAGES[400] in response.content.decode()
            assert [(r.name, r.getMessage()) for r in caplog.records] == [
                ("newsroom.security", "host_refused")
            ], (host, url)
            assert caplog.records[0].fields["host"] == host[:200]

    def test_posts_and_staff_pages_are_refused_alike(self, admin_client):
        article = make_article()
        url = reverse("comments:post", args=[article.pk])
        assert admin_client.post(url, {}, HTTP_HOST="evil.example").status_code == 400
        assert admin_client.get("/admin/", HTTP_HOST="evil.example").status_code == 400

    def test_a_known_host_is_served(self, client):
        assert client.get("/healthz", HTTP_HOST="localhost").status_code == 200


class TestErrorPagesOverHttp:
    """Each page as a visitor reaches it, on a known Host: its own template, no extra query."""

    def test_unknown_address_is_the_404_page_with_no_query(self, client, django_assert_num_queries):
        with django_assert_num_queries(0):
            response = client.get("/no/such/page/")
        assert response.status_code == 404
        assert PAGES[404] in response.content.decode()

    def test_malformed_address_is_the_400_page(self, client):
        response = client.get("/?page=%00")
        assert response.status_code == 400
        assert PAGES[400] in response.content.decode()

    def test_a_form_sent_without_its_csrf_token_is_the_403_page(self):
        from django.test import Client

        comment = make_comment()
        response = Client(enforce_csrf_checks=True).post(
            reverse("comments:report", args=[comment.pk]), {"reason": "spam"}
        )
        assert response.status_code == 403
        assert "The form you sent has expired" in response.content.decode()

    def test_a_staff_member_without_the_permission_gets_the_403_page(self, client):
        from tests.factories import make_staff

        client.force_login(make_staff("Moderator"))
        response = client.get(reverse("articles:preview", args=[make_article().pk]))
        assert response.status_code == 403
        assert PAGES[403] in response.content.decode()

    def test_a_withdrawn_story_is_the_410_page(self, client, yesterday):
        article = make_article(
            status="killed", kill_notice="Legal reasons.", first_published_at=yesterday
        )
        response = client.get(article.get_absolute_url())
        assert response.status_code == 410
        assert PAGES[410] in response.content.decode()
        assert "Legal reasons." in response.content.decode()
