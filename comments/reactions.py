"""Readers' likes: one per signed reader identity per comment, rate-limited.

A like changes a number on the page, not what the page says, so it leaves the page cache
alone: counts shown on a shared page lag by at most that page's lifetime
(READER_CACHE_SECONDS), and the next write to the article shows them at once.
"""

import time

from django.db import IntegrityError, transaction
from django.db.models import F

from comments.models import Comment, Reaction
from comments.moderation.counting import count_hit

# Per reader: a person reading a thread likes a handful of comments a minute, not dozens.
READER_LIMITS = [(60, 30), (60 * 60, 300)]
# Per network, only a flood guard: a newsroom office or a mobile gateway has many readers.
NETWORK_LIMIT = (60, 600)


class TooManyLikes(Exception):
    pass


def _over(subject, window, limit):
    """Count one like in `subject`'s current fixed window; whether that went over `limit`."""
    return (
        count_hit(f"comments:{subject}:{window}:{int(time.time() // window)}", window + 1) > limit
    )


def like(*, comment, reader, network=""):
    """Count `reader`'s like of `comment` once; returns the comment's like count."""
    subjects = [(f"like:reader:{reader}", window, limit) for window, limit in READER_LIMITS]
    if network:
        subjects.append((f"like:net:{network}", *NETWORK_LIMIT))
    if any(_over(subject, window, limit) for subject, window, limit in subjects):
        raise TooManyLikes("You are liking comments faster than this site allows; wait a minute.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                Reaction.objects.create(comment=comment, reader_key=reader)
        except IntegrityError:
            pass  # Liked before: the count stays as it is.
        else:
            Comment.objects.filter(pk=comment.pk).update(like_count=F("like_count") + 1)
    return Comment.objects.values_list("like_count", flat=True).get(pk=comment.pk)
