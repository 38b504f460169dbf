"""Every field that takes a number or a date: ASCII digits within the database's range, dates
within what Python and both databases hold; anything else a 400 naming the field or a 404,
never a 500."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from newsroom.params import MAX_ID
from tests.factories import make_article, make_comment, make_draft

pytestmark = pytest.mark.django_db

# Numbers a visitor can type that are not a record id: Unicode digits (which str.isdigit()
# accepts), superscripts, signs, fractions, and values past the database's bigint.
NOT_A_NUMBER = ["٣", "²", "１２", "-1", "+1", "1.5", "1e3", "7 7", "0x1f", "abc", ""]
OUT_OF_RANGE = ["0", str(MAX_ID + 1), "9" * 19, "9" * 20, "9" * 400]


def id_routes(patterns=None, prefix=""):
    """Every URL pattern with an `<id:...>` part, as a route string from the root."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from id_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and "<id:" in route:
            yield route


def fill(route, value):
    """The route with every id part set to `value` and any other part to a plain word."""
    route = re.sub(r"<id:\w+>", value, route)
    return "/" + re.sub(r"<\w+:\w+>|<\w+>", "word", route).lstrip("^").rstrip("$")


# Answered without a query, whatever the id: the comment form's token is checked against
# its story when the comment is posted (see comments/views.py).
QUERYLESS_ROUTES = {"comments/article/<id:article_id>/token/"}


class TestIdsInUrls:
    def test_every_id_route_is_found(self):
        routes = list(id_routes())
        assert "preview/<id:pk>/" in routes
        assert "comments/article/<id:article_id>/" in routes
        assert "int:" not in " ".join(str(p.pattern) for p in get_resolver().url_patterns)

    @pytest.mark.parametrize("value", NOT_A_NUMBER[:-1] + OUT_OF_RANGE)
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_an_id_the_database_cannot_hold_is_not_found(self, admin_client, value, method):
        for route in id_routes():
            response = getattr(admin_client, method)(fill(route, value))
            assert response.status_code in (404, 405), (route, value, response.status_code)

    def test_the_largest_id_is_read_and_not_found(self, admin_client):
        for route in id_routes():
            response = admin_client.get(fill(route, str(MAX_ID)))
            if route in QUERYLESS_ROUTES:
                assert response.status_code == 200, route
            else:
                assert response.status_code in (404, 405), route


class TestOlderStoriesMarker:
    """`?before=<id>` on the section, tag and author pages."""

    @pytest.fixture
    def pages(self):
        article = make_article(tags=["budget"])
        return article, [
            article.section.get_absolute_url(),
            reverse("articles:tag", args=["budget"]),
            article.byline_authors[0].get_absolute_url(),
        ]

    @pytest.mark.parametrize("value", NOT_A_NUMBER + ["0", str(MAX_ID + 1), "9" * 400])
    def test_a_marker_that_is_not_an_id_is_a_bad_request_naming_it(self, client, pages, value):
        for url in pages[1]:
            response = client.get(url, {"before": value})
            assert response.status_code == 400, (url, value)
            assert "before: expected" in response.content.decode()

    def test_an_unknown_marker_is_not_found_and_a_known_one_is_served(self, client, pages):
        article, urls = pages
        for url in urls:
            assert client.get(url, {"before": str(MAX_ID)}).status_code == 404
            assert client.get(url, {"before": article.pk}).status_code == 200


class TestSitemapMonths:
    @pytest.mark.parametrize(
        "month",
        ["9999-12", "10000-01", "3000-01", "0001-01", "1899-12", "2025-13", "2025-00", "٢٠٢٥-01"],
    )
    def test_a_month_out_of_range_is_not_found(self, client, month):
        make_article()
        assert client.get(f"/sitemap-articles-{month}.xml").status_code == 404

    def test_a_month_with_stories_is_served(self, client):
        article = make_article()
        month = article.published_at.strftime("%Y-%m")
        assert client.get(f"/sitemap-articles-{month}.xml").status_code == 200


