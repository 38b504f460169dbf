"""Property-based fuzzing: no hostile query, path or form answers a 5xx or a traceback.

Every reader URL with any query parameters; every URL pattern with any value in each of
its parts; every form the site and the desk show. The quick profile runs in `make test`;
NEWSROOM_FUZZ=long explores for much longer (tests/fuzz/conftest.py).
"""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from articles.previews import create_link
from comments.moderation.form import issue_form_token
from tests.articles.change_form import change_form_data, change_url
from tests.factories import make_article, make_comment, make_correction, make_draft, make_staff
from tests.fuzz.strategies import hostile, query

pytestmark = pytest.mark.django_db


def assert_no_server_error(response, what):
    assert response.status_code < 500, (response.status_code, what)
    assert b"Traceback" not in response.content, what


@pytest.fixture
def newsroom(tomorrow, yesterday):
    """A small newsroom with something in every state, and a browser for each role."""
    article = make_article(tags=["budget"], headline="Budget vote")
    comment = make_comment(article=article)
    make_comment(article=article, parent=comment)
    make_correction(article)
    superuser = User.objects.create_superuser("chief")
    newsroom = {
        "article": article,
        "comment": comment,
        "held": make_comment(article=article, status="pending"),
        "draft": make_draft(tags=["secret"]),
        "scheduled": make_article(status="scheduled", published_at=tomorrow),
        "killed": make_article(status="killed", first_published_at=yesterday),
        "link": create_link(article, by=superuser),
        "browsers": {"reader": Client()},
    }
    for role, user in [
        ("superuser", superuser),
        ("editor", make_staff("Editor")),
        ("reporter", make_staff("Reporter", byline=True)),
        ("moderator", make_staff("Moderator")),
    ]:
        newsroom["browsers"][role] = Client()
        newsroom["browsers"][role].force_login(user)
    return newsroom


def reader_urls(newsroom):
    article, comment = newsroom["article"], newsroom["comment"]
    section, author = article.section.slug, article.byline_authors[0].slug
    month = article.published_at.strftime("%Y-%m")
    return [
        reverse("articles:home"),
        reverse("articles:section", args=[section]),
        reverse("articles:tag", args=["budget"]),
        reverse("articles:author", args=[author]),
        article.get_absolute_url(),
        newsroom["killed"].get_absolute_url(),
        reverse("articles:corrections"),
        reverse("articles:search"),
        reverse("articles:feed_rss"),
        reverse("articles:feed_atom"),
        reverse("articles:section_feed_rss", args=[section]),
        reverse("articles:tag_feed_atom", args=["budget"]),
        reverse("articles:author_feed_rss", args=[author]),
        reverse("articles:sitemap_index"),
        reverse("articles:sitemap_news"),
        reverse("articles:sitemap", args=["tags"]),
        reverse("articles:sitemap", args=[f"articles-{month}"]),
        reverse("articles:robots"),
        reverse("comments:reply", args=[comment.pk]),
        reverse("comments:report", args=[comment.pk]),
        newsroom["link"].get_absolute_url(),
        reverse("healthz"),
    ]


class TestReaderQueryStrings:
    @given(data=st.data())
    def test_any_query_on_any_reader_page(self, newsroom, data):
        url = data.draw(st.sampled_from(reader_urls(newsroom)), label="url")
        parameters = data.draw(query, label="query")
        browser = newsroom["browsers"][data.draw(st.sampled_from(["reader", "editor"]))]
        assert_no_server_error(browser.get(url, parameters), (url, parameters))


def routes(patterns=None, prefix=""):
    """Every URL pattern written with path() converters, as a route from the root."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and "<" in route and "^" not in route:
            yield route


PART = re.compile(r"<(?:\w+:)?\w+>")


class TestUrlPathParts:
    def test_the_routes_cover_the_site_and_the_desk(self):
        found = list(routes())
        assert "article/<slug:slug>/" in found
        assert "comments/<id:comment_id>/report/" in found
        assert any(route.startswith("admin/articles/article/<path:object_id>") for route in found)

    @given(data=st.data())
    def test_any_value_in_any_part_of_any_route(self, newsroom, data):
        route = data.draw(st.sampled_from(sorted(routes())), label="route")
        parts = len(PART.findall(route))
        values = data.draw(st.lists(hostile, min_size=parts, max_size=parts), label="values")
        filled = iter(quote(value, safe="") for value in values)
        path = "/" + PART.sub(lambda _: next(filled), route)
        browser = newsroom["browsers"][data.draw(st.sampled_from(["reader", "superuser"]))]
        assert_no_server_error(browser.get(path), path)


class TestReaderForms:
    @given(
        fields=st.fixed_dictionaries(
            {},
            optional=dict.fromkeys(
                ["q", "section", "published_from", "published_to", "page"], hostile
            ),
        )
    )
    def test_search(self, newsroom, fields):
        response = newsroom["browsers"]["reader"].get(reverse("articles:search"), fields)
        assert_no_server_error(response, fields)

    @given(
        fields=st.fixed_dictionaries(
            {}, optional=dict.fromkeys(["name", "email", "body", "website", "parent"], hostile)
        ),
        has_valid_token=st.booleans(),
        who=st.sampled_from(["reader", "moderator"]),
    )
    @example(fields={"parent": "²"}, has_valid_token=True, who="reader")
    @example(fields={"parent": "9" * 30}, has_valid_token=True, who="reader")
    def test_comment(self, newsroom, fields, has_valid_token, who):
        article = newsroom["article"]
        if has_valid_token:
            fields = {
                "token": issue_form_token(article, at=timezone.now() - timedelta(minutes=1)),
                **fields,
            }
        response = newsroom["browsers"][who].post(
            reverse("comments:post", args=[article.pk]), fields
        )
        assert_no_server_error(response, fields)

    @given(fields=st.fixed_dictionaries({}, optional=dict.fromkeys(["reason", "note"], hostile)))
    def test_report(self, newsroom, fields):
        url = reverse("comments:report", args=[newsroom["comment"].pk])
        assert_no_server_error(newsroom["browsers"]["reader"].post(url, fields), fields)

    @given(
        fields=st.fixed_dictionaries({}, optional=dict.fromkeys(["username", "password"], hostile))
    )
    def test_desk_login(self, newsroom, fields):
        response = Client().post(reverse("admin:login"), fields)
        assert_no_server_error(response, fields)


def selection(comment):
    """A card's "pk:revision", as the moderation queue writes it."""
    return f"{comment.pk}:{comment.revision}"


