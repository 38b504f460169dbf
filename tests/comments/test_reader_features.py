"""What readers get back: their held comment, threads, order, picks, likes, new-comment counts."""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client

from comments.models import Comment, LogAction, ModerationLogEntry, Reaction
from comments.readers import COOKIE
from tests.comments.conftest import post_comment
from tests.factories import make_article, make_comment, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article()


def html_of(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def page(client, article, **params):
    return html_of(client, article.get_absolute_url(), **params)


# The reader sees what happened


def test_held_comment_stands_marked_beside_the_form_for_its_poster_alone(client, article):
    response = post_comment(client, article, body="Held words of mine")
    assert response["Location"].endswith("#comment-status")
    assert COOKIE in response.cookies
    html = client.get(response["Location"]).content.decode()
    status = html[html.index('id="comment-status"') : html.index('id="comment-form"')]
    assert "Your comment is held for review" in status
    assert "Held words of mine" in status and "Awaiting review" in status
    assert "Your comment is held for review" not in html[: html.index('id="comment-status"')]
    # The next view of the page is the shared one again: the poster's words are fetched.
    client.cookies.pop("messages")  # Expired by the last response; a browser drops it.
    assert "Held words of mine" not in page(client, article)
    fetched = client.get(f"/comments/article/{article.pk}/awaiting-review/")
    assert "Held words of mine" in fetched.content.decode()
    assert "no-store" in fetched["Cache-Control"]
    for stranger in [Client(), Client(cookies={COOKIE: "forged"})]:
        other = stranger.get(f"/comments/article/{article.pk}/awaiting-review/")
        assert "Held words of mine" not in other.content.decode()


def test_shared_page_stays_cached_for_a_reader_with_an_identity(client, article):
    post_comment(client, article)
    client.cookies.pop("messages")  # Read on the page right after posting, then gone.
    Client().get(article.get_absolute_url())  # Stored by the first anonymous reader.
    response = client.get(article.get_absolute_url())
    assert response["X-Cache"] == "hit"


def test_approved_comment_leaves_the_awaiting_list(client, article):
    post_comment(client, article, body="Soon approved")
    Comment.objects.filter(body="Soon approved").update(status="published")
    fetched = client.get(f"/comments/article/{article.pk}/awaiting-review/")
    assert "Soon approved" not in fetched.content.decode()


def test_report_form_starts_with_no_reason_chosen(client, article):
    html = html_of(client, f"/comments/{make_comment(article=article).pk}/report/")
    assert "---------" not in html
    assert 'type="radio"' in html
    assert not re.search(r'<input type="radio"[^>]*checked', html)


# Threads


def test_threads_nest_three_levels_and_continue_past_that(client, article):
    top = make_comment(article=article, body="Level one")
    two = make_comment(article=article, parent=top, body="Level two")
    three = make_comment(article=article, parent=two, body="Level three")
    four = make_comment(article=article, parent=three, body="Level four")
    make_comment(article=article, parent=four, body="Level five")
    html = page(client, article)
    assert html.index("Level one") < html.index("Level two") < html.index("Level three")
    assert "Level four" not in html
    assert f'href="/comments/{three.pk}/thread/">Continue this thread (2 more replies)' in html
    assert html.count('<details class="thread" open>') == 2
    continued = html_of(client, f"/comments/{three.pk}/thread/")
    assert "Level three" in continued and "Level four" in continued and "Level five" in continued
    assert "Level one" not in continued


def test_deep_thread_page_shows_only_published_comments(client, article):
    top = make_comment(article=article)
    make_comment(article=article, parent=top, body="Hidden reply", status="pending")
    assert "Hidden reply" not in html_of(client, f"/comments/{top.pk}/thread/")
    held = make_comment(article=article, status="pending")
    assert client.get(f"/comments/{held.pk}/thread/").status_code == 404


# Order


@pytest.mark.parametrize(
    "sort, expected",
    [("oldest", ["Old", "Middle", "New"]), ("newest", ["New", "Middle", "Old"]),
     ("liked", ["Middle", "New", "Old"]), ("nonsense", ["Old", "Middle", "New"])],
)  # fmt: skip
def test_threads_sort_oldest_newest_and_most_liked(client, article, now, sort, expected):
    for n, (body, likes) in enumerate([("Old", 0), ("Middle", 5), ("New", 2)]):
        make_comment(article=article, body=f"{body} thread", posted_at=now - timedelta(hours=3 - n),
                     like_count=likes)  # fmt: skip
    html = page(client, article, comments_sort=sort)
    found = re.findall(r"<p>(Old|Middle|New) thread</p>", html)
    assert found == expected


def test_pagination_keeps_the_order(client, article):
    from comments.models import CommentSettings

    CommentSettings.objects.filter(pk=1).update(threads_per_page=1)
    make_comment(article=article)
    make_comment(article=article)
    html = page(client, article, comments_sort="newest")
    assert 'href="?comments_sort=newest&amp;comments_page=2#comments"' in html


# Editors' picks


def test_editor_and_moderator_pick_a_comment_and_it_is_logged(client, article):
    comment = make_comment(article=article, body="A sharp point")
    for role in ["Editor", "Moderator"]:
        staff = make_staff(role)
        client.force_login(staff)
        response = client.post(
            f"/comments/{comment.pk}/feature/", {"is_featured": "on"}, HTTP_REFERER="/x"
        )
        assert response.status_code == 302
        comment.refresh_from_db()
        assert comment.is_featured
        client.post(f"/comments/{comment.pk}/feature/", {"is_featured": ""})
        comment.refresh_from_db()
        assert not comment.is_featured
        entries = ModerationLogEntry.objects.filter(actor=staff).values_list("action", flat=True)
        assert sorted(entries) == [LogAction.FEATURED, LogAction.UNFEATURED]


def test_reporters_and_readers_cannot_pick(client, article):
    comment = make_comment(article=article)
    assert client.post(f"/comments/{comment.pk}/feature/", {"is_featured": "on"}).status_code in (
        302,
        403,
    )
    client.force_login(make_staff("Reporter"))
    assert client.post(f"/comments/{comment.pk}/feature/", {"is_featured": "on"}).status_code == 403
    comment.refresh_from_db()
    assert not comment.is_featured


def test_picks_come_first_with_a_badge_and_have_their_own_tab(client, article, now):
    make_comment(article=article, body="Ordinary early", posted_at=now - timedelta(hours=2))
    pick = make_comment(article=article, body="Picked late", posted_at=now)
    reply = make_comment(article=article, parent=pick, body="Picked reply")
    from comments import moderation

    for comment in (pick, reply):
        moderation.feature(comment=comment, by=None)
    html = page(Client(), article)
    assert html.index("Picked late") < html.index("Ordinary early")
    assert html.count("Editors' pick</span>") == 2
    assert "Editors&#39; picks (2)" in html  # Jinja2 escapes ' as &#39;
    picks = page(Client(), article, comments_tab="picks")
    assert "Picked late" in picks and "Picked reply" in picks and "Ordinary early" not in picks
    assert f'in reply to <a href="/comments/{pick.pk}/thread/">' in picks


# Likes


def test_a_reader_likes_a_comment_once(article):
    comment = make_comment(article=article)
    reader = Client()
    first = reader.post(f"/comments/{comment.pk}/like/", HTTP_ACCEPT="application/json")
    assert first.json() == {"likes": 1} and COOKIE in first.cookies
    again = reader.post(f"/comments/{comment.pk}/like/", HTTP_ACCEPT="application/json")
    assert again.json() == {"likes": 1}
    other = Client().post(f"/comments/{comment.pk}/like/", REMOTE_ADDR="127.0.0.1")
    assert other.status_code == 302  # Without JavaScript: back to the comment.
    comment.refresh_from_db()
    assert comment.like_count == 2 and Reaction.objects.count() == 2


def test_a_forged_identity_counts_as_a_new_reader_not_someone_else(article):
    comment = make_comment(article=article)
    reader = Client()
    reader.post(f"/comments/{comment.pk}/like/")
    forged = Client(cookies={COOKIE: reader.cookies[COOKIE].value[:-2] + "xx"})
    forged.post(f"/comments/{comment.pk}/like/")
    comment.refresh_from_db()
    assert comment.like_count == 2


def test_likes_from_another_site_are_refused(article):
    comment = make_comment(article=article)
    response = Client().post(f"/comments/{comment.pk}/like/", HTTP_ORIGIN="https://evil.example")
    assert response.status_code == 403
    assert not Reaction.objects.exists()


def test_likes_are_rate_limited_per_reader(article):
    reader = Client()
    comments = [make_comment(article=article) for _ in range(31)]
    # The limit counts in fixed minutes: 31 likes that straddle a minute's end are two
    # minutes' worth, so start them at the top of a minute when the end is near.
    if (into_minute := time.time() % 60) > 40:
        time.sleep(60 - into_minute)
    codes = [
        reader.post(f"/comments/{c.pk}/like/", HTTP_ACCEPT="application/json").status_code
        for c in comments
    ]
    assert codes == [200] * 30 + [429]
    assert Reaction.objects.count() == 30


def test_a_like_leaves_the_shared_page_cached(article):
    comment = make_comment(article=article)
    Client().get(article.get_absolute_url())
    Client().post(f"/comments/{comment.pk}/like/")
    assert Client().get(article.get_absolute_url())["X-Cache"] == "hit"


# New comments since the page loaded


def test_count_endpoint_is_cached_and_moves_when_a_comment_is_published(article):
    make_comment(article=article)
    url = f"/comments/article/{article.pk}/count/"
    assert Client().get(url).json() == {"comments": 1}
    assert Client().get(url)["X-Cache"] == "hit"
    make_comment(article=article, status="pending")
    assert Client().get(url).json() == {"comments": 1}
    make_comment(article=article)
    assert Client().get(url).json() == {"comments": 2}


def test_page_names_its_count_and_script_without_inline_code(client, article):
    html = page(client, article)
    assert f'data-count-url="/comments/article/{article.pk}/count/"' in html
    assert 'data-count="0"' in html
    assert re.search(r'<script src="/static/comments/comments\.[0-9a-f]+\.js" defer>', html) or (
        '<script src="/static/comments/comments.js" defer>' in html
    )
    assert "<script>" not in html


# Query counts


@pytest.mark.parametrize("sort", ["oldest", "liked"])
def test_article_page_queries_stay_flat_with_picks_likes_and_deep_threads(
    django_assert_num_queries, article, sort, settings
):
    from comments import moderation

    # Built cold each time: with the cache on, fragments would answer (test_fragments.py).
    settings.READER_CACHE_SECONDS = 0

    def grow(threads):
        for _ in range(threads):
            top = make_comment(article=article, like_count=3)
            moderation.feature(comment=top, by=None)
            reply = make_comment(article=article, parent=top, like_count=1)
            deep = make_comment(article=article, parent=reply)
            make_comment(article=article, parent=make_comment(article=article, parent=deep))

    # 1 article + section (+ lead image), 2 bylines, 3 sources, 4 tags, 5 corrections,
    # 6 the editor's related stories, 7 the automatic ones, 8 nav sections, 9 comment
    # settings with the comment, thread and pick counts, 10 the page of threads with all
    # their replies (none with no comments)
    for threads in [0, 40, 160]:  # 0, then 200, then 1,000 comments
        grow(threads)
        with django_assert_num_queries(10 if threads else 9):
            html = Client().get(article.get_absolute_url(), {"comments_sort": sort})
        assert html.status_code == 200
    assert Comment.objects.count() == 1000


def test_moderator_picks_from_the_admin_through_the_same_function(client, article):
    comment = make_comment(article=article)
    client.force_login(make_staff("Moderator"))
    response = client.post(
        "/admin/comments/comment/",
        {"action": "pick", "_selected_action": [comment.pk]},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.is_featured
    assert ModerationLogEntry.objects.filter(comment=comment, action=LogAction.FEATURED).exists()
