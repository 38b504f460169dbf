"""A CDN in front is told of every change by page key, after commit, off the request path;
a CDN that fails is retried and logged, and never fails the editor's save."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from articles import purging
from tests.factories import make_article

pytestmark = pytest.mark.django_db


class FakeCdn:
    """A local HTTP server standing in for a CDN's API: records requests, fails on demand."""

    def __init__(self):
        self.requests, self.failures = [], 0
        cdn = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                cdn.requests.append((self.command, self.path, dict(self.headers), body))
                failing = cdn.failures > 0
                cdn.failures -= failing
                self.send_response(500 if failing else 200)
                self.end_headers()
                self.wfile.write(b'{"status": "ok"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self):
        return [json.loads(body) for *_, body in self.requests]


@pytest.fixture
def cdn():
    fake = FakeCdn()
    yield fake
    fake.server.shutdown()


@pytest.fixture
def fastly(settings, cdn):
    settings.PAGE_PURGER = "fastly"
    settings.FASTLY_API_URL = cdn.url
    settings.FASTLY_SERVICE_ID = "SERVICE"
    settings.FASTLY_API_TOKEN = "fastly-token"
    return cdn


@pytest.fixture
def cloudflare(settings, cdn):
    settings.PAGE_PURGER = "cloudflare"
    settings.CLOUDFLARE_API_URL = cdn.url
    settings.CLOUDFLARE_ZONE_ID = "ZONE"
    settings.CLOUDFLARE_API_TOKEN = "cf-token"
    return cdn


def test_edit_purges_its_keys_from_fastly_once_committed(
    fastly, django_capture_on_commit_callbacks
):
    story = make_article(headline="Night buses return")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        story.headline = "Night buses return on Friday"
        story.save()
        assert fastly.requests == []  # nothing leaves before the transaction commits
    fastly.requests.clear()
    for callback in pending:
        callback()
    (method, path, headers, _), *rest = fastly.requests
    assert not rest
    assert (method, path) == ("POST", "/service/SERVICE/purge")
    assert headers["Fastly-Key"] == "fastly-token"
    assert f"article:{story.pk}" in fastly.bodies()[0]["surrogate_keys"]


def test_cloudflare_gets_the_tags_thirty_at_a_time(cloudflare, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        purging.purge_later({f"article:{n}" for n in range(70)})
    paths = {path for _, path, _, _ in cloudflare.requests}
    assert paths == {"/zones/ZONE/purge_cache"}
    sizes = sorted(len(body["tags"]) for body in cloudflare.bodies())
    assert sizes == [10, 30, 30]
    assert all(h["Authorization"] == "Bearer cf-token" for _, _, h, _ in cloudflare.requests)


def test_failing_cdn_is_retried_and_logged(fastly, caplog):
    fastly.failures = 2
    purging.purge_later({"article:1"})
    assert len(fastly.requests) == 3
    retries = [r for r in caplog.records if "event=purge_retry" in r.getMessage()]
    assert len(retries) == 2
    assert any("event=purged" in r.getMessage() for r in caplog.records)


def test_unreachable_cdn_never_fails_the_save(settings, caplog, django_capture_on_commit_callbacks):
    settings.PAGE_PURGER = "fastly"
    settings.FASTLY_API_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    story = make_article(headline="Night buses return")
    story.headline = "Night buses return on Friday"
    with django_capture_on_commit_callbacks(execute=True):
        story.save()
    failed = [r for r in caplog.records if "event=purge_failed" in r.getMessage()]
    assert len(failed) == 1 and f"attempts={purging.ATTEMPTS}" in failed[0].getMessage()


def test_pages_carry_their_keys_for_a_cdn():
    story = make_article(headline="Night buses return")
    response = Client().get(story.get_absolute_url())
    keys = response["Surrogate-Key"].split(" ")
    assert f"article:{story.pk}" in keys and f"comments:{story.pk}" in keys
    assert response["Cache-Tag"].split(",") == keys


def test_a_cdn_keeps_pages_only_when_a_purger_will_tell_it_of_changes(settings):
    story = make_article(headline="Night buses return")
    assert Client().get(story.get_absolute_url())["Cache-Control"] == (
        "public, max-age=0, must-revalidate"
    )
    settings.PAGE_PURGER = "varnish-xkey"
    for _ in ("miss", "hit"):
        response = Client().get(story.get_absolute_url())
        directives = response["Cache-Control"].split(", ")
        assert directives[:3] == ["public", "max-age=0", "must-revalidate"]  # browsers ask
        (s_maxage,) = [d for d in directives if d.startswith("s-maxage=")]
        assert 3000 < int(s_maxage.removeprefix("s-maxage=")) <= settings.READER_CACHE_SECONDS
