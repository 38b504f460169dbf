"""Password guessing on the desk's login is stopped, per username and address, for a while."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import F
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "correct horse battery staple"


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True)


def sign_in(client, password, username="editor", address="203.0.113.9"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def guess(client, times, **who):
    """Post `times` wrong passwords; the last response."""
    for n in range(times):
        response = sign_in(client, f"guess {n}", **who)
    return response


def test_right_password_signs_in(client, editor):
    assert sign_in(client, PASSWORD).status_code == 302


def test_fifth_wrong_password_locks_the_pair_out_even_for_the_right_password(
    client, editor, settings
):
    assert guess(client, settings.AXES_FAILURE_LIMIT - 1).status_code == 200
    assert sign_in(client, "one more guess").status_code == 429
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many sign-in attempts" in page
    assert "paused for 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_lockout_is_keyed_by_username_and_address(client, editor, settings):
    guess(client, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, PASSWORD).status_code == 429
    assert sign_in(client, PASSWORD, address="198.51.100.7").status_code == 302
    get_user_model().objects.create_user("reporter", password=PASSWORD, is_staff=True)
    assert sign_in(client, PASSWORD, username="reporter").status_code == 302


def test_lockout_ends_after_the_cool_off(client, editor, settings):
    guess(client, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert sign_in(client, PASSWORD).status_code == 302


def test_success_before_the_limit_forgets_the_failures(client, editor, settings):
    assert guess(client, settings.AXES_FAILURE_LIMIT - 1).status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    assert guess(client, settings.AXES_FAILURE_LIMIT - 1).status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302


def test_failures_and_lockouts_are_logged_as_security_events(client, editor, settings, caplog):
    with caplog.at_level(logging.WARNING, logger="newsroom.security"):
        guess(client, settings.AXES_FAILURE_LIMIT - 1)
        sign_in(client, "last guess")
        sign_in(client, PASSWORD)
    events = [
        (r.getMessage(), r.fields["username"], r.fields["ip"])
        for r in caplog.records
        if r.name == "newsroom.security"
    ]
    assert (
        events.count(("login_failed", "editor", "203.0.113.9")) == settings.AXES_FAILURE_LIMIT - 1
    )
    assert events[-2:] == [("login_locked_out", "editor", "203.0.113.9")] * 2


def test_a_username_longer_than_any_account_is_refused_and_counted(client, settings):
    """Django's login form passes on whatever was typed; the attempt log holds 255 characters
    (on PostgreSQL a longer name was a 500)."""
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        response = sign_in(client, "guess", username="a" * 3000)
        assert response.status_code in (200, 429)
    assert response.status_code == 429
    assert len(AccessAttempt.objects.get().username) == 150
