"""The embedded default's cache: Django's files, shared by every process on the machine.

Django's FileBasedCache counts by reading then writing, so two processes counting at once
lose one. Here `add` and `incr` (which `decr` calls) hold an exclusive lock on the cache's
folder, which makes a rate-limit counter or the page clock exact across gunicorn workers and
management commands. Culling (which lists every file) runs on one write in a hundred, not on each.
"""

import fcntl
import os
import random
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY = 100


class FileCache(FileBasedCache):
    @contextmanager
    def _locked(self):
        os.makedirs(self._dir, exist_ok=True)
        with open(os.path.join(self._dir, "lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._locked():
            return super().incr(key, delta, version)

    def _cull(self):
        if random.randrange(CULL_EVERY) == 0:
            super()._cull()
