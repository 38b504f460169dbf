"""Production's shape: two app servers (gunicorn) sharing PostgreSQL and Redis, one Varnish in
front. A story published through one server is on the next page from Varnish and from the
other server. Needs PostgreSQL and Redis: it runs in the PostgreSQL run of the suite."""

import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from contextlib import ExitStack, contextmanager

import pytest
import redis
from django.conf import settings as site_settings
from django.db import connection
from django.test import Client

from articles.models import Article
from tests import processes
from tests.factories import make_article, make_draft, make_section, make_staff
from tests.processes import PROJECT, free_port, manage, varnish, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = "redis://127.0.0.1:6379/6"


@pytest.fixture
def shared_redis(settings):
    """This process and both servers on one Redis database, emptied first."""
    if connection.vendor != "postgresql":
        pytest.skip("Two app servers share PostgreSQL: runs with DATABASE_URL=postgres://...")
    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": alias,
        }
        for alias in ("default", "freshness", "ratelimit")
    }


@contextmanager
def app_server(purge_url):
    """gunicorn with one worker on a free loopback port, as production runs it."""
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": site_settings.SECRET_KEY,  # the editor's session is signed with it
        "DATABASE_URL": processes.test_database_url(),
        "REDIS_URL": REDIS_URL,
        "PAGE_PURGER": "varnish-xkey",
        "PURGE_URLS": purge_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "ENV_FILE": "/dev/null",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"]
    server = subprocess.Popen(
        command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/healthz", server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def read(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def publish_through(server, session, story):
    """An editor's bulk "publish" in the admin of `server`, with their session."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    browser.addheaders = [("Cookie", f"sessionid={session}")]
    changelist = f"{server}/admin/articles/article/"
    html = browser.open(changelist, timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    browser.addheaders = [("Cookie", f"sessionid={session}; csrftoken={csrf}")]
    form = {"action": "publish_selected", "_selected_action": story.pk}
    body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode()
    return browser.open(changelist, data=body, timeout=30).read().decode()


def test_publish_through_one_server_shows_through_varnish_and_the_other(shared_redis):
    section = make_section(name="Transport")
    make_article(headline="Night buses return", section=section)
    story = make_draft(headline="Tram line approved", section=section, status="approved")
    editor = Client()
    editor.force_login(make_staff("Editor"))
    session = editor.cookies["sessionid"].value

    with ExitStack() as stack:
        # The servers only queue purges; the worker below sends them (to PURGE_URLS of its own).
        first = stack.enter_context(app_server("http://127.0.0.1:1/"))
        port = int(first.rsplit(":", 1)[1])
        cdn = stack.enter_context(varnish(port))
        second = stack.enter_context(app_server(f"{cdn}/"))
        for base in (cdn, first, second):
            assert "Night buses return" in read(f"{base}/")
        assert "Tram line approved" not in read(f"{cdn}/")

        publish_through(second, session, story)
        assert Article.objects.get(pk=story.pk).status == Article.Status.PUBLISHED
        # The purge is a task: the worker (`make run` starts one) sends it to Varnish.
        worker_env = {"REDIS_URL": REDIS_URL, "PAGE_PURGER": "varnish-xkey", "PURGE_URLS": cdn}
        manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", env=worker_env)
        for base in (cdn, first, second):
            assert "Tram line approved" in read(f"{base}/"), base
