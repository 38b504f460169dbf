"""Reader pages from the cache, never stale: the one place that decides what is cached and when
it stops being true.

Anonymous readers get whole pages from Django's cache (LocMem, or Redis when REDIS_URL is
set), with an ETag and Last-Modified for 304 answers. Every cached page is stored with the
site's *content version* it was rendered in, and served only while that is still current.
Any write to a model readers can see starts a new version when its transaction commits (the
receivers at the bottom; comments are announced by their moderation, comments/moderation.py),
so the next request renders afresh and overwrites the old entry. Time changes what readers
see too: a scheduled article appears at its publication time and an article leaves at its
unpublish time with no write at all, so no entry outlives the next such moment
(`next_visibility_change`); a page that changes by itself at a moment of its own (an article
whose comments close) says so (`changes_at`).

Visitors with a session or a pending message (staff, anyone logged in) always get a fresh
page marked private. A response that sets a cookie is never stored, so no page carries
another visitor's data. A CDN in front may store pages (`public`) but must revalidate every
time (`max-age=0, must-revalidate`), which the ETag makes a cheap 304.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers, get_conditional_response
from django.utils.crypto import get_random_string
from django.utils.http import http_date

logger = logging.getLogger(__name__)

VERSION_KEY = "reader-pages:version"
# Apps whose rows readers see, directly or on a page (articles, bylines, sources, sections,
# tags, comments, library pictures). A write to any of their models starts a new content version.
READER_VISIBLE_APPS = {"articles", "comments", "library", "taggit"}
# Their models that only staff ever see: writing them leaves every reader page as it was.
# A comment is staff-only until moderation publishes it, and every status change goes through
# comments/moderation.py, which says when one enters or leaves readers' pages: held and spam
# comments, a flood of them included, then leave the cache alone.
STAFF_ONLY_MODELS = {
    "articles.desk",
    "articles.editorialevent",
    "articles.revision",
    "articles.previewlink",
    "articles.previewaccess",
    "comments.comment",
    "comments.report",
    # Likes change a count, not the page's words: shared pages show them within their life.
    "comments.reaction",
    "comments.confirmedemail",
    "comments.moderationlogentry",
    "comments.bannedemail",
    "comments.banneddomain",
    "comments.bannednetwork",
    "comments.wordlistterm",
}
# Headers a stored page keeps; the rest (Date, Server, connection headers) are the server's.
_STORED_HEADERS = {"content-type", "content-language", "vary", "x-frame-options", "link"}


def _new_version():
    return f"{time.time_ns():x}{get_random_string(6)}"


def start_new_version():
    """File every later page under a new version, and note when it next changes by itself."""
    version = _new_version()
    cache.set(VERSION_KEY, version, timeout=None)
    # Computed after the version is set: any write committed before this point is seen, and
    # any write after it starts yet another version, so the current one's boundary is right.
    cache.set(_boundary_key(version), _timestamp(next_visibility_change()), timeout=None)
    return version


class PendingChange:
    """The reader-visible writes of one open transaction.

    When it commits, readers get one new version however many rows it touched (an article
    save writes its bylines, sources and tags too). Until then only its own connection sees
    the new rows, so only that connection's requests (a test's, whose transaction never
    commits) use the version of its own kept here, renewed at every write.
    """

    def __init__(self):
        self.version = self.boundary = None

    def __call__(self):
        start_new_version()

    def renew(self, *, moves_schedule):
        self.version = _new_version()
        if moves_schedule or self.boundary is None or 0 < self.boundary <= time.time():
            self.boundary = _timestamp(next_visibility_change())


def _pending_change(connection):
    for _, callback, _ in connection.run_on_commit:
        if isinstance(callback, PendingChange):
            return callback
    return None


def content_changed(*, moves_schedule=True):
    """Readers' pages changed: start a new content version once the transaction commits.

    After commit, because before it other connections still read the old rows and would file
    them under the new version. `moves_schedule=False` says the write cannot move the next
    scheduled publication or unpublish time, which then needs no query until the commit.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        start_new_version()
        return
    pending = _pending_change(connection)
    if pending is None:
        pending = PendingChange()
        transaction.on_commit(pending, robust=True)
    pending.renew(moves_schedule=moves_schedule)


def next_visibility_change():
    """The next moment an article appears or leaves without a write (articles/visibility.py)."""
    from articles.models import Article

    return Article.objects.next_visibility_change()


def _boundary_key(version):
    return f"reader-pages:boundary:{version}"


def _timestamp(moment):
    return moment.timestamp() if moment else 0