class TestSearchDates:
    @pytest.mark.parametrize("field", ["published_from", "published_to"])
    @pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
    def test_a_date_out_of_range_is_a_form_error(self, client, field, value):
        make_article(headline="Budget vote")
        response = client.get(reverse("articles:search"), {"q": "budget", field: value})
        assert response.status_code == 200
        assert f'id="id_{field}_error"' in response.content.decode()

    def test_a_date_within_range_searches(self, client):
        make_article(headline="Budget vote")
        response = client.get(
            reverse("articles:search"), {"q": "budget", "published_from": "1900-01-01"}
        )
        page = response.content.decode()
        assert 'class="field-error"' not in page
        assert page.count('<li class="search-result">') == 1


def test_draft_and_comment_ids_in_range_still_resolve(admin_client):
    """The converter hands views an int, as `<int:>` did."""
    draft = make_draft()
    comment = make_comment()
    assert admin_client.get(reverse("articles:preview", args=[draft.pk])).status_code == 200
    assert reverse("comments:report", args=[comment.pk]).endswith(f"/{comment.pk}/report/")


class TestDeskCalendarWeeks:
    """`?week=` on the desk's calendar: a date whose week (and the weeks either side, which the
    page links to) Python and both databases hold."""

    @pytest.mark.parametrize(
        "week", ["0001-01-01", "1899-12-31", "9999-12-31", "3000-01-01", "٢٠٢٦-01-05", "2026-W02"]
    )
    def test_a_week_past_the_edges_shows_this_week_naming_the_field(self, admin_client, week):
        response = admin_client.get(reverse("desk:calendar"), {"week": week})
        assert response.status_code == 200
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert any(m.startswith("week: expected a date") for m in messages), messages

    @pytest.mark.parametrize("week", ["1900-01-01", "2999-12-31"])
    def test_the_edge_weeks_themselves_are_shown(self, admin_client, week):
        response = admin_client.get(reverse("desk:calendar"), {"week": week})
        assert response.status_code == 200
        assert list(get_messages(response.wsgi_request)) == []


class TestRevisionNumbers:
    """`?from=` and `?to=` of the compare page, and the restore URL's version number."""

    @pytest.mark.parametrize("field", ["from", "to"])
    @pytest.mark.parametrize("value", ["٣", "²", "-1", "1.5", "9" * 20, "seven"])
    def test_a_version_that_is_not_a_number_is_a_bad_request_naming_it(
        self, admin_client, field, value
    ):
        url = reverse("desk:compare", args=[make_article().pk])
        response = admin_client.get(url, {field: value})
        assert response.status_code == 400
        assert f"{field}: expected" in response.content.decode()

    @pytest.mark.parametrize("value", [str(2**31), str(MAX_ID)])
    def test_a_version_past_the_column_is_not_found(self, admin_client, value):
        article = make_article()
        response = admin_client.get(reverse("desk:compare", args=[article.pk]), {"from": value})
        assert response.status_code == 404
        restore = f"/admin/desk/{article.pk}/revisions/{value}/restore/"
        assert admin_client.get(restore).status_code == 404


class TestAutocompleteIds:
    """The desk's autocomplete fields (section, byline author, lead image, related story,
    author's account, corrected story): a refused id is drawn back as no choice."""

    @pytest.mark.parametrize("value", [" ", "٣", "-1", "9" * 30, "abc", ":"])
    @pytest.mark.parametrize("field", ["section", "bylines-0-author", "lead_image"])
    def test_the_change_form_refuses_it_and_draws_again(self, admin_client, field, value):
        from tests.articles.change_form import change_form_data, change_url

        article = make_article()
        data = change_form_data(admin_client, article, **{field: value})
        response = admin_client.post(change_url(article), data)
        assert response.status_code == 200
        assert response.context["errors"]

    @pytest.mark.parametrize("value", [" ", "٣", "9" * 30])
    def test_the_other_autocompletes_refuse_it_and_draw_again(self, admin_client, value):
        article = make_article()
        pages = [
            (reverse("admin:articles_author_add"), {"name": "A", "slug": "a", "user": value}),
            (reverse("admin:articles_correction_add"), {"article": value, "kind": "correction"}),
        ]
        for url, data in pages:
            response = admin_client.post(url, data)
            assert response.status_code == 200, url
        assert article.corrections.count() == 0
