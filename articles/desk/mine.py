"""A staff member's own desk: "my stories" (a reporter's landing page) and which desk mails
they get.

The shelves are read in one query: every story that concerns this person (filed by them or
bylined to them, assigned to them, or, for an editor, in review on their desk), each with
its last move and note, sorted onto shelves here. A story may sit on two shelves (assigned
to you and due today); an editor's "waiting for you" shelf comes first.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone

from articles import visibility
from articles.desk.views import article_admin, desk_page
from articles.models import (
    Article,
    ArticleStatus,
    EditorialAction,
    NotificationKind,
    NotificationOptOut,
)
from articles.models.desk import UNFINISHED_STATUSES
from articles.workflow import PUBLISH_PERMISSION

State = ArticleStatus
# "Recently published" on my stories: a week of one's own work.
RECENTLY_PUBLISHED = timedelta(days=7)


@dataclass
class Shelf:
    key: str
    heading: str
    empty: str
    articles: list = field(default_factory=list)


def my_stories(request):
    """My drafts, returned to me, assigned to me, due today, in review, recently published."""
    user, now = request.user, timezone.now()
    is_editor = user.is_superuser or user.has_perm(PUBLISH_PERMISSION)
    shelves = {
        shelf.key: shelf
        for shelf in [
            Shelf("waiting", "Waiting for you: in review on your desk", "Nothing waits for you."),
            Shelf("returned", "Returned to you", "Nothing has been returned to you."),
            Shelf("assigned", "Assigned to you", "Nothing is assigned to you."),
            Shelf("due", "Due today", "Nothing of yours is due today."),
            Shelf("drafts", "Your drafts", "You have no drafts."),
            Shelf("in_review", "Yours in review", "None of yours is in review."),
            Shelf("published", "Published in the last 7 days", "Nothing of yours went live."),
        ]
        if is_editor or shelf.key != "waiting"
    }
    today = timezone.localdate(now)
    stories = Article.objects.concerning(user, published_since=now - RECENTLY_PUBLISHED)
    for article in stories.with_last_move().for_listing():
        is_live = visibility.is_live(article, now)
        unfinished = article.status in UNFINISHED_STATUSES and not is_live
        if article.is_waiting_for_user:
            shelves["waiting"].articles.append(article)
        if article.is_mine and article.status == State.DRAFT:
            returned = article.last_move == EditorialAction.RETURN
            shelves["returned" if returned else "drafts"].articles.append(article)
        if article.is_mine and article.status == State.IN_REVIEW:
            shelves["in_review"].articles.append(article)
        if article.assignee_id == user.pk and unfinished:
            shelves["assigned"].articles.append(article)
        if unfinished and article.due_at and timezone.localdate(article.due_at) == today:
            shelves["due"].articles.append(article)
        if article.is_mine and is_live:
            shelves["published"].articles.append(article)
    return desk_page(
        request,
        "desk/my_stories.html",
        "My stories",
        shelves=list(shelves.values()),
        now=now,
    )


class NotificationSettingsForm(forms.Form):
    """One box per kind of desk mail; ticked means "send it to me"."""

    kinds = forms.MultipleChoiceField(
        label="Mail me when",
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def notification_settings(request):
    """Turn kinds of desk mail on and off, for oneself."""
    user = request.user
    if not article_admin().has_view_or_change_permission(request):
        raise PermissionDenied  # Before any write: desk_page only checks when it renders.
    opted_out = set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            wanted = set(form.cleaned_data["kinds"])
            NotificationOptOut.objects.filter(user=user, kind__in=wanted).delete()
            NotificationOptOut.objects.bulk_create(
                [
                    NotificationOptOut(user=user, kind=kind)
                    for kind in set(NotificationKind.values) - wanted - opted_out
                ]
            )
            messages.success(request, "Your mail settings are saved.")
            return redirect("desk:notifications")
    else:
        form = NotificationSettingsForm(
            initial={"kinds": [kind for kind in NotificationKind.values if kind not in opted_out]}
        )
    return desk_page(
        request,
        "desk/notifications.html",
        "Desk mail",
        form=form,
        has_email=bool(user.email),
    )
