"""The only code that changes a comment's status after it was posted, each change logged.

Moderators' decisions (`decide` and its named forms, `decide_many`), bans, readers' reports
and the legal erasure; the queue, the admin and the management commands all call these.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from comments import notifications
from comments.models import (
    BannedEmail,
    BannedNetwork,
    Comment,
    CommentSettings,
    CommentStatus,
    ConfirmedEmail,
    DecisionReason,
    LogAction,
    ModerationLogEntry,
    Report,
    Rule,
)
from comments.moderation.addresses import reporter_address
from comments.moderation.counting import count_in_window, seconds_left
from newsroom.logs import security_event


class AlreadyReported(Exception):
    pass


class TooManyReports(Exception):
    """A reader reporting in bulk; `retry_after` seconds until they may report again."""

    def __init__(self, retry_after):
        self.retry_after = retry_after
        super().__init__(
            "You have reported many comments in a short time. The moderators have your "
            f"reports; you can report again in {math.ceil(retry_after / 60)} minutes."
        )


def report(*, comment, reader_key, ip, reason, note=""):
    """Store a reader's report; enough reporters hold a published comment for review.

    Reporters count once per address (`reporter_address`): one person's cookie-less
    clients, or fresh cookies, add nothing. Staff comments are never held by reports.
    """
    address = reporter_address(ip)
    _limit_reports(reader_key, address)
    with transaction.atomic():
        try:
            with transaction.atomic():
                Report.objects.create(
                    comment=comment,
                    reader_key=reader_key,
                    address=address,
                    reason=reason,
                    note=note.strip(),
                )
        except IntegrityError:
            raise AlreadyReported("You have already reported this comment.") from None
        Comment.objects.filter(pk=comment.pk).update(open_report_count=F("open_report_count") + 1)
        comment.refresh_from_db(fields=["status", "revision", "open_report_count", "decided_at"])
        if comment.status != CommentStatus.PUBLISHED or comment.is_by_staff:
            return
        reporters = Report.objects.open_on(comment).values("address").distinct().count()
        if reporters < CommentSettings.load().report_threshold:
            return
        why = f"{reporters} readers reported it"
        held = Comment.objects.filter(pk=comment.pk, revision=comment.revision).update(
            status=CommentStatus.PENDING, rule=Rule.REPORTS, reason=why, revision=F("revision") + 1
        )
        if held:
            log_change(
                comment,
                None,
                LogAction.HELD,
                CommentStatus.PUBLISHED,
                CommentStatus.PENDING,
                rule=Rule.REPORTS,
                reason=why,
            )


def _limit_reports(reader_key, address):
    over = [
        window
        for window, limit in settings.REPORT_RATE_LIMITS
        for subject in {reader_key, address}
        if count_in_window(f"comments:reports:{subject}", window) > limit
    ]
    if over:
        security_event("report_rate_limited", address=address, window=min(over))
        raise TooManyReports(seconds_left(over))


class AlreadyDecided(Exception):
    """Someone decided the comment after the moderator loaded it; nothing was changed."""


ACTIONS = {
    "approve": (CommentStatus.PUBLISHED, LogAction.APPROVED),
    "reject": (CommentStatus.REJECTED, LogAction.REJECTED),
    "spam": (CommentStatus.SPAM, LogAction.SPAM),
    "remove": (CommentStatus.REMOVED, LogAction.REMOVED),
}
# What a decision changes, and so what its undo puts back.
DECISION_FIELDS = [
    "status",
    "decided_at",
    "first_decided_at",
    "decided_by_id",
    "decision_reason",
    "open_report_count",
]
UNDO_SECONDS = 5 * 60


@transaction.atomic
def decide(*, comment, by, action, revision, reason=""):
    """Apply one decision to a comment the moderator saw at `revision`.

    The UPDATE only matches while the comment is still at that revision, so of two
    moderators deciding at once the second changes nothing and learns who was first.
    """
    to_status, log_action = ACTIONS[action]
    if action == "reject" and reason not in DecisionReason.values:
        raise ValueError(f"Choose a reason for rejecting: {', '.join(DecisionReason.values)}.")
    if action == "spam":
        reason = DecisionReason.SPAM
    elif action != "reject":
        reason = ""
    now = timezone.now()
    changed = Comment.objects.filter(pk=comment.pk, revision=revision).update(
        status=to_status,
        revision=F("revision") + 1,
        decided_at=now,
        decided_by=by,
        first_decided_at=Coalesce("first_decided_at", Value(now)),
        decision_reason=reason,
        open_report_count=0,
    )
    if not changed:
        current = Comment.objects.select_related("decided_by").get(pk=comment.pk)
        who = current.decided_by
        name = (who.get_full_name() or who.get_username()) if who else "the system"
        raise AlreadyDecided(
            f"Comment {comment.pk} was already decided by {name}: "
            f"it is now {current.get_status_display().lower()}. Nothing was changed."
        )
    before = {name: getattr(comment, name) for name in DECISION_FIELDS}
    comment.refresh_from_db()
    log_change(
        comment,
        by,
        log_action,
        before["status"],
        to_status,
        reason=reason,
        undo_state={"revision": comment.revision, "fields": before},
    )
    return comment


class CannotUndo(Exception):
    """The decision is not the asker's, too old, or already overtaken; nothing was changed."""


