"""What readers see and do: the comment block, replies, closing, reports."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comments.models import Comment, CommentSettings, LogAction, ModerationLogEntry, Report
from tests.comments.conftest import post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article()


def page(client, article, **params):
    return client.get(article.get_absolute_url(), params).content.decode()


def test_empty_thread_says_no_comments_yet_and_offers_the_form(client, article):
    html = page(client, article)
    assert "No comments yet" in html
    assert 'id="comment-form"' in html and 'name="token"' in html


def test_approved_comments_oldest_first_with_replies_under_their_parent(client, article, now):
    later = make_comment(article=article, body="Second thought", posted_at=now)
    first = make_comment(article=article, body="First thought", posted_at=now - timedelta(hours=1))
    make_comment(article=article, parent=first, body="A reply to the first")
    make_comment(article=article, body="Held one", status="pending")
    make_comment(article=article, body="Rejected one", status="rejected")
    make_comment(article=article, parent=first, body="Held reply", status="pending")
    html = page(client, article)
    assert 'Comments <span class="comments__count">(3)</span>' in html
    assert html.index("First thought") < html.index("A reply to the first")
    assert html.index("A reply to the first") < html.index("Second thought")
    assert "comment-list--replies" in html
    for hidden in ["Held one", "Rejected one", "Held reply", later.email, "No comments yet"]:
        assert hidden not in html


def test_large_threads_are_paginated(client, article):
    CommentSettings.objects.filter(pk=1).update(threads_per_page=2)
    for n in range(5):
        make_comment(article=article, body=f"Thread {n}")
    first = page(client, article)
    assert "Thread 0" in first and "Thread 2" not in first
    assert 'href="?comments_page=2#comments"' in first
    last = page(client, article, comments_page=3)
    assert "Thread 4" in last and "Thread 0" not in last
    assert "Thread 0" in page(client, article, comments_page="nonsense")


def test_plain_text_keeps_line_breaks_and_links_only_bare_urls(client, article):
    make_comment(
        article=article,
        body=(
            "First line\nsecond line\n\nNew paragraph: see https://example.org/a?b=1&c=2.\n"
            "[a trick](https://evil.example) and javascript:alert(1)"
        ),
    )
    html = page(client, article)
    assert "<p>First line<br>second line</p>" in html
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
        "https://example.org/a?b=1&amp;c=2</a>." in html
    )
    # Markdown is shown as typed: a link's visible text is always the URL itself.
    assert '[a trick](<a href="https://evil.example" rel="nofollow ugc noopener">' in html
    assert ">a trick</a>" not in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert('x')</script>",
        '<img src=x onerror="alert(1)">',
        '"><svg onload=alert(1)>',
        'https://x.example/"onmouseover=alert(1)//',
    ],
)
def test_xss_in_name_and_body_is_shown_as_text(client, article, payload):
    make_comment(article=article, name=payload[:80], body=payload)
    html = page(client, article)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<svg onload" not in html
    assert '"onmouseover' not in html
    assert "&lt;" in html or "&quot;" in html


def test_xss_posted_through_the_form_is_refused_as_text_when_re_shown(client, article):
    response = post_comment(
        client, article, name="<b>x</b>", body="</textarea><script>1</script>", token="x"
    )
    html = response.content.decode()
    assert "</textarea><script>" not in html
    assert "&lt;/textarea&gt;&lt;script&gt;1&lt;/script&gt;</textarea>" in html


@pytest.mark.parametrize("closing", ["article", "auto"])
def test_closed_thread_shows_its_comments_and_says_it_is_closed(client, closing):
    published_at = timezone.now() - timedelta(days=20 if closing == "auto" else 1)
    article = make_article(
        published_at=published_at, is_commenting_open=False if closing == "article" else None
    )
    make_comment(article=article, body="Said before closing")
    html = page(client, article)
    assert "Said before closing" in html
    assert "Comments are closed on this article." in html
    assert 'id="comment-form"' not in html
    assert ">Reply</a>" not in html


def test_auto_close_days_is_a_site_setting(client):
    article = make_article(published_at=timezone.now() - timedelta(days=20))
    CommentSettings.objects.filter(pk=1).update(auto_close_days=30)
    assert 'id="comment-form"' in page(client, article)
    CommentSettings.objects.filter(pk=1).update(auto_close_days=0)  # 0: never closes
    assert 'id="comment-form"' in page(
        client, make_article(published_at=timezone.now() - timedelta(days=400))
    )


def test_reader_replies_through_the_reply_page(client, article):
    top = make_comment(article=article, name="Ada", body="Top-level view")
    html = client.get(f"/comments/{top.pk}/reply/").content.decode()
    assert "Reply to Ada" in html and f'name="parent" value="{top.pk}"' in html
    post_comment(client, article, parent=top.pk, body="My reply")
    reply = Comment.objects.get(body="My reply")
    assert reply.parent == top


def test_reply_page_of_a_closed_thread_says_so(client):
    top = make_comment(article=make_article(is_commenting_open=False))
    html = client.get(f"/comments/{top.pk}/reply/").content.decode()
    assert "Comments are closed on this article." in html
    assert 'id="comment-form"' not in html


def test_only_published_comments_take_replies(client, article):
    top = make_comment(article=article)
    reply = make_comment(article=article, parent=top)
    assert client.get(f"/comments/{reply.pk}/reply/").status_code == 200
    held = make_comment(article=article, status="pending")
    assert client.get(f"/comments/{held.pk}/reply/").status_code == 404


def test_unpublished_article_takes_no_comments(client):
    draft = make_article(status="draft", published_at=None)
    assert post_comment(client, draft).status_code == 404


# Reports


def report(client, comment, reason="abuse", note="", ip="127.0.0.1"):
    return client.post(
        f"/comments/{comment.pk}/report/", {"reason": reason, "note": note}, REMOTE_ADDR=ip
    )


def test_reader_reports_a_comment_once(client, article):
    comment = make_comment(article=article)
    assert client.get(f"/comments/{comment.pk}/report/").status_code == 200
    response = report(client, comment, "spam")
    assert response.status_code == 302
    assert (
        "the moderators will look at this comment"
        in client.get(response["Location"]).content.decode()
    )
    response = report(client, comment, "abuse")
    assert (
        "You have already reported this comment."
        in client.get(response["Location"]).content.decode()
    )
    assert Report.objects.filter(comment=comment).count() == 1
    comment.refresh_from_db()
    assert comment.open_report_count == 1 and comment.status == "published"


def test_other_needs_a_note_and_keeps_the_form(client, article):
    comment = make_comment(article=article)
    response = report(client, comment, "other", "")
    assert response.status_code == 400
    assert "Tell the moderators what is wrong" in response.content.decode()
    assert not Report.objects.exists()


def test_reports_reaching_the_threshold_hold_the_comment(article):
    comment = make_comment(article=article, body="Contested remark")
    for n in range(3):
        report(Client(), comment, note=f"reader {n}", ip=f"203.0.113.{n + 1}")
    comment.refresh_from_db()
    assert (comment.status, comment.rule, comment.reason) == (
        "pending",
        "reports",
        "3 readers reported it",
    )
    entry = ModerationLogEntry.objects.get(action=LogAction.HELD)
    assert (entry.actor, entry.from_status, entry.to_status) == (None, "published", "pending")
    assert "Contested remark" not in page(Client(), article)


def test_report_threshold_is_a_site_setting(article):
    CommentSettings.objects.filter(pk=1).update(report_threshold=1)
    comment = make_comment(article=article)
    report(Client(), comment)
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_held_comments_cannot_be_reported(client, article):
    held = make_comment(article=article, status="pending")
    assert report(client, held).status_code == 404


# Query counts


def test_article_page_with_comments_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, settings
):
    # Built cold each time: with the cache on, fragments would answer (test_fragments.py).
    settings.READER_CACHE_SECONDS = 0
    article = make_article()
    # 1 article + section (+ lead image), 2 bylines, 3 sources, 4 tags, 5 corrections,
    # 6 the editor's related stories, 7 the automatic ones, 8 nav sections, 9 comment
    # settings with the comment counts, 10 the page of threads with their replies (none to
    # read when nothing is published)
    with django_assert_num_queries(9):
        assert "No comments yet" in client.get(article.get_absolute_url()).content.decode()
    top = make_comment(article=article)
    make_comment(article=article, parent=top)
    with django_assert_num_queries(10):
        client.get(article.get_absolute_url())
    for _ in range(6):
        thread = make_comment(article=article, is_by_staff=True)
        for _ in range(3):
            make_comment(article=article, parent=thread)
    with django_assert_num_queries(10):
        html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('class="comment"') == 2 + 6 * 4
