"""Twenty readers posting comments to one article for 30 seconds, over HTTP to a live server.

The live server answers each request in its own thread on its own database connection, as a
threaded production server does, so the writers really contend for the database.
"""

import http.client
import logging
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import connection

from comments.models import Comment, CommentSettings, CommentStatus, LogAction, ModerationLogEntry
from tests.comments.conftest import comment_data
from tests.factories import make_article, make_comment

WRITERS = 20
# Issue 7 asks for 30 seconds; NEWSROOM_SOAK_SECONDS shortens a local run.
SOAK_SECONDS = float(os.environ.get("NEWSROOM_SOAK_SECONDS", "30"))
# A tenth of the slowest run seen (PostgreSQL on two busy shared cores: 55 posts/s); far more
# than a site whose writers queue behind lock timeouts manages.
MIN_POSTS_PER_SECOND = 5

COMMENT_COUNT_RE = re.compile(r'class="comments__count">\((\d+)\)<')


class Reader:
    """One reader's keep-alive HTTP connection to the live server."""

    def __init__(self, live_server):
        address = urlsplit(live_server.url)
        self.http = http.client.HTTPConnection(address.hostname, address.port, timeout=60)

    def request(self, method, path, form=None):
        body, headers = None, {}
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.http.request(method, path, body=body, headers=headers)
        response = self.http.getresponse()
        return response.status, response.getheader("Location", ""), response.read().decode()

    def comment_count_on(self, article):
        status, _, page = self.request("GET", article.get_absolute_url())
        assert status == 200
        return int(COMMENT_COUNT_RE.search(page)[1])


@pytest.fixture
def soak_limits(settings):
    """Twenty writers post hundreds of times each from one address: the rate limits (tested on
    their own in tests/comments) would refuse nearly all of it. Counters still run on every post."""
    settings.COMMENT_RATE_LIMITS = [(60, 1_000_000)]
    settings.COMMENT_NETWORK_LIMITS = [(60, 1_000_000)]


@pytest.mark.django_db(transaction=True)
def test_twenty_writers_for_thirty_seconds_lose_and_duplicate_nothing(
    live_server, soak_limits, caplog
):
    article = make_article()
    top = make_comment(article=article, body="The first thread, for the replies.")
    # Established readers: two published comments each, so the posts are published at once
    # and the page's count has something to show.
    for i in range(WRITERS):
        for n in range(2):
            make_comment(email=f"writer{i}@example.org", body=f"Writer {i}, earlier {n}")
    before = Reader(live_server).comment_count_on(article)  # The page is now in the cache.
    assert before == 1

    def write(i):
        reader, accepted, refused = Reader(live_server), {}, []
        deadline = time.monotonic() + SOAK_SECONDS
        n = 0
        while time.monotonic() < deadline:
            body = f"Soak writer {i}, post {n}."
            status, location, page = reader.request(
                "POST",
                f"/comments/article/{article.pk}/",
                {
                    **comment_data(article),  # A fresh form each time: a token is good once.
                    "name": f"Writer {i}",
                    "email": f"writer{i}@example.org",
                    "body": body,
                    "parent": top.pk if i % 2 else "",
                },
            )
            # Published at once, the reader is sent to the confirmation beside the form.
            if status == 302 and location.endswith("#comment-status"):
                accepted[body] = n
            else:
                refused.append((status, location, page[:300]))
            n += 1
        return accepted, refused

    caplog.set_level(logging.WARNING)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(write, range(WRITERS)))
    elapsed = time.monotonic() - started

    refused = [refusal for _, refusals in results for refusal in refusals]
    assert refused == []  # Among them would be any 500, 503 (database locked) or 429.
    accepted = {body: pk for posts, _ in results for body, pk in posts.items()}
    # Nothing logged at WARNING or above: no 500, no "database is locked" behind a 503.
    assert caplog.text == ""

    stored = set(
        Comment.objects.filter(
            article=article, body__startswith="Soak writer", status=CommentStatus.PUBLISHED
        ).values_list("body", flat=True)
    )
    assert stored == set(accepted)  # Each accepted post is stored once and published.
    assert len(stored) == Comment.objects.filter(body__startswith="Soak writer").count()
    posted = ModerationLogEntry.objects.filter(
        action=LogAction.POSTED, comment__body__startswith="Soak writer"
    )
    assert posted.count() == len(accepted)
    replies = sum(len(posts) for i, (posts, _) in enumerate(results) if i % 2)

    desk = CommentSettings.load_with_counts(article)
    assert desk.comment_total == 1 + len(accepted)
    assert desk.thread_total == 1 + len(accepted) - replies
    assert Reader(live_server).comment_count_on(article) == 1 + len(accepted)

    rate = len(accepted) / elapsed
    print(
        f"\n{connection.vendor}: {WRITERS} writers, {len(accepted)} comments in {elapsed:.1f} s"
        f" = {rate:.1f} posts/s (fewest by one writer: {min(len(p) for p, _ in results)})"
    )
    assert rate >= MIN_POSTS_PER_SECOND
    assert all(posts for posts, _ in results)  # No writer was starved.
