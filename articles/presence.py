"""Presence: who has an article's change form open right now.

Kept in the cache (shared by every worker when REDIS_URL is set): one small entry per
article, mapping each editor to when they last showed signs of life. The change form
refreshes it on load and once a minute while open; anyone silent for PRESENCE_SECONDS has
gone.
"""

import time

from django.core.cache import cache

PRESENCE_SECONDS = 120


def _key(article):
    return f"articles:presence:{article.pk}"


def _current(article, now):
    seen = cache.get(_key(article)) or {}
    return {pk: entry for pk, entry in seen.items() if now - entry["at"] < PRESENCE_SECONDS}


def touch(article, user):
    """Note that `user` has the article open; return the names of the others who do."""
    now = time.time()
    seen = _current(article, now)
    seen[user.pk] = {"name": user.get_full_name() or user.get_username(), "at": now}
    cache.set(_key(article), seen, PRESENCE_SECONDS)
    return [entry["name"] for pk, entry in seen.items() if pk != user.pk]


def leave(article, user):
    """Forget `user` on this article: they saved and went on."""
    seen = _current(article, time.time())
    if seen.pop(user.pk, None) is not None:
        cache.set(_key(article), seen, PRESENCE_SECONDS)
