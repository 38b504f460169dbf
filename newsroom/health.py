"""/healthz for load balancers and uptime checks: can we reach the database and the cache?"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger("newsroom.health")


def database_is_up():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_is_up():
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


CHECKS = {"database": database_is_up, "cache": cache_is_up}


@never_cache
def healthz(request):
    """200 with {"database": "ok", "cache": "ok"}; 503 naming what is down."""
    report = {}
    for name, check in CHECKS.items():
        try:
            report[name] = "ok" if check() else "unavailable"
        except Exception:
            logger.exception("%s health check failed", name)
            report[name] = "unavailable"
    healthy = all(state == "ok" for state in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
