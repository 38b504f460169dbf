"""Reader pages from the cache, fresh by what they show: the one place that turns writes into
invalidations (and, with a purger configured, CDN purges).

Page keys
---------
A page key names one thing a page shows. A page records the keys of everything on it; a write
bumps only the keys it affects, so an approved comment on story 7 renews story 7's page and
nothing else.

    article:<pk>                 a story: its own page and every teaser of it
    comments:<pk>                its comment thread
    section:<pk> author:<pk> tag:<pk>          a heading's name and description
    list:section:<pk> list:author:<pk> list:tag:<pk>   the stories under a heading
    related:section:<pk>:<week> related:tag:<pk>:<week>   stories of one week, for "related"
    front sections feeds sitemaps search corrections comment-settings schedule site

API (all of it)
---------------
Models: a model whose rows readers see defines `page_keys(self, before)`: the keys a write of
    this row touches, given the row as it was (`before`, None for a new or deleted row).
    Saves and deletes are seen by signals; their QuerySet inherits `PageKeysQuerySet` so that
    `update()` and `bulk_create()` take the same path. Another app's model (taggit's) is
    declared with `declare(model, function)`, next to where we use it.
Views: `mark(response, keys, expires_at=None)` says what a reader page shows and when it
    changes by itself (a comment thread closing). Only marked pages are stored.
Fragments: `fragments({name: build})` keeps the parts a page is assembled from (a home
    block's stories and HTML, a story's own content, a comment thread) under the same keys;
    `build()` returns `(value, keys)`, or `(value, keys, expires_at)`.
Anything else: `changed(keys)` bumps keys once the current transaction commits.

Freshness
---------
Every key has a version: the value of a shared clock (a counter) at its last bump. A page is
stored with the clock as it read before rendering, and served while none of its keys has a
newer version. Bumps happen after commit, so a render that started before a commit either saw
the new rows or is outlived by the bump. A key with no version (never bumped, or evicted)
counts as changed now. The clock and versions live in the `freshness` cache, shared by every
process: Redis when REDIS_URL is set, else SQLite files under CACHE_DIR, so `make run` and a
management command in another terminal agree.

Until a transaction commits, only its own connection sees its rows. Its pending keys are kept
in connection-local state with a marker per write; pages that connection renders carry the
markers, and every other connection treats them as changed.

Time changes pages too: a scheduled story appears (or leaves) at its moment with no write, so
no page is kept past the next such moment (the `schedule` key renews that moment).

Visitors with a session or a pending message always get a fresh page marked private, and a
response that sets a cookie is never stored.
"""

import hashlib
import itertools
import logging
import time
import weakref
from collections import Counter
from datetime import timedelta
from functools import partial, wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import models, transaction
from django.db.models.signals import post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, get_conditional_response
from django.utils.http import http_date

from articles import purging

logger = logging.getLogger(__name__)

CLOCK_KEY = "clock"
# The clock's value when it (re)started: the version of every key not bumped since. The
# versions must never be evicted one by one (Redis: volatile-lru or noeviction; the SQLite
# cache clears them all at once when full, which restarts the clock and the floor).
FLOOR_KEY = "floor"
BOUNDARY_KEY = "boundary"
# A bulk load of more rows than this starts every page over (`site`) instead of listing keys.
BULK_ROWS = 100
# Headers a stored page keeps; the rest (Date, Server, connection headers) are the server's.
_STORED_HEADERS = {"content-type", "content-language", "vary", "x-frame-options", "link"}


def _pages():
    return caches["default"]


def _freshness():
    return caches["freshness"]