class TestModerationDesk:
    @given(data=st.data())
    @example(data=None)  # the known case: a bare word as `next` was read as a view's name
    def test_decisions(self, newsroom, data):
        held = newsroom["held"]
        if data is None:
            fields = {"next": "0", "card": f"approve:{selection(held)}"}
        else:
            verbs = st.sampled_from(["approve", "reject", "reject:off_topic", "spam", "ban"])
            fields = data.draw(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "next": hostile,
                        "card": st.one_of(hostile, verbs.map(lambda v: f"{v}:{selection(held)}")),
                        "bulk": st.one_of(hostile, verbs),
                        "selected": st.lists(
                            st.one_of(hostile, st.just(selection(held))), max_size=3
                        ),
                        f"ban_days-{held.pk}": hostile,
                        f"ban_network-{held.pk}": hostile,
                        f"ban_reject-{held.pk}": hostile,
                    },
                ),
                label="fields",
            )
        response = newsroom["browsers"]["moderator"].post(reverse("comments:decide"), fields)
        assert_no_server_error(response, fields)

    @given(url=st.sampled_from(["comments:queue", "comments:log", "comments:overview"]), q=query)
    def test_pages(self, newsroom, url, q):
        response = newsroom["browsers"]["moderator"].get(reverse(url), q)
        assert_no_server_error(response, (url, q))


class TestDesk:
    """The desk's own pages, the admin's lists and the article change form with its moves."""

    def desk_urls(self, newsroom):
        story, comment = newsroom["article"], newsroom["comment"]
        return [
            reverse("desk:index"),
            reverse("desk:calendar"),
            reverse("desk:revisions", args=[story.pk]),
            reverse("desk:compare", args=[story.pk]),
            reverse("desk:restore", args=[story.pk, 1]),
            reverse("admin:articles_article_changelist"),
            reverse("admin:articles_article_change", args=[story.pk]),
            reverse("admin:articles_article_change", args=[newsroom["draft"].pk]),
            reverse("admin:articles_editorialevent_changelist"),
            reverse("admin:library_image_changelist"),
            reverse("admin:library_image_upload"),
            reverse("admin:comments_comment_changelist"),
            reverse("comments:history", args=[comment.pk]),
            reverse("articles:preview", args=[newsroom["draft"].pk]),
        ]

    @given(data=st.data())
    def test_any_query_on_any_desk_page(self, newsroom, data):
        url = data.draw(st.sampled_from(self.desk_urls(newsroom)), label="url")
        parameters = data.draw(query, label="query")
        role = data.draw(st.sampled_from(["superuser", "editor", "reporter", "moderator"]))
        assert_no_server_error(newsroom["browsers"][role].get(url, parameters), (url, parameters))

    @given(data=st.data())
    def test_change_form_saves_and_moves(self, newsroom, data):
        browser = newsroom["browsers"]["superuser"]
        article = newsroom["draft"]
        fields = change_form_data(browser, article)
        moves = st.sampled_from(["submit", "approve", "schedule", "publish", "kill", "return"])
        changed = data.draw(
            st.dictionaries(
                st.sampled_from(sorted(fields) + ["schedule_at", "workflow_note", "seen_version"]),
                hostile,
                max_size=4,
            ),
            label="changed",
        )
        if data.draw(st.booleans(), label="moves"):
            changed["_transition"] = data.draw(st.one_of(moves, hostile), label="move")
        response = browser.post(change_url(article), {**fields, **changed})
        assert_no_server_error(response, changed)

    @given(data=st.data())
    def test_desk_posts(self, newsroom, data):
        story = newsroom["article"]
        url = data.draw(
            st.sampled_from(
                [
                    reverse("desk:restore", args=[story.pk, 1]),
                    reverse("desk:presence", args=[story.pk]),
                    reverse("desk:share", args=[story.pk]),
                    reverse("desk:revoke_share", args=[story.pk, newsroom["link"].pk]),
                    reverse("admin:library_image_upload"),
                ]
            ),
            label="url",
        )
        fields = data.draw(query, label="fields")
        role = data.draw(st.sampled_from(["superuser", "editor", "reporter"]))
        assert_no_server_error(newsroom["browsers"][role].post(url, fields), (url, fields))
