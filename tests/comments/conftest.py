from datetime import timedelta
from itertools import count

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.utils import timezone

from comments.moderation import issue_form_token
from comments.readers import COOKIE as READER_COOKIE

_addresses = count(1)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache; every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def _user(django_user_model, username, groups=(), **extra):
    user = django_user_model.objects.create_user(
        username, f"{username}@newsroom.example", None, is_staff=True, **extra
    )
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def moderator(django_user_model):
    return _user(django_user_model, "moira", ["Moderator"], first_name="Moira", last_name="Mod")


@pytest.fixture
def second_moderator(django_user_model):
    return _user(django_user_model, "max", ["Moderator"], first_name="Max", last_name="Second")


@pytest.fixture
def reporter(django_user_model):
    """A reporter: writes articles, does not moderate."""
    user = _user(django_user_model, "rita")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="articles", codename__in=["add_article", "change_article"]
        )
    )
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


def comment_data(article, **overrides):
    """A filled-in comment form, issued long enough ago to pass the too-fast check."""
    n = next(_addresses)
    data = {
        "name": f"Reader {n}",
        "email": f"poster{n}@example.org",
        "body": "A thoughtful comment about the story.",
        "token": issue_form_token(article, at=timezone.now() - timedelta(seconds=30)),
        "website": "",
    }
    data.update(overrides)
    return data


def post_comment(client, article, ip=None, same_reader=False, **overrides):
    """Post a comment from its own network, as a reader of its own, unless told otherwise."""
    n = next(_addresses)
    ip = ip or f"10.{n // 250 % 250}.{n % 250}.7"
    if not same_reader:
        client.cookies.pop(READER_COOKIE, None)
    return client.post(
        f"/comments/article/{article.pk}/", comment_data(article, **overrides), REMOTE_ADDR=ip
    )
