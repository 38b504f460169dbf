"""Reports one person cannot abuse: reporters count once per address, staff comments are
never held by reports, and a bulk reporter is slowed down and shown to moderators."""

import logging

import pytest
from django.test import Client, override_settings

from comments.models import Report
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def report(client, comment, ip, reason="abuse"):
    return client.post(f"/comments/{comment.pk}/report/", {"reason": reason}, REMOTE_ADDR=ip)


@pytest.fixture
def comment():
    return make_comment(article=make_article(), body="A fair point, bluntly made.")


def test_three_cookie_less_clients_from_one_address_count_once(comment):
    for _ in range(3):
        report(Client(), comment, "203.0.113.9")
    comment.refresh_from_db()
    assert comment.status == "published"
    assert Report.objects.filter(comment=comment).count() == 1  # The same reader, three times.


def test_fresh_cookies_from_one_address_still_count_once(comment):
    for n in range(3):
        reader = Client()
        reader.cookies["reader"] = f"forged-{n}"  # Unsigned: ignored.
        report(reader, comment, "2001:db8:5:5::1")
        reader = Client()
        report(reader, comment, f"2001:db8:5:5::{n + 2}")  # Same /64: one client's.
    comment.refresh_from_db()
    assert comment.status == "published"


def test_readers_at_three_addresses_hold_the_comment(comment):
    for n in range(3):
        report(Client(), comment, f"203.0.113.{n + 1}")
    comment.refresh_from_db()
    assert (comment.status, comment.reason) == ("pending", "3 readers reported it")


def test_staff_comments_are_never_held_by_reports():
    comment = make_comment(is_by_staff=True, rule="staff")
    for n in range(5):
        report(Client(), comment, f"203.0.113.{n + 1}")
    comment.refresh_from_db()
    assert (comment.status, comment.open_report_count) == ("published", 5)


@override_settings(REPORT_RATE_LIMITS=[(3600, 3)])
def test_a_bulk_reporter_is_slowed_down_and_told_when_to_come_back(caplog):
    comments = [make_comment() for _ in range(4)]
    client = Client()
    for comment in comments[:3]:
        assert report(client, comment, "198.51.100.7").status_code == 302
    with caplog.at_level(logging.WARNING, logger="newsroom.security"):
        response = report(client, comments[3], "198.51.100.7")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert "you can report again in" in response.content.decode()
    assert not Report.objects.filter(comment=comments[3]).exists()
    events = [r.getMessage() for r in caplog.records if r.name == "newsroom.security"]
    assert events == ["report_rate_limited"]


@override_settings(BULK_REPORTER_DAILY=3, REPORT_RATE_LIMITS=[(60, 100)])
def test_moderators_see_a_bulk_reporter_on_the_card(moderator_client):
    targets = [make_comment(status="pending") for _ in range(3)]
    for target in targets:
        Report.objects.create(comment=target, reader_key="r", reason="spam", address="198.51.100.7")
    Report.objects.create(comment=targets[0], reader_key="s", reason="abuse", address="192.0.2.1")
    html = moderator_client.get("/moderation/", {"tab": "pending"}).content.decode()
    assert html.count("bulk reporter: 3 reports from 198.51.100.7 in a day") == 3
    assert "192.0.2.1 in a day" not in html
