"""The embedded default's caches: one SQLite file each, shared by every process on the machine.

Every process (gunicorn workers, the task worker, a `manage.py` command in another terminal)
opens the same file, so they agree on pages, page-key versions and rate limits. One query
reads a page's ~50 versions, where files cost an open and a read each. Integers are stored as
SQLite integers, so that `add` and `incr` are single statements: atomic across processes,
which keeps a rate-limit counter and the page clock exact. Anything else is pickled, not
compressed: zlib (even at level 1) would make a full page cache a third of its size (~700 MB
at 100,000 entries) but cost more CPU than the bytes it saves, ~0.1 ms a hit and more a miss.

Culling follows Django's backends (MAX_ENTRIES, CULL_FREQUENCY), but counting the entries
walks a whole index, so a write checks only now and then (see `_cull`).
"""

import os
import pickle
import random
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# SQLite numbers a statement's parameters; stay far below its limit.
KEYS_PER_QUERY = 900
# Seconds a writer waits for another process's write to finish.
BUSY_TIMEOUT = 5
# Culling a full page cache writes ~300 MB to the WAL: the file shrinks back to this after.
WAL_BYTES_KEPT = 64 * 1024 * 1024
# Counting passes over every entry (~1 ms for 100,000): a write checks on one write in
# MAX_ENTRIES / CHECKS_PER_FILL, which keeps that cost per write fixed (~10 us) and a full
# cache at most 0.1% over MAX_ENTRIES per process writing.
CHECKS_PER_FILL = 1000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS cache (key TEXT PRIMARY KEY, value BLOB NOT NULL, expires REAL);
CREATE INDEX IF NOT EXISTS cache_expires ON cache (expires);
"""
_LIVE = "(expires IS NULL OR expires > ?)"
_UPSERT = (
    "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key)"
    " DO UPDATE SET value = excluded.value, expires = excluded.expires"
)

# Connections opened before a fork. SQLite forbids using one in the child, and closing it
# there could disturb the parent's locks, so the child only keeps it from being collected.
_inherited = []


def _encode(value):
    if type(value) is int and -(2**63) <= value < 2**63:
        return value
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _decode(stored):
    return stored if type(stored) is int else pickle.loads(stored)


@contextmanager
def _writing(connection):
    """One write transaction, holding the file's write lock from the start."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


