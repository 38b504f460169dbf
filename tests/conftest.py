from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def yesterday(now):
    return now - timedelta(days=1)


@pytest.fixture
def tomorrow(now):
    return now + timedelta(days=1)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached pages of another test's rows would leak."""
    from django.core.cache import cache

    cache.clear()
