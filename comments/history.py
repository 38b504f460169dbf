"""A commenter's history, for the desk: what the site knows about the person behind a card.

A commenter is their email address (the pipeline's rate limits, bans and newcomer rule
count the same way). A report carries no email: it records its reader as their account
("user:…"), their signed reader identity ("reader:…", the one their comments carry) or,
without either, their address. The reports a commenter made are the ones under their
account or under an identity their comments carry: exactly theirs. A cookie-less report
cannot be tied to them, since a comment keeps only its network, never its address; the
card names a bulk reporter by address instead.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Cast, Concat

from comments.models import (
    BannedDomain,
    BannedEmail,
    BannedNetwork,
    Comment,
    CommentStatus,
    LogAction,
    ModerationLogEntry,
    Report,
)

HISTORY_LIMIT = 50


@dataclass
class CommenterHistory:
    email: str
    name: str
    comment_total: int
    statuses: list  # (label, count) of all their comments, by status, none left out.
    decisions: list  # (label, count) of every log entry on all their comments, by action.
    comments: list  # The newest HISTORY_LIMIT, each with `log` (its decisions, oldest first).
    bans: list  # (kind, what, ban) of every ban that touches them, active or not.
    reports_received_total: int
    reports_received: list  # The newest HISTORY_LIMIT.
    reports_made_total: int
    reports_made: list  # The newest HISTORY_LIMIT, with the comment reported.


def commenter_history(comment):
    """Everything about `comment`'s author, in a fixed number of queries."""
    email = comment.email
    theirs = Comment.objects.filter(email=email)
    comments = list(
        theirs.select_related("article")
        .prefetch_related(
            Prefetch(
                "log_entries",
                queryset=ModerationLogEntry.objects.select_related("actor").order_by(
                    "logged_at", "pk"
                ),
                to_attr="log",
            )
        )
        .order_by("-posted_at", "-pk")[:HISTORY_LIMIT]
    )
    tally = theirs.aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in CommentStatus.values},
    )
    decided = dict(
        ModerationLogEntry.objects.filter(comment__email=email)
        .order_by()
        .values_list("action")
        .annotate(n=Count("pk"))
    )
    received, made = Q(comment__email=email), _reports_by(theirs, email)
    report_totals = Report.objects.aggregate(
        received=Count("pk", filter=received), made=Count("pk", filter=made)
    )
    newest_first = ["-reported_at", "-pk"]
    return CommenterHistory(
        email=email,
        name=comment.name,
        comment_total=tally["total"],
        statuses=[(label, tally[code]) for code, label in CommentStatus.choices if tally[code]],
        decisions=[(label, decided[code]) for code, label in LogAction.choices if code in decided],
        comments=comments,
        bans=_bans(theirs, email),
        reports_received_total=report_totals["received"],
        reports_received=list(
            Report.objects.filter(received).order_by(*newest_first)[:HISTORY_LIMIT]
        ),
        reports_made_total=report_totals["made"],
        reports_made=list(
            Report.objects.filter(made)
            .select_related("comment")
            .order_by(*newest_first)[:HISTORY_LIMIT]
        ),
    )


def _reports_by(theirs, email):
    """Reports sent under their account or a reader identity their comments carry."""
    identities = (
        theirs.exclude(reader_key="")
        .annotate(key=Concat(Value("reader:"), "reader_key", output_field=CharField()))
        .values("key")
    )
    accounts = (
        get_user_model()
        .objects.filter(Q(email__iexact=email) | Q(pk__in=theirs.values("user")))
        .annotate(key=Concat(Value("user:"), Cast("pk", CharField()), output_field=CharField()))
        .values("key")
    )
    return Q(reader_key__in=identities) | Q(reader_key__in=accounts)


def _bans(theirs, email):
    """Bans on their address, its domains and every network they posted from, each with
    `is_active`."""
    parts = email.rpartition("@")[2].split(".")
    domains = [".".join(parts[i:]) for i in range(len(parts))]
    networks = theirs.exclude(ip_network="").values("ip_network")
    return (
        [("email", ban.email, ban) for ban in _with_is_active(BannedEmail, email=email)]
        + [("domain", ban.domain, ban) for ban in _with_is_active(BannedDomain, domain__in=domains)]
        + [
            ("network", ban.network, ban)
            for ban in _with_is_active(BannedNetwork, network__in=networks)
        ]
    )


def _with_is_active(model, **lookup):
    active = model.objects.active().filter(pk=OuterRef("pk"))
    return model.objects.filter(**lookup).annotate(is_active=Exists(active))