class SQLiteCache(BaseCache):
    """A cache in the SQLite file at LOCATION."""

    def __init__(self, location, params):
        super().__init__(params)
        self._path = Path(location)
        self._local = threading.local()
        self._cull_every = max(1, self._max_entries // CHECKS_PER_FILL)

    def validate_key(self, key):
        """Any string is a key here. Django's warnings are for memcached's limits (length,
        spaces), and checking each character costs ~2 µs a key on a page that reads ~50."""

    def _connection(self):
        """This thread's connection, opened on first use and again in a forked child."""
        local, pid = self._local, os.getpid()
        if getattr(local, "pid", None) != pid:
            if hasattr(local, "connection"):
                _inherited.append(local.connection)
            local.connection, local.pid = _connect(self._path), pid
        return local.connection

    def _expires(self, timeout):
        """When an entry stored now with `timeout` expires (None: never), and whether it is
        dead already (a timeout of 0 or less: don't keep it)."""
        expires = self.get_backend_timeout(timeout)
        return expires, expires is not None and expires <= time.time()

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = (
            self._connection()
            .execute(f"SELECT value FROM cache WHERE key = ? AND {_LIVE}", (key, time.time()))
            .fetchone()
        )
        return default if row is None else _decode(row[0])

    def get_many(self, keys, version=None):
        names = {self.make_and_validate_key(key, version=version): key for key in keys}
        connection, now, found = self._connection(), time.time(), {}
        for chunk in _chunks(list(names)):
            rows = connection.execute(
                f"SELECT key, value FROM cache WHERE key IN ({_marks(chunk)}) AND {_LIVE}",
                (*chunk, now),
            )
            found.update((names[key], _decode(value)) for key, value in rows)
        return found

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        query = f"SELECT 1 FROM cache WHERE key = ? AND {_LIVE}"
        return self._connection().execute(query, (key, time.time())).fetchone() is not None

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        expires, is_dead = self._expires(timeout)
        if is_dead:
            self.delete_many(data, version)
            return []
        rows = [
            (self.make_and_validate_key(key, version=version), _encode(value), expires)
            for key, value in data.items()
        ]
        connection = self._connection()
        self._cull(connection)
        if len(rows) == 1:  # One statement is one transaction already.
            connection.execute(_UPSERT, rows[0])
            return []
        with _writing(connection):
            connection.executemany(_UPSERT, rows)
        return []

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        expires, _ = self._expires(timeout)
        connection = self._connection()
        self._cull(connection)
        # Takes the place of an expired entry only; a timeout of 0 stores one already expired.
        cursor = connection.execute(
            "INSERT INTO cache (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key)"
            " DO UPDATE SET value = excluded.value, expires = excluded.expires"
            " WHERE cache.expires <= ?",
            (key, _encode(value), expires, time.time()),
        )
        return cursor.rowcount == 1

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        connection, now = self._connection(), time.time()
        if type(delta) is int:
            row = connection.execute(
                "UPDATE cache SET value = value + ?"
                f" WHERE key = ? AND typeof(value) = 'integer' AND {_LIVE} RETURNING value",
                (delta, key, now),
            ).fetchone()
            if row is not None:
                return row[0]
        # Not an integer (or not there): add in Python, under the write lock.
        with _writing(connection):
            row = connection.execute(
                f"SELECT value FROM cache WHERE key = ? AND {_LIVE}", (key, now)
            ).fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found")
            value = _decode(row[0]) + delta
            connection.execute("UPDATE cache SET value = ? WHERE key = ?", (_encode(value), key))
        return value

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        expires, _ = self._expires(timeout)
        cursor = self._connection().execute(
            f"UPDATE cache SET expires = ? WHERE key = ? AND {_LIVE}",
            (expires, key, time.time()),
        )
        return cursor.rowcount == 1

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._connection().execute("DELETE FROM cache WHERE key = ?", (key,)).rowcount > 0

    def delete_many(self, keys, version=None):
        names = [self.make_and_validate_key(key, version=version) for key in keys]
        connection = self._connection()
        with _writing(connection):
            for chunk in _chunks(names):
                connection.execute(f"DELETE FROM cache WHERE key IN ({_marks(chunk)})", chunk)

    def clear(self):
        self._connection().execute("DELETE FROM cache")

    def _cull(self, connection):
        """When full, drop the expired entries, then the soonest to expire (the oldest, for
        one timeout; those that never expire last): 1/CULL_FREQUENCY of them, or all when
        CULL_FREQUENCY is 0.

        Checked on one write in `_cull_every` only, before writing, as Django's backends do.
        """
        if random.randrange(self._cull_every) or _count(connection) < self._max_entries:
            return
        with _writing(connection):
            connection.execute("DELETE FROM cache WHERE expires <= ?", (time.time(),))
            count = _count(connection)
            if count < self._max_entries:
                return
            if self._cull_frequency == 0:
                connection.execute("DELETE FROM cache")
                return
            connection.execute(
                "DELETE FROM cache WHERE rowid IN"
                " (SELECT rowid FROM cache ORDER BY expires NULLS LAST LIMIT ?)",
                (count // self._cull_frequency,),
            )


def _connect(path):
    """A connection to the cache file at `path`, which is made if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Autocommit (isolation_level None): one statement is one transaction, and _writing()
    # groups several.
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    # Turning a new file to WAL takes a lock that SQLite does not wait for: retry while
    # another process is opening the file too.
    waited = 0
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as error:
            if error.sqlite_errorname != "SQLITE_BUSY" or waited > BUSY_TIMEOUT:
                raise
            time.sleep(0.01)
            waited += 0.01
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute(f"PRAGMA journal_size_limit={WAL_BYTES_KEPT}")
    connection.executescript(_SCHEMA)
    return connection


def _count(connection):
    return connection.execute("SELECT count(*) FROM cache").fetchone()[0]


def _chunks(names):
    for start in range(0, len(names), KEYS_PER_QUERY):
        yield names[start : start + KEYS_PER_QUERY]


def _marks(chunk):
    return ", ".join("?" * len(chunk))
