"""A commenter's history, for the desk: what the site knows about the person behind a card.

A commenter is their email address (the pipeline's rate limits, bans and newcomer rule
count the same way). Reports they made are found by the networks they post from: a report
carries no email.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from comments.models import (
    BannedDomain,
    BannedEmail,
    BannedNetwork,
    Comment,
    ModerationLogEntry,
    Report,
)

HISTORY_LIMIT = 50


@dataclass
class CommenterHistory:
    email: str
    name: str
    comment_total: int
    comments: list  # The newest HISTORY_LIMIT, each with `log` (its decisions, oldest first).
    bans: list  # (kind, what, ban) of every ban that touches them, active or not.
    reports_received: list
    reports_made: list


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
    networks = sorted({c.ip_network for c in comments if c.ip_network})
    parts = email.rpartition("@")[2].split(".")
    domains = [".".join(parts[i:]) for i in range(len(parts))]
    bans = [("email", ban.email, ban) for ban in BannedEmail.objects.filter(email=email)]
    bans += [("domain", ban.domain, ban) for ban in BannedDomain.objects.filter(domain__in=domains)]
    bans += [
        ("network", ban.network, ban) for ban in BannedNetwork.objects.filter(network__in=networks)
    ]
    return CommenterHistory(
        email=email,
        name=comment.name,
        comment_total=theirs.count(),
        comments=comments,
        bans=bans,
        reports_received=list(
            Report.objects.filter(comment__email=email)
            .select_related("comment")
            .order_by("-reported_at", "-pk")[:HISTORY_LIMIT]
        ),
        reports_made=list(
            Report.objects.filter(ip_network__in=networks)
            .select_related("comment")
            .order_by("-reported_at", "-pk")[:HISTORY_LIMIT]
        ),
    )
