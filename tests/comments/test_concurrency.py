"""Many readers posting at once, and two moderators deciding at once, on a real database."""

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django.db import connection
from django.test import Client

from comments import moderation
from comments.models import Comment, LogAction, ModerationLogEntry
from tests.comments.conftest import comment_data
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db(transaction=True)

POSTERS = 24
REDIS_TEST_URL = "redis://127.0.0.1:6379/13"


def in_threads(work, n):
    """Run work(i) in n threads released at the same moment; each closes its connection."""
    barrier = threading.Barrier(n)

    def run(i):
        try:
            barrier.wait()
            return work(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def test_many_concurrent_comments_on_one_article_are_all_stored():
    article = make_article()
    top = make_comment(article=article)
    forms = [
        comment_data(
            article,
            email=f"crowd{i}@example.org",
            body=f"Crowd comment {i}",
            parent=top.pk if i % 2 else "",
        )
        for i in range(POSTERS)
    ]

    def post(i):
        response = Client().post(
            f"/comments/article/{article.pk}/", forms[i], REMOTE_ADDR=f"10.9.{i}.1"
        )
        return response.status_code

    assert in_threads(post, POSTERS) == [302] * POSTERS
    stored = Comment.objects.filter(article=article, body__startswith="Crowd comment")
    assert stored.count() == POSTERS
    assert stored.filter(parent=top).count() == POSTERS // 2
    assert ModerationLogEntry.objects.filter(action=LogAction.POSTED).count() == POSTERS


def redis_cache():
    """Django's Redis cache on the local server (database 13), or a skip where there is none."""
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("No Redis server on 127.0.0.1:6379")
    return {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": alias,
        }
        for alias in ("default", "freshness", "ratelimit")
    }


# The embedded default (files shared by every process, counted under a lock) and Redis.
@pytest.mark.parametrize("backend", ["files", "redis"])
def test_concurrent_posts_from_one_email_let_exactly_one_through(settings, backend):
    if backend == "redis":
        settings.CACHES = redis_cache()
    article = make_article()
    email = f"eager-{uuid.uuid4().hex[:12]}@example.org"  # Fresh counters in a shared Redis.
    forms = [comment_data(article, email=email, body=f"Eager {i}") for i in range(8)]
    run = uuid.uuid4().int

    def post(i):
        network = f"2001:{run % 0xFFFF:x}:{(run >> 16) % 0xFFF0 + i:x}"  # A fresh /48 each.
        response = Client().post(
            f"/comments/article/{article.pk}/", forms[i], REMOTE_ADDR=f"{network}::1"
        )
        return response.status_code

    # The limit counts in fixed windows: posts straddling a window's end would count in two.
    window = settings.COMMENT_RATE_LIMITS[0][0]
    left = window - time.time() % window
    if left < 2:
        time.sleep(left)
    assert sorted(in_threads(post, 8)) == [302] + [429] * 7
    assert Comment.objects.filter(email=email).count() == 1


def test_two_moderators_deciding_at_once_one_wins_the_other_is_told(django_user_model):
    comment = make_comment(status="pending")
    people = [
        django_user_model.objects.create_user(f"mod{i}", first_name=f"Mod{i}") for i in range(2)
    ]
    actions = ["approve", "spam"]

    def decide(i):
        try:
            moderation.decide(
                comment=Comment.objects.get(pk=comment.pk),
                by=people[i],
                action=actions[i],
                revision=0,
            )
            return "decided"
        except moderation.AlreadyDecided as refusal:
            return str(refusal)

    results = in_threads(decide, 2)
    assert results.count("decided") == 1
    winner = results.index("decided")
    (refusal,) = [r for r in results if r != "decided"]
    assert f"already decided by Mod{winner}" in refusal
    comment.refresh_from_db()
    assert comment.status == ["published", "spam"][winner]
    assert comment.decided_by == people[winner]
    assert ModerationLogEntry.objects.count() == 1
