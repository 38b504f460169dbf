"""Mail the desk sends about moves: who is told what, and sending it after the move commits.

A reporter hears when their story is returned (with the note), approved, scheduled or
published; an assignee when a story is given to them; an editor when a story enters review
on their desk. Nobody is told of their own move, and each person can turn kinds off
(NotificationOptOut). `announce()` runs inside the move's transaction: it writes one
Notification row per person, so a move that rolls back tells no one, and queues the sending
for after the commit. A worker sends them (the task queue), so a mail server that is slow
or down never holds up or fails a move; a row is marked sent only once the server took it,
which is what keeps a retried or doubled send from mailing anyone twice.
"""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from articles.desk import desk_time
from articles.models import (
    Byline,
    EditorialAction,
    EditorialEvent,
    Notification,
    NotificationKind,
    NotificationOptOut,
)
from newsroom.mail import send_once

Kind = NotificationKind
logger = logging.getLogger(__name__)

# Which moves are news to whom: the story's reporters, its assignee, or the desk's editors.
KIND_OF_ACTION = {
    EditorialAction.RETURN: Kind.RETURNED,
    EditorialAction.APPROVE: Kind.APPROVED,
    EditorialAction.SCHEDULE: Kind.SCHEDULED,
    EditorialAction.PUBLISH: Kind.PUBLISHED,
    EditorialAction.ASSIGN: Kind.ASSIGNED,
    EditorialAction.SUBMIT: Kind.IN_REVIEW,
}

SUBJECTS = {
    Kind.RETURNED: "Returned to you: {headline}",
    Kind.APPROVED: "Approved: {headline}",
    Kind.SCHEDULED: "Scheduled: {headline}",
    Kind.PUBLISHED: "Published: {headline}",
    Kind.ASSIGNED: "Assigned to you: {headline}",
    Kind.IN_REVIEW: "In review on your desk: {headline}",
}


def reporters_of(article):
    """The staff behind a story: whoever filed it and everyone bylined on it."""
    bylined = Byline.objects.filter(article=article, author__user__isnull=False)
    return get_user_model().objects.filter(
        Q(pk=article.created_by_id) | Q(pk__in=bylined.values("author__user"))
    )


def editors_for(article):
    """Editors whose desk covers the story's section, and editors on no desk (every section)."""
    editors = get_user_model().objects.with_perm(
        "articles.publish_article",
        include_superusers=False,
        backend="django.contrib.auth.backends.ModelBackend",
    )
    return editors.filter(Q(desks__sections=article.section_id) | Q(desks__isnull=True)).distinct()


def recipients(event):
    """Who is told of this move, and as which kind; the actor never hears of their own."""
    kind = KIND_OF_ACTION.get(event.action)
    if kind is None or event.article is None:
        return kind, get_user_model().objects.none()
    article = event.article
    if kind == Kind.ASSIGNED:
        people = get_user_model().objects.filter(pk=article.assignee_id)
    elif kind == Kind.IN_REVIEW:
        people = editors_for(article)
    else:
        people = reporters_of(article)
    opted_out = NotificationOptOut.objects.filter(kind=kind).values("user")
    people = people.filter(is_active=True).exclude(email="").exclude(pk__in=opted_out)
    if event.actor_id is not None:
        people = people.exclude(pk=event.actor_id)
    return kind, people


def announce(event):
    """Write who is to be told of `event`, and send it once the move's transaction commits."""
    kind, people = recipients(event)
    rows = Notification.objects.bulk_create(
        Notification(event=event, recipient=person, kind=kind) for person in people
    )
    if rows:
        # robust: a queue that cannot take the job is logged; the move has happened.
        transaction.on_commit(partial(send_notifications.enqueue, event.pk), robust=True)


@task()
def send_notifications(event_id):
    """Mail everyone still untold about one move; returns how many mails went out."""
    event = EditorialEvent.objects.select_related("article", "actor").get(pk=event_id)
    sent = 0
    for notification in event.notifications.filter(sent_at__isnull=True).select_related(
        "recipient"
    ):
        mail = EmailMessage(
            SUBJECTS[notification.kind].format(headline=f"“{event.headline}”"),
            message(event, notification),
            to=[notification.recipient.email],
        )
        unsent = Notification.objects.filter(pk=notification.pk, sent_at__isnull=True)
        sent += send_once(unsent, mail, sent_at=timezone.now())
    return sent


def message(event, notification):
    article = event.article
    live_at = local_time(article.published_at)
    who = (event.actor.get_full_name() or event.actor_name) if event.actor else "The desk"
    lines = {
        Kind.RETURNED: f"{who} returned your story to draft with this note:",
        Kind.APPROVED: f"{who} approved your story.",
        Kind.SCHEDULED: f"{who} scheduled your story to go live {live_at}.",
        Kind.PUBLISHED: f"Your story went live {live_at}.",
        Kind.ASSIGNED: f"{who} assigned a story to you"
        + (f", due {local_time(article.due_at)}." if article.due_at else "."),
        Kind.IN_REVIEW: f"{who} submitted a story for review on your desk.",
    }
    parts = [f"“{event.headline}”", "", lines[notification.kind]]
    if event.note and notification.kind in (Kind.RETURNED, Kind.IN_REVIEW):
        parts += ["", *(f"> {line}" for line in event.note.splitlines())]
    change = reverse("admin:articles_article_change", args=[article.pk])
    parts += [
        "",
        f"Open the story: {settings.SITE_URL}{change}",
        f"Your stories: {settings.SITE_URL}{reverse('admin:index')}",
        "",
        "You can turn these mails off, kind by kind, from your stories page.",
    ]
    return "\n".join(parts)


def local_time(at):
    return desk_time(at) if at else "at no set time"
