"""What readers see, and when that changes by itself: the one place that says so.

A story is live when its state is published or scheduled, its publication time has come and
its unpublish time (if any) has not. A scheduled story is therefore live at its time without
any job running; `publish_scheduled` only brings its state into line (the "due" queries).
Every page, feed, sitemap, cache boundary and desk label asks here.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from articles.models.states import VISIBLE_STATUSES, ArticleStatus


def live(now):
    """The condition for "readers see it at `now`"."""
    return Q(
        Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now),
        status__in=VISIBLE_STATUSES,
        published_at__lte=now,
    )


def is_live(article, now=None):
    """Whether readers see this story now (the row's counterpart of `published()`)."""
    now = now or timezone.now()
    return (
        article.status in VISIBLE_STATUSES
        and article.published_at is not None
        and article.published_at <= now
        and (article.unpublish_at is None or article.unpublish_at > now)
    )


def shown_status(article, now=None):
    """The state the desk shows: a scheduled story readers already see is published."""
    if article.status == ArticleStatus.SCHEDULED and is_live(article, now):
        return ArticleStatus.PUBLISHED
    return ArticleStatus(article.status)


class VisibilityQuerySet(models.QuerySet):
    def published(self):
        """Articles a reader may see now: live, and their publication time has come.

        This is the one definition of "published"; every page, list and link uses it.
        A scheduled article becomes visible at its time without any job running.
        """
        return self.live_at(timezone.now())

    def live_at(self, now):
        """Articles readers see at `now` (a moment, or a prepared query's Param)."""
        return self.filter(live(now))

    def due_to_publish(self, now):
        """Scheduled stories readers already see, whose state still says scheduled."""
        return self.filter(status=ArticleStatus.SCHEDULED, published_at__lte=now)

    def due_to_unpublish(self, now):
        """Published stories whose unpublish time has come."""
        return self.filter(status=ArticleStatus.PUBLISHED, unpublish_at__lte=now)

    def next_visibility_change(self, now=None):
        """The next moment a story appears or leaves without a write: a scheduled publication
        time or an unpublish time. None when nothing is due."""
        now = now or timezone.now()
        visible = self.filter(status__in=VISIBLE_STATUSES)
        moments = [
            visible.filter(published_at__gt=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)[:1],
            visible.filter(unpublish_at__gt=now)
            .order_by("unpublish_at")
            .values_list("unpublish_at", flat=True)[:1],
        ]
        return min((moment for query in moments for moment in query), default=None)
