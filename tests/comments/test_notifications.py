"""Reply emails: asked for with a box, confirmed once, sent once after the reply is published."""

import re

import pytest
from django.core import mail
from django.test import Client

from comments import moderation
from comments.models import BannedDomain, BannedEmail, Comment, ConfirmedEmail
from tests.comments.conftest import post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(headline="Bridge reopens")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Tasks are queued when the transaction commits; run them as the worker would."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return run


def link_in(message, path):
    return re.search(rf"http://127\.0\.0\.1:8000({path}[^\s]+/)", message.body)[1]


def subscribed(article, email="ada@example.org", **overrides):
    ConfirmedEmail.objects.get_or_create(email=email)
    return make_comment(article=article, email=email, wants_reply_emails=True, **overrides)


def test_ticking_the_box_asks_once_for_confirmation_by_a_signed_link(
    client, article, run_on_commit
):
    run_on_commit(lambda: post_comment(client, article, email="new@example.org",
                                       wants_reply_emails="on"))  # fmt: skip
    assert Comment.objects.get().wants_reply_emails
    [message] = mail.outbox
    assert message.to == ["new@example.org"] and "Bridge reopens" in message.body
    confirm = link_in(message, "/comments/replies/confirm/")
    assert "confirmed" in client.get(confirm).content.decode()
    assert ConfirmedEmail.objects.filter(email="new@example.org").exists()
    run_on_commit(lambda: post_comment(client, article, email="new@example.org",
                                       wants_reply_emails="on", body="Again"))  # fmt: skip
    assert len(mail.outbox) == 1  # Confirmed once is enough.
    assert client.get(confirm[:-3] + "xx/").status_code == 400


def test_unticked_box_sends_nothing(client, article, run_on_commit):
    run_on_commit(lambda: post_comment(client, article))
    assert not Comment.objects.get().wants_reply_emails and mail.outbox == []


def test_published_reply_emails_the_parent_once_with_one_click_unsubscribe(
    client, article, run_on_commit
):
    parent = subscribed(article)
    run_on_commit(lambda: post_comment(client, article, parent=parent.pk, name="Bea",
                                       email="bea@example.org", body="I disagree"))  # fmt: skip
    reply = Comment.objects.get(parent=parent)
    # A newcomer's reply is held: nothing is sent until a moderator publishes it.
    assert reply.status == "pending" and mail.outbox == []
    run_on_commit(lambda: moderation.approve(comment=reply, by=None, revision=reply.revision))
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert "Bea replied" in message.subject and "I disagree" in message.body
    unsubscribe = link_in(message, "/comments/replies/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Held after reports and approved again: still only one email.
    Comment.objects.filter(pk=reply.pk).update(status="pending")
    reply.refresh_from_db()
    run_on_commit(lambda: moderation.approve(comment=reply, by=None, revision=reply.revision))
    assert len(mail.outbox) == 1
    # The mail client's one-click unsubscribe: a POST with no cookie and no CSRF token.
    response = Client(enforce_csrf_checks=True).post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    parent.refresh_from_db()
    assert not parent.wants_reply_emails
    run_on_commit(lambda: make_comment_published_reply(article, parent))
    assert len(mail.outbox) == 1


def make_comment_published_reply(article, parent, **overrides):
    reply = make_comment(article=article, parent=parent, status="pending", **overrides)
    return moderation.approve(comment=reply, by=None, revision=reply.revision)


def test_unsubscribe_link_opened_shows_a_button_and_changes_nothing(client, article):
    from comments.notifications import unsubscribe_token

    parent = subscribed(article)
    html = client.get(f"/comments/replies/unsubscribe/{unsubscribe_token(parent.email)}/")
    assert "Stop reply emails" in html.content.decode()
    parent.refresh_from_db()
    assert parent.wants_reply_emails


@pytest.mark.parametrize("who", ["unconfirmed", "banned", "banned domain", "erased", "self"])
def test_no_email_to_unconfirmed_banned_erased_or_oneself(article, run_on_commit, who):
    parent = subscribed(article)
    reply_email = "bea@example.org"
    if who == "unconfirmed":
        ConfirmedEmail.objects.all().delete()
    elif who == "banned":
        BannedEmail.objects.create(email=parent.email)
    elif who == "banned domain":
        BannedDomain.objects.create(domain="example.org")
        reply_email = "bea@elsewhere.example"
    elif who == "erased":
        moderation.erase(email=parent.email)
        parent = Comment.objects.get(pk=parent.pk)
        Comment.objects.filter(pk=parent.pk).update(status="published")
    else:
        reply_email = parent.email
    reply = run_on_commit(lambda: make_comment_published_reply(article, parent, email=reply_email))
    assert reply.status == "published" and mail.outbox == []