def undoable_decision(*, by, at=None):
    """`by`'s latest decision that may still be undone, or None (an undo is not undone)."""
    since = (at or timezone.now()) - timedelta(seconds=UNDO_SECONDS)
    latest = (
        ModerationLogEntry.objects.filter(actor=by, logged_at__gte=since)
        .filter(~Q(undo_state={}) | Q(action=LogAction.UNDONE))
        .select_related("comment")
        .order_by("-logged_at", "-pk")
        .first()
    )
    return latest if latest and latest.action != LogAction.UNDONE else None


@transaction.atomic
def undo(*, entry, by):
    """Put things back as they were before `entry`, a decision `by` made moments ago;
    returns the comments put back.

    Only while nobody has decided them since: the UPDATE matches the revision the decision
    left, so an undo never overwrites a later decision, and a second undo changes nothing.
    Undoing a ban lifts the bans that decision made (not one set since) and puts back the
    pending comments it rejected.
    """
    too_old = timezone.now() - entry.logged_at > timedelta(seconds=UNDO_SECONDS)
    if entry.actor_id != by.pk or not entry.undo_state or too_old:
        raise CannotUndo(
            f"Only your own decisions of the last {UNDO_SECONDS // 60} minutes can be undone."
        )
    if entry.action == LogAction.BANNED:
        return _undo_ban(entry, by)
    if (comment := _put_back(entry, by)) is None:
        raise CannotUndo(
            f"Comment {entry.comment_id} was decided again after your decision: nothing was undone."
        )
    return [comment]


def _put_back(entry, by):
    """Restore the fields `entry` changed unless the comment was decided since; logged."""
    before = dict(entry.undo_state["fields"])
    for name in ["decided_at", "first_decided_at"]:
        before[name] = parse_datetime(before[name]) if before[name] else None
    changed = Comment.objects.filter(
        pk=entry.comment_id, revision=entry.undo_state["revision"]
    ).update(revision=F("revision") + 1, **before)
    if not changed:
        return None
    comment = Comment.objects.get(pk=entry.comment_id)
    log_change(
        comment,
        by,
        LogAction.UNDONE,
        entry.to_status,
        comment.status,
        reason=f"undid “{entry.get_action_display()}”",
    )
    return comment


def _undo_ban(entry, by):
    lifted = [ban["kind"] for ban in entry.undo_state["bans"] if _lift(ban)]
    if not lifted:
        raise CannotUndo("That ban was already lifted or changed since: nothing was undone.")
    rejections = ModerationLogEntry.objects.filter(pk__in=entry.undo_state["rejections"])
    restored = [comment for rejection in rejections if (comment := _put_back(rejection, by))]
    comment = Comment.objects.get(pk=entry.comment_id)
    log_change(
        comment,
        by,
        LogAction.UNDONE,
        comment.status,
        comment.status,
        reason=f"undid “{entry.get_action_display()}”: {' and '.join(lifted)} ban lifted",
    )
    return restored


BAN_MODELS = {"email": BannedEmail, "network": BannedNetwork}
BAN_FIELDS = ["expires_at", "note", "created_at", "created_by_id"]


def _place_ban(kind, value, fields):
    """Ban `value`, or change the ban already on it; returns how to take this back."""
    model = BAN_MODELS[kind]
    # As the ban will store it: "Sam@Example.org" must find the ban on "sam@example.org".
    unsaved = model(**{kind: value})
    unsaved.normalise()
    value = getattr(unsaved, kind)
    existing = model.objects.filter(**{kind: value}).first()
    before = {name: getattr(existing, name) for name in BAN_FIELDS} if existing else None
    ban, _ = model.objects.update_or_create(**{kind: value}, defaults=fields)
    after = {name: getattr(ban, name) for name in BAN_FIELDS}
    return {"kind": kind, "pk": ban.pk, "after": after, "before": before}


def _lift(placed):
    """Take back one ban a decision placed, if it is still as that decision left it."""
    bans = BAN_MODELS[placed["kind"]].objects.filter(
        pk=placed["pk"], **_ban_fields(placed["after"])
    )
    if placed["before"] is None:
        return bool(bans.delete()[0])
    return bool(bans.update(**_ban_fields(placed["before"])))


def _ban_fields(stored):
    dates = ["expires_at", "created_at"]
    return {
        **stored,
        **{name: parse_datetime(stored[name]) if stored[name] else None for name in dates},
    }


def approve(*, comment, by, revision):
    return decide(comment=comment, by=by, action="approve", revision=revision)


