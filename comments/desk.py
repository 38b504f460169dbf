"""The moderators' desk: the queue, one endpoint for every decision, the log and the overview.

Every decision goes through comments/moderation/decisions.py, as the admin's do.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from comments import moderation
from comments.history import commenter_history
from comments.models import (
    QUEUES,
    Comment,
    DecisionReason,
    LogAction,
    ModerationLogEntry,
    Report,
)
from comments.overview import moderation_overview
from newsroom.params import BadParameter, record_id, whole_number

QUEUE_PAGE_SIZE = 25
LOG_PAGE_SIZE = 50
TABS = [
    ("pending", "Pending"),
    ("reported", "Reported"),
    ("published", "Published"),
    ("rejected", "Rejected"),
]
BAN_DURATIONS = [("", "for good"), ("1", "for a day"), ("7", "for a week"), ("30", "for 30 days")]
LONGEST_BAN_DAYS = 3650
# Comment.revision is a PositiveIntegerField.
MAX_REVISION = 2**31 - 1
BULK_ACTIONS = [("approve", "Approve"), ("spam", "Mark spam")] + [
    (f"reject:{code}", f"Reject: {label}") for code, label in DecisionReason.for_rejecting()
]
# The desk's keyboard (static/comments/desk.js), shown on the page as it is here.
KEYS = [
    ("j", "next card"),
    ("k", "previous card"),
    ("a", "approve"),
    ("r", "reject: pick a reason with 1–4 (or the arrows and Enter)"),
    ("s", "spam"),
    ("b", "ban the author and reject their pending comments (then Enter)"),
    ("h", "the commenter's history (Esc closes it)"),
    ("u", "undo your last decision"),
    ("?", "show or hide this list"),
]


def staff_permission_required(permission):
    """Send strangers to log in; refuse logged-in people without the permission (403)."""

    def decorator(view):
        return login_required(permission_required(permission, raise_exception=True)(view))

    return decorator


moderator_required = staff_permission_required("comments.moderate_comment")


def login(request):
    """The admin's login, landing moderators on the queue: the admin has little for them."""
    response = admin.site.login(request)
    user = request.user
    if (
        response.status_code == 302
        and response["Location"] == reverse("admin:index")
        and user.has_perm("comments.moderate_comment")
        and not user.has_perm("articles.change_article")
    ):
        return HttpResponseRedirect(reverse("comments:queue"))
    return response


@moderator_required
def queue(request):
    """One tab of the moderation queue, oldest first unless asked otherwise."""
    tab = request.GET.get("tab", "pending")
    if tab not in QUEUES:
        tab = "pending"
    sort = "newest" if request.GET.get("sort") == "newest" else "oldest"
    counts = Comment.objects.queue_counts()
    order = ["posted_at", "pk"] if sort == "oldest" else ["-posted_at", "-pk"]
    comments = (
        Comment.objects.filter(QUEUES[tab])
        .with_author_history()
        .select_related("article", "parent", "decided_by")
        .prefetch_related(Prefetch("reports", queryset=Report.objects.with_reporter_activity()))
        .order_by(*order)
    )
    page = Paginator(comments, QUEUE_PAGE_SIZE).get_page(_page_number(request))
    return render(
        request,
        "comments/queue.html",
        {
            "desk_page": "queue",
            "tabs": [(key, label, counts[key]) for key, label in TABS],
            "tab": tab,
            "sort": sort,
            "page": page,
            "reject_reasons": DecisionReason.for_rejecting(),
            "ban_durations": BAN_DURATIONS,
            "bulk_actions": BULK_ACTIONS,
            "last_decision": moderation.undoable_decision(by=request.user),
            "keys": KEYS,
        },
    )


@moderator_required
@require_POST
def decide(request):
    """Apply a card's button or a bulk action, then go back to the same queue page, or
    answer the desk's script (which decides in place) with JSON."""
    if "card" in request.POST:
        # A card's button says "action[:reason]:pk:revision"; without a reason in it, a
        # rejection takes the one picked on the card.
        parts = request.POST["card"].split(":")
        verb, selections = parts[:-2], _selections([":".join(parts[-2:])], field="card")
        if verb == ["reject"] and selections:
            verb.append(request.POST.get(f"reason-{selections[0][0].pk}", ""))
    else:
        verb = request.POST.get("bulk", "").split(":")
        selections = _selections(request.POST.getlist("selected"), field="selected")
    action, reason = (verb + ["", ""])[:2]
    notes, decided = [], []
    if not selections:
        notes.append((messages.ERROR, "Select at least one comment."))
    elif action == "ban":
        notes, decided = _ban(request, selections)
    elif action in moderation.ACTIONS:
        try:
            decided, refusals = moderation.decide_many(
                selections=selections, by=request.user, action=action, reason=reason
            )
        except ValueError as error:
            notes.append((messages.ERROR, str(error)))
        else:
            if decided:
                label = moderation.ACTIONS[action][1].label.lower()
                notes.append((messages.SUCCESS, f"{len(decided)} comment(s) {label}."))
            notes += [(messages.WARNING, refusal) for refusal in refusals]
    else:
        notes.append((messages.ERROR, "Choose what to do with the selected comments."))
    return _answer(request, notes, decided=[comment.pk for comment in decided])


