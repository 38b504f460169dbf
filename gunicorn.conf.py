"""gunicorn settings for Newsroom in production: `gunicorn -c gunicorn.conf.py`.

Sync workers: every page is a few indexed queries and a template, so a worker spends its time
on the CPU, not waiting; one worker per core (plus one) keeps the cores busy. Put a reverse
proxy (nginx, a CDN) in front for TLS and slow clients.
"""

import multiprocessing
import os

wsgi_app = "newsroom.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
# Load Django once in the master: workers fork with it in shared memory and start at once.
preload_app = True
timeout = 30
graceful_timeout = 30
keepalive = 5
# Access logs cost throughput; the proxy in front usually keeps them. GUNICORN_ACCESS_LOG=-
# writes them to stdout.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Trust X-Forwarded-Proto only from the proxy on this machine.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Refuse several workers on a per-process cache: they would not share page freshness.
    The default (SQLite files under CACHE_DIR) and Redis are shared, so one worker per core is
    fine."""
    import django
    from django.conf import settings

    django.setup()
    backend = settings.CACHES["default"]["BACKEND"]
    if server.cfg.workers > 1 and backend.endswith("LocMemCache"):
        raise RuntimeError(
            "Several workers need a shared cache for the reader-page cache to stay fresh: "
            "set REDIS_URL, or run one worker (WEB_CONCURRENCY=1)."
        )