def week(moment):
    """The week bucket of a moment, for the `related:` keys."""
    return int(moment.timestamp() // (7 * 24 * 3600))


def weeks_around(moment, days):
    """The week buckets within `days` either side of `moment`."""
    return range(week(moment - timedelta(days=days)), week(moment + timedelta(days=days)) + 1)


# Writes -----------------------------------------------------------------------------------

_declared = {}


def declare(model, page_keys):
    """Declare the page keys of another app's model: `page_keys(row, before)` -> keys."""
    _declared[model] = page_keys


def _page_keys_of(model):
    return _declared.get(model) or getattr(model, "page_keys", None)


def _keys_of_write(model, row, before):
    return set(_page_keys_of(model)(row, before))


_pending = weakref.WeakKeyDictionary()  # connection -> (outermost atomic, {key: marker})
_pending_boundary = weakref.WeakKeyDictionary()  # connection -> (marker, timestamp)
_markers = itertools.count(1)


def changed(keys):
    """These keys' pages changed: bump them once the current transaction commits."""
    keys = set(keys)
    if not keys:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _publish(keys)
        return
    pending = _transaction_keys(connection, create=True)
    marker = next(_markers)
    pending.update(dict.fromkeys(keys, marker))
    if "schedule" in keys:
        # This connection sees its own new schedule before anyone else does.
        _pending_boundary[connection] = (marker, _timestamp(next_visibility_change()))
    # One callback per write (a rolled-back savepoint drops its own); the first to run at
    # the commit publishes them all.
    transaction.on_commit(partial(_commit, connection), robust=True)


def _transaction_keys(connection, create=False):
    """The pending keys of the connection's open transaction, told apart by its outermost
    atomic block: what a rolled-back transaction left behind is dropped, never published."""
    outermost = connection.atomic_blocks[0] if connection.in_atomic_block else None
    state = _pending.get(connection)
    if state is not None and state[0] is not outermost:
        del _pending[connection]
        state = None
    if state is None and create:
        state = _pending[connection] = (outermost, {})
    return state[1] if state else {}


def _commit(connection):
    _, pending = _pending.pop(connection, (None, None))
    if pending:
        _publish(pending)


def _pending_keys():
    """This connection's keys changed in its open transaction, with their markers."""
    return _transaction_keys(transaction.get_connection())


def _clock_value(freshness):
    value = freshness.get(CLOCK_KEY)
    if value is None:
        # Started at the time in microseconds: a clock that was lost starts again past
        # every version it ever gave (bumps are far rarer than one a microsecond), and the
        # floor with it, so every page rendered before counts as changed.
        freshness.add(CLOCK_KEY, time.time_ns() // 1000, timeout=None)
        value = freshness.get(CLOCK_KEY)
        freshness.add(FLOOR_KEY, value, timeout=None)
    return value


def _publish(keys):
    """Give `keys` a new version, newer than every page rendered before now."""
    freshness = _freshness()
    try:
        version = freshness.incr(CLOCK_KEY)
    except ValueError:  # an empty or evicted cache: start the clock past every old version
        _clock_value(freshness)
        version = freshness.incr(CLOCK_KEY)
    freshness.set_many({_version_key(key): version for key in keys}, timeout=None)
    if "schedule" in keys:
        # Found now, once per change, rather than by the next reader's page.
        _store_boundary(freshness, version)
    purging.purge_later(keys)


def _version_key(key):
    return f"v:{key}"


class PageKeysQuerySet(models.QuerySet):
    """update() and bulk_create() tell the page cache, as a save or delete does."""

    def update(self, **kwargs):
        model = self.model
        with transaction.atomic(using=self.db):
            before = {row.pk: row for row in self._chain()}
            count = super().update(**kwargs)
            keys = set()
            for row in model._base_manager.using(self.db).filter(pk__in=list(before)):
                keys |= _keys_of_write(model, row, before[row.pk])
            changed(keys)
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        rows = super().bulk_create(objs, *args, **kwargs)
        if len(rows) > BULK_ROWS:
            changed({"site"})
        else:
            changed(set().union(*(_keys_of_write(self.model, row, None) for row in rows)))
        return rows

    bulk_create.alters_data = True


@receiver(pre_save, dispatch_uid="page_keys_before_save")
def _remember_row(sender, instance, raw=False, **kwargs):
    if raw or _page_keys_of(sender) is None or instance._state.adding:
        return
    instance._page_keys_before = sender._base_manager.filter(pk=instance.pk).first()


@receiver(post_save, dispatch_uid="page_keys_saved")
def _row_saved(sender, instance, raw=False, **kwargs):
    if raw or _page_keys_of(sender) is None:
        return
    before = instance.__dict__.pop("_page_keys_before", None)
    changed(_keys_of_write(sender, instance, before))


@receiver(pre_delete, dispatch_uid="page_keys_deleted")
def _row_deleted(sender, instance, **kwargs):
    # Before the delete: a story's bylines and tags, which name its lists, are still there.
    if _page_keys_of(sender) is not None:
        changed(_keys_of_write(sender, instance, None))


# Reading ----------------------------------------------------------------------------------


def _is_fresh(started, keys, versions, pending):
    """Whether a page (or fragment) rendered at clock `started` still shows the truth.

    A key never bumped since the clock started has the floor for its version. Without a
    floor (a lost clock) nothing is fresh.
    """
    floor = versions.get(FLOOR_KEY)
    if floor is None:
        return False
    for key, marker in keys.items():
        version = versions.get(_version_key(key), floor)
        if version > started or pending.get(key) != marker:
            return False
    return True


def _versions(keys):
    return _freshness().get_many([FLOOR_KEY, *(_version_key(key) for key in keys)])


def _stamp(keys):
    """The keys a page rendered now records, with this connection's pending markers."""
    pending = _pending_keys()
    return {key: pending.get(key) for key in keys}


def fragments(builders, *, chooses_stories=False):
    """Rendered fragments (or the page objects a page is assembled from) by name, from the
    cache while their keys are unchanged, in one cache round trip when all are true.

    `builders` maps a fragment's name to `build()`, which returns `(value, keys)` or
    `(value, keys, expires_at)`: a fragment that changes by itself at a moment (a pin coming
    down) says when. Fragments that chose their stories (`chooses_stories`: a list, or
    whether a story is shown at all) are also cut at the next scheduled moment, when a story
    appears or leaves with no write. Returns `{name: (value, keys)}`, so a page can record
    the keys of the fragments it shows.
    """
    pages, freshness = _pages(), _freshness()
    names = {name: f"fragment:{name}" for name in builders}
    found = pages.get_many([*names.values()])
    pending = _pending_keys()
    versions = _versions({key for entry in found.values() for key in entry[1]})
    now = time.time()
    result, fresh, started, boundary = {}, {}, None, None
    for name, build in builders.items():
        entry = found.get(names[name])
        if (
            entry is not None
            and (not entry[3] or entry[3] > now)
            and _is_fresh(entry[0], entry[1], versions, pending)
        ):
            result[name] = (entry[2], set(entry[1]) - {"site"})
            continue
        if started is None:
            # Read before building: a write committed after this is newer than the fragment.
            started = _clock_value(freshness)
            boundary = _boundary() if chooses_stories else None
        value, keys, *expires_at = build()
        result[name] = (value, set(keys))
        ends = [end for end in (boundary, *(_timestamp(end) for end in expires_at)) if end]
        fresh[names[name]] = (started, _stamp({*keys, "site"}), value, min(ends, default=0))
    if fresh and settings.READER_CACHE_SECONDS:
        pages.set_many(fresh, timeout=settings.READER_CACHE_SECONDS)
    return result


def mark(response, keys, expires_at=None):
    """Say what a reader page shows (its page keys) and when it changes by itself.

    Every page also records `site` (a bulk load renews everything) and `sections` (the
    masthead names the featured sections).
    """
    response.page_keys = frozenset({*keys, "site", "sections"})
    response.page_expires_at = expires_at
    return response


def shows(*keys):
    """Mark every page of a function view as showing `keys`."""

    def decorate(view):
        @wraps(view)
        def marked(request, *args, **kwargs):
            return mark(view(request, *args, **kwargs), keys)

        return marked

    return decorate


def next_visibility_change():
    """The next moment an article appears or leaves without a write (articles/visibility.py)."""
    from articles.models import Article

    return Article.objects.next_visibility_change()


def _timestamp(moment):
    return moment.timestamp() if moment else 0


def _boundary():
    """The next scheduled moment as a timestamp (0: none), kept until a write moves it."""
    freshness, pending = _freshness(), _pending_keys()
    if "schedule" in pending:
        connection = transaction.get_connection()
        marker, boundary = _pending_boundary.get(connection, (None, None))
        if marker == pending["schedule"] and (not boundary or boundary > time.time()):
            return boundary
        boundary = _timestamp(next_visibility_change())
        _pending_boundary[connection] = (pending["schedule"], boundary)
        return boundary
    found = freshness.get_many([BOUNDARY_KEY, FLOOR_KEY, _version_key("schedule")])
    stored = found.get(BOUNDARY_KEY)
    if (
        stored is not None
        and _is_fresh(stored[1], {"schedule": None}, found, pending)
        and (not stored[0] or stored[0] > time.time())
    ):
        return stored[0]
    return _store_boundary(freshness, _clock_value(freshness))


def _store_boundary(freshness, started):
    """Find the next scheduled moment and share it, valid while `schedule` is not newer than
    `started` (the clock before the lookup)."""
    boundary = _timestamp(next_visibility_change())
    freshness.set(BOUNDARY_KEY, (boundary, started), timeout=None)
    return boundary


def page_lifetime(response):
    """How long a reader page rendered now may be kept: the configured life, cut at the next
    scheduled moment and at the page's own `expires_at`. Zero: do not keep it."""
    ends = [_boundary(), getattr(response, "page_expires_at", None)]
    ends = [end.timestamp() if hasattr(end, "timestamp") else end for end in ends if end]
    seconds = min([settings.READER_CACHE_SECONDS, *(int(end - time.time()) for end in ends)])
    return max(seconds, 0)


def _page_key(request):
    # Scheme and host are part of the page: feeds and sitemaps carry absolute links.
    url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"page:{url}"


def _lookup(request):
    """The clock before rendering, the page's cache key, and its entry if still fresh.

    No database query here: this runs before the view, where a database outage must still
    reach the view's own error handling.
    """
    key = _page_key(request)
    entry = _pages().get(key)
    if entry is not None and _is_fresh(entry[0], entry[1], _versions(entry[1]), _pending_keys()):
        return None, key, entry
    # Read before the view queries anything: a write committed after this is newer.
    return _clock_value(_freshness()), key, None


def _is_anonymous_read(request):
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    return not (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
    )


def is_private(request):
    """Whether the page being rendered is this visitor's alone (never stored or shared)."""
    return not _is_anonymous_read(request)


def _is_storable(response):
    cache_control = response.get("Cache-Control", "")
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return (
        getattr(response, "page_keys", None) is not None
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        # Cookie is covered: only visitors without a session or message cookie get here.
        and vary <= {"cookie", "accept-encoding"}
    )


def _conditional(request, response, etag, last_modified, keys, expires):
    """Validators for browsers, page keys and a lifetime for a CDN in front.

    Browsers always revalidate (a cheap 304). A CDN may keep the page for its remaining
    lifetime only when a purger will tell it of changes (PAGE_PURGER); otherwise it must ask.
    """
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    cache_control = "public, max-age=0, must-revalidate"
    seconds = int(expires - time.time())
    if settings.PAGE_PURGER and seconds > 0:
        cache_control += f", s-maxage={seconds}"
    response["Cache-Control"] = cache_control
    response["Surrogate-Key"] = " ".join(sorted(keys))
    response["Cache-Tag"] = ",".join(sorted(keys))
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )


# Requests that reached this process, by path: what a CDN in front did not answer itself.
requests_seen = Counter()


class ReaderPageCacheMiddleware:
    """Serve anonymous readers from the cache; keep everyone else's pages fresh and private.

    Sits near the top of MIDDLEWARE (after security and static files) so that a cached page
    skips sessions, CSRF, auth and the view altogether.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        requests_seen[request.path] += 1
        if not _is_anonymous_read(request):
            response = self.get_response(request)
            add_never_cache_headers(response)
            return response

        try:
            started, key, entry = _lookup(request)
        except Exception as error:
            # The cache or the database is down: serve uncached, so that /healthz and the
            # friendly 503 page can say which (any cache backend's errors land here).
            logger.warning("page cache unavailable: %s", error)
            return self.get_response(request)
        if entry is not None:
            _, keys, content, headers, etag, last_modified, expires = entry
            response = HttpResponse(content, headers=headers)
            response["X-Cache"] = "hit"
            return _conditional(request, response, etag, last_modified, keys, expires)

        response = self.get_response(request)
        if not _is_storable(response):
            if "Cache-Control" not in response:
                add_never_cache_headers(response)
            return response
        etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        last_modified = int(time.time())
        seconds = page_lifetime(response)
        if request.method == "GET" and seconds:
            headers = {k: v for k, v in response.items() if k.lower() in _STORED_HEADERS}
            keys = _stamp(response.page_keys)
            entry = (
                started,
                keys,
                response.content,
                headers,
                etag,
                last_modified,
                last_modified + seconds,
            )
            _pages().set(key, entry, timeout=seconds)
        response["X-Cache"] = "miss"
        return _conditional(
            request, response, etag, last_modified, response.page_keys, last_modified + seconds
        )
