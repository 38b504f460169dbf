"""Atomic counters in the shared cache: rate limits, form-token uses and report limits.

They live in their own cache (`ratelimit`), apart from reader pages: no flood of pages can
evict a counter and reopen a limit.
"""

import math
import time

from django.core.cache import caches


def count_hit(key, timeout):
    """Count one more hit on `key` and return the total; add() then incr() is atomic in
    every cache backend, so two workers at once never both read the same number."""
    cache = caches["ratelimit"]
    for _ in range(2):
        cache.add(key, 0, timeout=timeout)
        try:
            return cache.incr(key)
        except ValueError:  # The key expired between add() and incr().
            continue
    return 1


def count_in_window(subject, window):
    """Count one hit on `subject` in the current fixed window of `window` seconds."""
    return count_hit(f"{subject}:{window}:{int(time.time() // window)}", window + 1)


def seconds_left(windows):
    """Seconds until the longest of these fixed windows ends."""
    now = time.time()
    return max(math.ceil(window - now % window) for window in windows)
