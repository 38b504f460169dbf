"""CDN purges: the page keys a write bumped, purged from Varnish or a CDN off the request path.

Reader pages carry their page keys as `Surrogate-Key` (Varnish xkey, Fastly) and `Cache-Tag`
(Cloudflare), so a purge by key drops exactly the copies that show what changed.
articles/caching.py calls `purge_later(keys)` once a change commits; the purge runs as a task
(Django's Tasks API), is retried with a growing delay when the CDN fails, and is logged. It
never blocks or fails the editor's save.

PAGE_PURGER picks one (none by default):
    varnish-xkey  PURGE with an `xkey` header to every PURGE_URLS (deploy/varnish.vcl)
    varnish-ban   BAN with an `X-Ban-Keys` header to every PURGE_URLS
    fastly        POST {FASTLY_API_URL}/service/{FASTLY_SERVICE_ID}/purge, surrogate keys
    cloudflare    POST {CLOUDFLARE_API_URL}/zones/{CLOUDFLARE_ZONE_ID}/purge_cache, tags
"""

import json
import logging
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger("newsroom.cache")

ATTEMPTS = 6  # the last one about a minute after the first (1, 2, 4, 8, 16, 32 s apart)
TIMEOUT_SECONDS = 10
REPEAT_SECONDS = 5
# The most keys one request may name: Fastly takes 256, Cloudflare 30 tags.
BATCH = {"fastly": 256, "cloudflare": 30}


def _send(method, url, *, headers, body=None):
    data = json.dumps(body).encode() if body is not None else None
    headers = {**headers, "Content-Type": "application/json"} if data else headers
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        response.read()


def _varnish_xkey(keys):
    for url in settings.PURGE_URLS:
        _send("PURGE", url, headers={"xkey": " ".join(keys)})


def _varnish_ban(keys):
    for url in settings.PURGE_URLS:
        _send("BAN", url, headers={"X-Ban-Keys": " ".join(keys)})


def _fastly(keys):
    url = f"{settings.FASTLY_API_URL}/service/{settings.FASTLY_SERVICE_ID}/purge"
    _send(
        "POST",
        url,
        headers={"Fastly-Key": settings.FASTLY_API_TOKEN},
        body={"surrogate_keys": keys},
    )


def _cloudflare(keys):
    url = f"{settings.CLOUDFLARE_API_URL}/zones/{settings.CLOUDFLARE_ZONE_ID}/purge_cache"
    headers = {"Authorization": f"Bearer {settings.CLOUDFLARE_API_TOKEN}"}
    _send("POST", url, headers=headers, body={"tags": keys})


PURGERS = {
    "varnish-xkey": _varnish_xkey,
    "varnish-ban": _varnish_ban,
    "fastly": _fastly,
    "cloudflare": _cloudflare,
}


def purge_later(keys):
    """Queue a purge of `keys` when a purger is configured; a queue failure is only logged."""
    if not settings.PAGE_PURGER:
        return
    keys = sorted(keys)
    size = BATCH.get(settings.PAGE_PURGER, len(keys))
    # Once now, and once more a little later: a page the origin was rendering from the old
    # rows while the change committed may reach the CDN after the first purge.
    later = [purge]
    if purge.get_backend().supports_defer:
        again_at = timezone.now() + timedelta(seconds=REPEAT_SECONDS)
        later.append(purge.using(run_after=again_at))
    for start in range(0, len(keys), size):
        for queued in later:
            try:
                queued.enqueue(keys[start : start + size])
            except Exception:
                logger.exception("event=purge_not_queued keys=%d", len(keys))


@task()
def purge(keys, attempt=1):
    """Purge `keys` with the configured purger; on failure, try again later."""
    name = settings.PAGE_PURGER
    try:
        PURGERS[name](keys)
    except Exception as error:
        if attempt >= ATTEMPTS:
            logger.error(
                "event=purge_failed purger=%s keys=%d attempts=%d error=%s",
                name, len(keys), attempt, error,
            )  # fmt: skip
            return False
        delay = 2 ** (attempt - 1)
        logger.warning(
            "event=purge_retry purger=%s keys=%d attempt=%d delay=%ds error=%s",
            name, len(keys), attempt, delay, error,
        )  # fmt: skip
        later = purge
        if purge.get_backend().supports_defer:
            later = purge.using(run_after=timezone.now() + timedelta(seconds=delay))
        later.enqueue(keys, attempt + 1)
        return False
    logger.info("event=purged purger=%s keys=%d attempt=%d", name, len(keys), attempt)
    return True
