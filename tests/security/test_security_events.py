"""Security events reach the newsroom.security logger with the fields an operator needs."""

import logging

import pytest
from django.core.cache import cache

from tests.comments.conftest import post_comment
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def security_events(caplog):
    return [(r.getMessage(), r.fields) for r in caplog.records if r.name == "newsroom.security"]


def test_comment_rate_limit_hit_is_logged(client, caplog):
    cache.clear()  # The rate-limit counters live in the cache.
    article = make_article()
    assert post_comment(client, article, email="fast@example.org").status_code == 302
    with caplog.at_level(logging.WARNING, logger="newsroom.security"):
        response = post_comment(client, article, email="fast@example.org", ip="203.0.113.5")
    assert response.status_code == 429
    assert security_events(caplog) == [
        ("comment_rate_limited", {"network": "203.0.113.0/24", "window": 10})
    ]
