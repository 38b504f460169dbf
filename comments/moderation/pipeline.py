"""`submit()`: a well-formed comment goes through the phases; the first verdict decides."""

from dataclasses import dataclass

from django.db import transaction

from comments import notifications
from comments.models import Comment, CommentSettings, CommentStatus, DecisionReason, LogAction
from comments.moderation.addresses import network_of
from comments.moderation.decisions import log_change
from comments.moderation.form import stale_form
from comments.moderation.phases import PHASES, Draft, Refusal

HELD_MESSAGE = (
    "Thank you. Your comment is held for review: "
    "your comment will appear once a moderator approves it."
)
PUBLISHED_MESSAGE = "Thank you. Your comment is published."


@dataclass
class Outcome:
    """What happened to a comment form; refusals carry the HTTP status (the form its errors)."""

    is_accepted: bool
    message: str
    comment: Comment | None = None
    http_status: int = 200
    retry_after: int | None = None  # Seconds until a rate-limited reader may send again.

    @property
    def is_held(self):
        return self.comment is not None and self.comment.status == CommentStatus.PENDING


def refused(refusal):
    return Outcome(
        False,
        refusal.message,
        http_status=refusal.http_status,
        retry_after=refusal.retry_after,
    )


def submit(form, *, ip="", reader="", is_csrf_ok=True):
    """Run a comment form through the pipeline; store the comment unless a phase refuses it.

    `reader` is the poster's signed reader identity (comments/readers.py), so that they see
    their own held comments.
    """
    if not is_csrf_ok:
        return refused(Refusal(stale_form("the security check failed")))
    if not form.is_valid():
        if why := form.integrity_error():
            return refused(Refusal(why))
        return refused(Refusal("Please correct the marked fields: your text is kept."))
    data = form.cleaned_data
    comment = Comment(
        article=form.article,
        name=data["name"],
        email=data["email"],
        body=data["body"],
        ip_network=network_of(ip),
        reader_key=reader,
        wants_reply_emails=data["wants_reply_emails"],
    )
    comment.place_under(data["parent"])
    if form.staff_user:
        comment.user, comment.is_by_staff = form.staff_user, True
    draft = Draft(
        comment, CommentSettings.load(), ip=ip, is_by_staff=comment.is_by_staff, reader=reader
    )
    for phase in PHASES:
        if (verdict := phase(draft)) is not None:
            break
    if isinstance(verdict, Refusal):
        return refused(verdict)
    comment.status, comment.rule = verdict.status, verdict.rule
    comment.reason, comment.matched_terms = verdict.reason, verdict.matched_terms
    if comment.status == CommentStatus.REJECTED:
        comment.decision_reason = DecisionReason.BANNED_TERM
    with transaction.atomic():
        comment.save()
        log_change(
            comment,
            None,
            LogAction.POSTED,
            "",
            comment.status,
            rule=comment.rule,
            reason=comment.reason,
        )
    if comment.status in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
        notifications.comment_posted(comment)
    if comment.status == CommentStatus.PUBLISHED:
        return Outcome(True, PUBLISHED_MESSAGE, comment)
    if comment.status == CommentStatus.PENDING:
        return Outcome(True, HELD_MESSAGE, comment)
    form.add_error("body", comment.reason)
    return Outcome(
        False,
        f"Your comment was not published: {comment.reason}. Please reword it and send it again.",
        comment,
        http_status=403,
    )
