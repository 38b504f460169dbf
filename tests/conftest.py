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