@moderator_required
@require_POST
def undo(request):
    """Undo the moderator's own decision of a moment ago (the desk's `u`, or its button)."""
    entry = get_object_or_404(
        ModerationLogEntry, pk=record_id(request.POST.get("entry"), field="entry")
    )
    try:
        comments = moderation.undo(entry=entry, by=request.user)
    except moderation.CannotUndo as refusal:
        return _answer(request, [(messages.ERROR, str(refusal))], status=409)
    back = [f"comment {c.pk} is {c.get_status_display().lower()} again" for c in comments]
    note = f"Undone: {undo_label(entry)}{'; ' if back else ''}{', '.join(back)}."
    restored = [{"comment": comment.pk, "revision": comment.revision} for comment in comments]
    return _answer(request, [(messages.SUCCESS, note)], restored=restored)


@moderator_required
def history(request, comment_id):
    """Everything about the author of a comment: the desk's `h` shows it beside the card."""
    comment = get_object_or_404(Comment, pk=comment_id)
    template = "comments/_history.html" if "panel" in request.GET else "comments/history.html"
    return render(request, template, {"desk_page": "queue", "history": commenter_history(comment)})


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _answer(request, notes, *, status=200, **extra):
    """The script gets JSON with the new counts and what it may undo; a form post gets its
    messages and a redirect back to where the moderator was."""
    if not _wants_json(request):
        for level, text in notes:
            messages.add_message(request, level, text)
        return HttpResponseRedirect(_back_to_queue(request))
    last = moderation.undoable_decision(by=request.user)
    if status == 200 and any(level == messages.ERROR for level, _ in notes):
        status = 400
    return JsonResponse(
        {
            "notes": [
                {"level": messages.DEFAULT_TAGS[level], "text": text} for level, text in notes
            ],
            "counts": Comment.objects.queue_counts(),
            "undo": {"entry": last.pk, "label": undo_label(last)} if last else None,
            **extra,
        },
        status=status,
    )


def undo_label(entry):
    return f"{entry.get_action_display()} comment {entry.comment_id}"


def _back_to_queue(request):
    """Where the moderator came from on the desk (the `next` field), else the queue.

    A plain redirect: django.shortcuts.redirect() reads a bare word such as "0" as a view's
    name and fails."""
    back, queue = request.POST.get("next", ""), reverse("comments:queue")
    is_safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure())
    return back if is_safe and back.startswith(queue) else queue


def _page_number(request):
    raw = request.GET.get("page", "")
    return whole_number(raw, field="page", minimum=1) if raw else 1


def _selections(values, *, field):
    """(comment, revision the moderator saw) for every "pk:revision" value."""
    pairs = []
    for value in values:
        pk, _, revision = value.partition(":")
        pairs.append(
            (
                record_id(pk, field=field),
                whole_number(revision, field=field, maximum=MAX_REVISION),
            )
        )
    comments = Comment.objects.in_bulk([pk for pk, _ in pairs])
    return [(comments[pk], revision) for pk, revision in pairs if pk in comments]


def _ban_days(request, comment):
    field = f"ban_days-{comment.pk}"
    raw = request.POST.get(field, "")
    return whole_number(raw, field=field, minimum=1, maximum=LONGEST_BAN_DAYS) if raw else None


def _ban(request, selections):
    notes, decided = [], []
    for comment, _ in selections:
        days = _ban_days(request, comment)
        rejected = moderation.ban_author(
            comment=comment,
            by=request.user,
            include_network=bool(request.POST.get(f"ban_network-{comment.pk}")),
            expires_at=timezone.now() + timedelta(days=days) if days else None,
            reject_pending=bool(request.POST.get(f"ban_reject-{comment.pk}")),
        )
        notes.append(
            (
                messages.SUCCESS,
                f"{comment.name} is banned; {len(rejected)} of their pending comments rejected.",
            )
        )
        decided += rejected
    return notes, decided


@moderator_required
def log(request):
    """Every decision, newest first, filterable by moderator, article and action."""
    entries = ModerationLogEntry.objects.select_related("actor", "article", "comment")
    filters = {}
    moderator = request.GET.get("moderator", "")
    if moderator == "system":
        entries, filters["moderator"] = entries.filter(actor=None), moderator
    elif moderator:
        actor_id = record_id(moderator, field="moderator")
        entries, filters["moderator"] = entries.filter(actor_id=actor_id), moderator
    if article := request.GET.get("article", ""):
        article_id = record_id(article, field="article")
        entries, filters["article"] = entries.filter(article_id=article_id), article
    if action := request.GET.get("action", ""):
        if action not in LogAction.values:
            raise BadParameter("action", f"expected one of {', '.join(LogAction.values)}.")
        entries, filters["action"] = entries.filter(action=action), action
    page = Paginator(entries, LOG_PAGE_SIZE).get_page(_page_number(request))
    moderators = get_user_model().objects.filter(
        pk__in=ModerationLogEntry.objects.filter(actor__isnull=False).values("actor")
    )
    return render(
        request,
        "comments/log.html",
        {
            "desk_page": "log",
            "page": page,
            "filters": filters,
            "moderators": moderators,
            "actions": LogAction.choices,
        },
    )


@staff_permission_required("comments.view_moderation_overview")
def overview(request):
    """How moderation goes: the queue now and over 30 days, waiting times, rules and reasons."""
    return render(
        request,
        "comments/overview.html",
        {"desk_page": "overview", "overview": moderation_overview()},
    )
