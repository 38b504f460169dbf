"""Comments change cached reader pages exactly when readers can see the change: a held or
refused comment leaves every cached page in place; a published one that appears or goes is
on the very next request."""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment, CommentSettings, WordListTerm
from comments.moderation import ban_author, decide
from tests.comments.conftest import post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return make_article(headline="Night buses return")


def read(story):
    """The article page as a new anonymous reader gets it."""
    return Client().get(story.get_absolute_url()).content.decode()


def is_cached(story):
    """Whether the next anonymous reader gets the article page from the cache, without a query."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(story.get_absolute_url())
    return response["X-Cache"] == "hit" and not queries.captured_queries


def cache_page(story):
    read(story)
    assert is_cached(story)


def test_held_comment_leaves_the_cached_page_cached(story):
    cache_page(story)
    response = post_comment(Client(), story, body="Held for the moderators.")
    assert response.status_code == 302
    assert Comment.objects.get(body="Held for the moderators.").status == "pending"
    assert is_cached(story)


def test_comment_refused_for_a_banned_term_leaves_the_cached_page_cached(story):
    WordListTerm.objects.create(term="cheap pills", kind=WordListTerm.Kind.BANNED)
    cache_page(story)
    response = post_comment(Client(), story, body="Buy cheap pills here.")
    assert response.status_code == 403
    assert Comment.objects.get(body="Buy cheap pills here.").status == "rejected"
    assert is_cached(story)


@pytest.mark.parametrize("action", ["reject", "spam"])
def test_moderator_turning_down_a_held_comment_leaves_the_cached_page_cached(
    story, moderator, action
):
    held = make_comment(article=story, body="Held for the moderators.", status="pending")
    cache_page(story)
    decide(comment=held, by=moderator, action=action, revision=held.revision, reason="abuse")
    assert is_cached(story)


def test_ban_rejecting_the_authors_held_comments_leaves_the_cached_page_cached(story, moderator):
    held = make_comment(article=story, email="troll@example.org", status="pending")
    make_comment(article=story, email="troll@example.org", status="pending")
    cache_page(story)
    assert len(ban_author(comment=held, by=moderator, reject_pending=True)) == 2
    assert is_cached(story)


def test_approving_a_held_comment_shows_it_at_the_next_request(story, moderator):
    post_comment(Client(), story, body="Held for the moderators.")
    held = Comment.objects.get(body="Held for the moderators.")
    cache_page(story)
    decide(comment=held, by=moderator, action="approve", revision=held.revision)
    assert "Held for the moderators." in read(story)


def test_comment_the_pipeline_publishes_shows_at_the_next_request(story):
    for _ in range(2):  # A regular: their comments are no longer held.
        make_comment(article=story, email="regular@example.org")
    cache_page(story)
    post_comment(Client(), story, email="regular@example.org", body="Published at once.")
    assert Comment.objects.get(body="Published at once.").status == "published"
    assert "Published at once." in read(story)


@pytest.mark.parametrize("action", ["reject", "spam", "remove"])
def test_taking_down_a_published_comment_hides_it_at_the_next_request(story, moderator, action):
    comment = make_comment(article=story, body="Was published.")
    cache_page(story)
    decide(comment=comment, by=moderator, action=action, revision=comment.revision, reason="abuse")
    assert "Was published." not in read(story)


def test_erasing_a_commenter_hides_their_comments_at_the_next_request(story):
    make_comment(article=story, name="Gone Reader", email="gone@example.org", body="Was here.")
    cache_page(story)
    call_command("erase_commenter", "gone@example.org", "--reference", "GDPR-17")
    html = read(story)
    assert "Was here." not in html and "Gone Reader" not in html


def test_reports_reaching_the_threshold_hide_the_comment_at_the_next_request(story):
    comment = make_comment(article=story, body="Contested remark")
    cache_page(story)
    for n in range(CommentSettings.load().report_threshold):
        Client().post(
            f"/comments/{comment.pk}/report/",
            {"reason": "abuse", "note": f"{n}"},
            REMOTE_ADDR=f"203.0.113.{n + 1}",  # Reporters count once per address.
        )
    assert "Contested remark" not in read(story)


def test_closing_threads_site_wide_takes_the_form_off_at_the_next_request():
    story = make_article(published_at=timezone.now() - timedelta(days=20))
    settings = CommentSettings.load()
    settings.auto_close_days = 0  # never closes
    settings.save()
    cache_page(story)
    assert 'id="comment-form"' in read(story)
    settings.auto_close_days = 14
    settings.save()
    assert 'id="comment-form"' not in read(story)


def test_a_thread_closing_after_its_days_takes_the_form_off_at_that_moment():
    settings = CommentSettings.load()
    settings.auto_close_days = 14
    settings.save()
    closes_at = timezone.now() + timedelta(seconds=3)  # room for a slow first render
    story = make_article(published_at=closes_at - timedelta(days=14))
    assert 'id="comment-form"' in read(story)
    assert is_cached(story)
    time.sleep(max(0, (closes_at - timezone.now()).total_seconds()) + 0.1)
    assert 'id="comment-form"' not in read(story)
    assert "Comments are closed" in read(story)


def test_closing_the_articles_thread_takes_the_form_off_at_the_next_request(story):
    cache_page(story)
    assert 'id="comment-form"' in read(story)
    story.is_commenting_open = False
    story.save()
    assert 'id="comment-form"' not in read(story)
