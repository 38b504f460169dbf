"""Reply emails: a reader who ticked the box hears when someone replies to them.

The address is confirmed once, by a signed link; every email carries a one-click unsubscribe
(RFC 8058: List-Unsubscribe and List-Unsubscribe-Post). Emails leave through Django's email
API from a task, after the reply is published and its transaction committed, so a slow mail
server never slows a post or a moderator; each reply is claimed before it is sent, so it is
never sent twice. A banned or erased person gets nothing.
"""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from comments.models import Comment, CommentStatus, ConfirmedEmail
from comments.moderation.phases import email_ban
from newsroom.mail import send_once

CONFIRM_SALT = "comments.replies.confirm"
UNSUBSCRIBE_SALT = "comments.replies.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 60 * 60


def confirm_token(email):
    return signing.dumps(email, salt=CONFIRM_SALT)


def email_of_confirm_token(token):
    """The address a confirmation link was sent to; BadSignature if forged or expired."""
    return signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)


def unsubscribe_token(email):
    return signing.dumps(email, salt=UNSUBSCRIBE_SALT)


def email_of_unsubscribe_token(token):
    """The address an unsubscribe link stops; valid for ever, as old emails are kept."""
    return signing.loads(token, salt=UNSUBSCRIBE_SALT)


def confirm(email):
    """The owner of `email` proved it: replies to their comments may now be sent."""
    ConfirmedEmail.objects.get_or_create(email=email)


def unsubscribe(email):
    """Stop every reply email to `email`; returns how many comments were asking for them."""
    return Comment.objects.filter(email=email, wants_reply_emails=True).update(
        wants_reply_emails=False
    )


def comment_posted(comment):
    """A comment asking for reply emails from an unconfirmed address: ask to confirm, once
    the comment is stored."""
    if comment.wants_reply_emails and not ConfirmedEmail.objects.filter(email=comment.email):
        transaction.on_commit(lambda: send_confirmation.enqueue(comment.pk))


def reply_published(reply):
    """Called whenever a comment enters readers' pages: a reply's parent may hear of it."""
    if reply.parent_id:
        transaction.on_commit(lambda: send_reply_email.enqueue(reply.pk))


def is_barred(email):
    """Banned or erased people get no email from us."""
    # Erasure leaves an @erased.invalid address behind (moderation.erase).
    return email.endswith(".invalid") or bool(email_ban(email))


def _link(name, token):
    return settings.SITE_URL + reverse(name, args=[token])


@task()
def send_confirmation(comment_id):
    """Ask the author of a comment to confirm that they want reply emails."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or not comment.wants_reply_emails or is_barred(comment.email):
        return False
    if ConfirmedEmail.objects.filter(email=comment.email).exists():
        return False
    body = (
        f"You asked to be emailed when someone replies to your comment on "
        f"“{comment.article.headline}”.\n\n"
        f"Confirm that this is your address by opening this link:\n"
        f"{_link('comments:confirm_replies', confirm_token(comment.email))}\n\n"
        f"If you did not ask for this, ignore this email: nothing will be sent."
    )
    EmailMessage(f"{settings.NEWSROOM_NAME}: confirm reply emails", body, to=[comment.email]).send()
    return True


@task()
def send_reply_email(reply_id):
    """Email the parent's author about a published reply, at most once per reply."""
    reply = Comment.objects.select_related("parent", "article").filter(pk=reply_id).first()
    if reply is None or reply.status != CommentStatus.PUBLISHED or reply.parent is None:
        return False
    parent = reply.parent
    if (
        not parent.wants_reply_emails
        or parent.email == reply.email
        or is_barred(parent.email)
        or not ConfirmedEmail.objects.filter(email=parent.email).exists()
    ):
        return False
    unsubscribe_url = _link("comments:unsubscribe_replies", unsubscribe_token(parent.email))
    body = (
        f"{reply.name} replied to your comment on “{reply.article.headline}”:\n\n"
        f"{reply.body}\n\n"
        f"Read the conversation: {settings.SITE_URL}{reply.get_absolute_url()}\n\n"
        f"Stop these emails: {unsubscribe_url}"
    )
    mail = EmailMessage(
        f"{settings.NEWSROOM_NAME}: {reply.name} replied to you",
        body,
        to=[parent.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    # Of two workers (or a reply approved twice) one sends.
    unsent = Comment.objects.filter(pk=reply.pk, reply_notified_at__isnull=True)
    return send_once(unsent, mail, reply_notified_at=timezone.now())
