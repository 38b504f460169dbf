"""How moderation goes: the figures and charts of the moderation overview, in a fixed number
of queries whatever the volume of comments."""

import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Article
from comments import charts
from comments.models import (
    Comment,
    CommentStatus,
    DecisionReason,
    LogAction,
    ModerationLogEntry,
    Report,
    Rule,
)

WINDOW_DAYS = 30
TOP_ARTICLES = 10
HELD_RULES = [
    Rule.DUPLICATE,
    Rule.SUSPECT_TERM,
    Rule.LINKS,
    Rule.NEWCOMER_LINK,
    Rule.PRE_MODERATION,
    Rule.NEWCOMER,
    Rule.REPORTS,
]
DECISIONS = [LogAction.APPROVED, LogAction.REJECTED, LogAction.SPAM, LogAction.REMOVED]


@dataclass
class Overview:
    pending_now: int
    reported_now: int
    decided_count: int
    median_wait: str
    p95_wait: str
    queue_chart: str
    rules_chart: str
    reasons_chart: str
    articles_chart: str
    bulk_reporters: list  # (who, reports in the last day), most first.
    bulk_reporter_daily: int


def moderation_overview(now=None):
    now = now or timezone.now()
    since = now - timedelta(days=WINDOW_DAYS)
    counts = Comment.objects.queue_counts()
    waits = sorted(
        decided - posted
        for posted, decided in Comment.objects.filter(first_decided_at__gte=since).values_list(
            "posted_at", "first_decided_at"
        )
    )
    return Overview(
        pending_now=counts["pending"],
        reported_now=counts["reported"],
        decided_count=len(waits),
        median_wait=_duration(_percentile(waits, 50)),
        p95_wait=_duration(_percentile(waits, 95)),
        queue_chart=_queue_chart(counts["pending"], since, now),
        rules_chart=_rules_chart(since),
        reasons_chart=_reasons_chart(since),
        articles_chart=_articles_chart(since),
        bulk_reporters=[(_reporter(key), n) for key, n in Report.objects.bulk_reporters(at=now)],
        bulk_reporter_daily=settings.BULK_REPORTER_DAILY,
    )


def _queue_chart(pending_now, since, now):
    """The Pending queue at the end of each day, replayed backwards from now through the log."""
    moves = ModerationLogEntry.objects.filter(logged_at__gt=since).filter(
        Q(to_status=CommentStatus.PENDING) ^ Q(from_status=CommentStatus.PENDING)
    )
    change_after = {}  # day -> net change of the queue after the end of that day
    for logged_at, to_status in moves.values_list("logged_at", "to_status"):
        step = 1 if to_status == CommentStatus.PENDING else -1
        day = timezone.localdate(logged_at)
        change_after[day] = change_after.get(day, 0) + step
    today = timezone.localdate(now)
    points, length = [], pending_now
    for back in range(WINDOW_DAYS):
        day = today - timedelta(days=back)
        points.append((day.strftime("%-d %b"), length))
        length -= change_after.get(day, 0)
    points.reverse()
    peak = max(value for _, value in points)
    return charts.line_chart(
        points,
        title="Pending queue at the end of each day, last 30 days",
        description=f"Now {pending_now} pending; the most in one day was {peak}.",
        chart_id="queue-trend",
    )


def _rules_chart(since):
    """Comments per deciding pipeline rule, with how often moderators overturned the rule."""
    per_rule = (
        Comment.objects.filter(posted_at__gte=since)
        .values("rule")
        .annotate(
            total=Count("pk"),
            approved=Count(
                "pk",
                filter=Q(status=CommentStatus.PUBLISHED, first_decided_at__isnull=False),
            ),
            refused=Count(
                "pk",
                filter=Q(
                    status__in=[CommentStatus.REJECTED, CommentStatus.SPAM],
                    first_decided_at__isnull=False,
                ),
            ),
        )
        .order_by("-total", "rule")
    )
    labels = dict(Rule.choices)
    rows = []
    for row in per_rule:
        overturned = row["refused"] if row["rule"] in (Rule.PASSED, Rule.STAFF) else row["approved"]
        verb = "later removed" if row["rule"] in (Rule.PASSED, Rule.STAFF) else "later approved"
        share = f" · {round(100 * overturned / row['total'])}% {verb}"
        rows.append((labels.get(row["rule"], row["rule"]), row["total"], share))
    return charts.bar_chart(
        rows,
        title="Comments per pipeline rule, last 30 days",
        description="How many comments each rule decided, and how often moderators overturned it.",
        chart_id="per-rule",
    )


def _reasons_chart(since):
    """Moderators' decisions per action and reason."""
    per_reason = (
        ModerationLogEntry.objects.filter(
            logged_at__gte=since, actor__isnull=False, action__in=DECISIONS
        )
        .values("action", "reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "action", "reason")
    )
    actions, reasons = dict(LogAction.choices), dict(DecisionReason.choices)
    rows = []
    for row in per_reason:
        label = actions[row["action"]]
        if row["action"] == LogAction.REJECTED:
            label += f": {reasons.get(row['reason'], row['reason'])}"
        rows.append((label, row["n"], ""))
    return charts.bar_chart(
        rows,
        title="Moderators' decisions per reason, last 30 days",
        description="Approvals, rejections by reason code, spam and removals.",
        chart_id="per-reason",
    )


def _articles_chart(since):
    """The articles drawing the most held or reported comments."""
    held = (
        Comment.objects.filter(posted_at__gte=since, rule__in=HELD_RULES)
        .values_list("article")
        .annotate(n=Count("pk"))
    )
    reported = (
        Report.objects.filter(reported_at__gte=since)
        .values_list("comment__article")
        .annotate(n=Count("pk"))
    )
    totals = {}
    for article_id, n in [*held, *reported]:
        totals[article_id] = totals.get(article_id, 0) + n
    top = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:TOP_ARTICLES]
    headlines = Article.objects.in_bulk([article_id for article_id, _ in top])
    rows = [
        (_shorten(headlines[article_id].headline), n, "")
        for article_id, n in top
        if article_id in headlines
    ]
    return charts.bar_chart(
        rows,
        title="Articles drawing the most held or reported comments, last 30 days",
        description="Held comments plus reader reports per article.",
        chart_id="per-article",
    )


def _reporter(key):
    """A report's reader key or address as the overview names it."""
    kind, _, value = key.partition(":")
    if kind == "reader":
        return f"reader {value[:8]}…"
    if kind == "user":
        return f"staff account {value}"
    return f"address {key}"


def _percentile(sorted_values, percent):
    """The nearest-rank percentile of an ascending list, or None when it is empty."""
    if not sorted_values:
        return None
    return sorted_values[max(0, math.ceil(percent / 100 * len(sorted_values)) - 1)]


def _duration(delta):
    if delta is None:
        return "none yet"
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} d {hours % 24} h"


def _shorten(text, length=32):
    return text if len(text) <= length else text[: length - 1] + "…"