def _seconds_to_live(version, request):
    """How long a page rendered now may be served: the configured life, cut at the next
    visibility change and at the moment the page itself said it changes (`changes_at`).
    Zero means "do not store"."""
    pending = _pending_change(transaction.get_connection())
    if pending is None or pending.version != version:
        pending = None  # another connection's writes: this page is filed under the shared one
    boundary = pending.boundary if pending else cache.get(_boundary_key(version))
    if boundary is None:
        boundary = _timestamp(next_visibility_change())
        cache.set(_boundary_key(version), boundary, timeout=None)
    if boundary and boundary <= time.time():
        # The moment has come. This page may predate it, so it is not stored; the next ones
        # are filed under a new version, cut at the moment after, so that a scheduled
        # morning story does not leave every reader uncached until the next write.
        if pending:
            pending.renew(moves_schedule=True)
        elif cache.get(VERSION_KEY) == version:
            start_new_version()
        return 0
    ends = [boundary] if boundary else []
    if getattr(request, "_page_changes_at", None) is not None:
        ends.append(request._page_changes_at.timestamp())
    seconds = min([settings.READER_CACHE_SECONDS, *(int(end - time.time()) for end in ends)])
    return max(seconds, 0)


def changes_at(request, moment):
    """Say that the page being rendered changes by itself at `moment` (a comment thread
    closing after its days, say): it is not served from the cache beyond it."""
    if moment is not None:
        earliest = getattr(request, "_page_changes_at", None)
        request._page_changes_at = moment if earliest is None else min(earliest, moment)


def _page_key(request):
    # Scheme and host are part of the page: feeds and sitemaps carry absolute links.
    url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"reader-pages:page:{url}"


def _lookup(request):
    """The current content version, the page's key, and its stored entry if it was rendered
    in that version. One round trip to the cache: a page is stored under its address with the
    version it was rendered in, so the version and the page are fetched together.

    No database query here: this runs before the view, where a database outage must still
    reach the view's own error handling. The boundary is found when a page is stored.
    """
    key = _page_key(request)
    found = cache.get_many([VERSION_KEY, key])
    pending = _pending_change(transaction.get_connection())
    if pending is not None:
        version = pending.version
    else:
        version = found.get(VERSION_KEY)
        if version is None:  # a cold or evicted cache: start one, or take a rival's
            cache.add(VERSION_KEY, _new_version(), timeout=None)
            version = cache.get(VERSION_KEY)
    entry = found.get(key)
    if entry is not None and entry[0] != version:
        entry = None  # rendered before the latest change
    return version, key, entry


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
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        # Cookie is covered: only visitors without a session or message cookie get here.
        and vary <= {"cookie", "accept-encoding"}
    )


def _conditional(request, response, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )


class ReaderPageCacheMiddleware:
    """Serve anonymous readers from the cache; keep everyone else's pages fresh and private.

    Sits near the top of MIDDLEWARE (after security and static files) so that a cached page
    skips sessions, CSRF, auth and the view altogether.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_anonymous_read(request):
            response = self.get_response(request)
            add_never_cache_headers(response)
            return response

        try:
            version, key, entry = _lookup(request)
        except Exception as error:
            # The cache or the database is down: serve uncached, so that /healthz and the
            # friendly 503 page can say which (any cache backend's errors land here).
            logger.warning("page cache unavailable: %s", error)
            return self.get_response(request)
        if entry is not None:
            _, content, headers, etag, last_modified = entry
            response = HttpResponse(content, headers=headers)
            response["X-Cache"] = "hit"
            return _conditional(request, response, etag, last_modified)

        response = self.get_response(request)
        if not _is_storable(response):
            if "Cache-Control" not in response:
                add_never_cache_headers(response)
            return response
        etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        last_modified = int(time.time())
        seconds = _seconds_to_live(version, request)
        if request.method == "GET" and seconds:
            headers = {k: v for k, v in response.items() if k.lower() in _STORED_HEADERS}
            entry = (version, response.content, headers, etag, last_modified)
            cache.set(key, entry, timeout=seconds)
        response["X-Cache"] = "miss"
        return _conditional(request, response, etag, last_modified)


def _label(sender):
    # A many-to-many table Django made (a desk's sections) belongs to the model that declares it.
    return (sender._meta.auto_created or sender)._meta.label_lower


def _is_reader_visible(sender):
    return sender._meta.app_label in READER_VISIBLE_APPS and _label(sender) not in STAFF_ONLY_MODELS


def _changed(sender):
    # Only an article's own row holds the times at which it appears or leaves.
    content_changed(moves_schedule=_label(sender) == "articles.article")


@receiver(post_save, dispatch_uid="reader_pages_saved")
@receiver(post_delete, dispatch_uid="reader_pages_deleted")
def _row_changed(sender, **kwargs):
    if _is_reader_visible(sender):
        _changed(sender)


@receiver(m2m_changed, dispatch_uid="reader_pages_relinked")
def _links_changed(sender, action, **kwargs):
    if action.startswith("post_") and _is_reader_visible(sender):
        _changed(sender)