def reject(*, comment, by, revision, reason):
    return decide(comment=comment, by=by, action="reject", revision=revision, reason=reason)


def mark_spam(*, comment, by, revision):
    return decide(comment=comment, by=by, action="spam", revision=revision)


def remove(*, comment, by, revision):
    """Take a comment down because its author asked; it is kept, not deleted."""
    return decide(comment=comment, by=by, action="remove", revision=revision)


def decide_many(*, selections, by, action, reason=""):
    """Apply one decision to many (comment, revision) pairs; returns (decided, refusals)."""
    decided, refusals = [], []
    for comment, revision in selections:
        try:
            decided.append(
                decide(comment=comment, by=by, action=action, revision=revision, reason=reason)
            )
        except AlreadyDecided as refusal:
            refusals.append(str(refusal))
    return decided, refusals


@transaction.atomic
def feature(*, comment, by, is_featured=True):
    """Make a published comment an editors' pick (or withdraw it); returns whether it changed."""
    changed = (
        Comment.objects.published()
        .filter(pk=comment.pk)
        .exclude(is_featured=is_featured)
        .update(is_featured=is_featured, featured_at=timezone.now() if is_featured else None)
    )
    if changed:
        action = LogAction.FEATURED if is_featured else LogAction.UNFEATURED
        log_change(comment, by, action, comment.status, comment.status)
    return bool(changed)


@transaction.atomic
def ban_author(*, comment, by, include_network=False, expires_at=None, reject_pending=False):
    """Ban the comment's author by email (and optionally network); returns the comments
    rejected with it. Logged last, so that the moderator's undo takes back all of it."""
    # Whole seconds: the undo finds the ban by these values, kept in JSON.
    now = timezone.now().replace(microsecond=0)
    ban = {
        "expires_at": expires_at.replace(microsecond=0) if expires_at else None,
        "created_by": by,
        "created_at": now,
        "note": f"Banned from comment {comment.pk}",
    }
    placed = [_place_ban("email", comment.email, ban)]
    if include_network and comment.ip_network:
        placed.append(_place_ban("network", comment.ip_network, ban))
    rejected = []
    if reject_pending:
        for pending in Comment.objects.in_moderation().filter(email=comment.email):
            try:
                rejected.append(
                    decide(
                        comment=pending,
                        by=by,
                        action="reject",
                        revision=pending.revision,
                        reason=DecisionReason.BANNED_AUTHOR,
                    )
                )
            except AlreadyDecided:
                continue  # Another moderator got there first; their decision stands.
    banned = " and ".join(placed_ban["kind"] for placed_ban in placed)
    until = f" until {expires_at:%Y-%m-%d %H:%M}" if expires_at else ""
    rejections = ModerationLogEntry.objects.filter(
        comment__in=rejected, action=LogAction.REJECTED, actor=by, logged_at__gte=now
    ).values_list("pk", flat=True)
    comment.refresh_from_db(fields=["status"])
    log_change(
        comment,
        by,
        LogAction.BANNED,
        comment.status,
        comment.status,
        reason=banned + until,
        undo_state={"bans": placed, "rejections": sorted(rejections)},
    )
    return rejected


@transaction.atomic
def erase(*, email, by=None, reference=""):
    """Erase a person's comments for a legal request: their words and identity are wiped.

    The rows stay (scrubbed, status removed) so that the moderation log keeps its history
    without keeping the person's data. Returns how many comments were erased.
    """
    email = email.strip().lower()
    comments = list(Comment.objects.filter(email__iexact=email))
    for comment in comments:
        from_status = comment.status
        Comment.objects.filter(pk=comment.pk).update(
            name="[erased]",
            email=f"erased-{comment.pk}@erased.invalid",
            body="",
            ip_network="",
            reader_key="",
            user=None,
            matched_terms=[],
            reason="",
            status=CommentStatus.REMOVED,
            revision=F("revision") + 1,
            open_report_count=0,
            wants_reply_emails=False,
        )
        Report.objects.filter(comment=comment).update(note="")
        log_change(
            comment,
            by,
            LogAction.ERASED,
            from_status,
            CommentStatus.REMOVED,
            reason=f"legal request {reference}".strip(),
        )
    ConfirmedEmail.objects.filter(email=email).delete()  # Their address, kept for reply emails.
    if not comments:  # The request is on record even when there was nothing to erase.
        ModerationLogEntry.objects.create(
            actor=by, action=LogAction.ERASED, reason=f"legal request {reference}: nothing found"
        )
    return len(comments)


def log_change(
    comment, actor, action, from_status, to_status, *, rule="", reason="", undo_state=None
):
    if to_status == CommentStatus.PUBLISHED and from_status != to_status:
        notifications.reply_published(comment)
    ModerationLogEntry.objects.create(
        comment=comment,
        article_id=comment.article_id,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        rule=rule,
        reason=reason[:300],
        undo_state=undo_state or {},
    )
