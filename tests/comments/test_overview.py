"""The moderation overview: figures, charts drawn on the server, access and query count."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings

from comments.models import LogAction, ModerationLogEntry, Report
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

OVERVIEW = "/moderation/overview/"


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("eddie", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def test_anonymous_and_reporters_cannot_see_it_editors_and_moderators_can(
    client, reporter, editor, moderator
):
    assert client.get(OVERVIEW).status_code == 302
    client.force_login(reporter)
    assert client.get(OVERVIEW).status_code == 403
    client.force_login(editor)
    html = client.get(OVERVIEW).content.decode()
    assert "Moderation overview" in html
    assert 'href="/moderation/"' not in html  # Editors see the overview, not the queue.
    client.force_login(moderator)
    assert 'href="/moderation/"' in client.get(OVERVIEW).content.decode()


def test_median_and_95th_percentile_wait_for_a_first_decision(moderator_client, now):
    for minutes in [*range(1, 11), 100]:
        make_comment(
            posted_at=now - timedelta(hours=3),
            first_decided_at=now - timedelta(hours=3) + timedelta(minutes=minutes),
        )
    make_comment(posted_at=now - timedelta(days=40), first_decided_at=now - timedelta(days=39))
    html = moderator_client.get(OVERVIEW).content.decode()
    assert "<dd>6 min</dd>" in html
    assert "<dd>1 h 40 min</dd>" in html
    assert "<dd>11</dd>" in html


def test_charts_show_queue_rules_reasons_and_articles(moderator_client, moderator, now):
    busy = make_article(headline="Stadium vote splits the town")
    held = make_comment(article=busy, status="pending", rule="newcomer", reason="newcomer")
    ModerationLogEntry.objects.create(
        comment=held,
        article=busy,
        action=LogAction.POSTED,
        to_status="pending",
        rule="newcomer",
        logged_at=now - timedelta(days=3),
    )
    approved = make_comment(article=busy, rule="newcomer", first_decided_at=now)
    ModerationLogEntry.objects.create(
        comment=approved,
        article=busy,
        action=LogAction.POSTED,
        to_status="pending",
        rule="newcomer",
        logged_at=now - timedelta(days=2),
    )
    ModerationLogEntry.objects.create(
        comment=approved,
        article=busy,
        actor=moderator,
        action=LogAction.APPROVED,
        from_status="pending",
        to_status="published",
        logged_at=now - timedelta(days=1),
    )
    rejected = make_comment(article=busy, status="rejected", rule="suspect_term")
    ModerationLogEntry.objects.create(
        comment=rejected,
        actor=moderator,
        action=LogAction.REJECTED,
        reason="abuse",
        from_status="pending",
        to_status="rejected",
    )
    Report.objects.create(comment=make_comment(article=busy), reader_key="k", reason="spam")
    html = moderator_client.get(OVERVIEW).content.decode()
    assert html.count('<svg class="chart" role="img"') == 4
    # Two days ago three waited: the held one, the one approved yesterday and the one
    # rejected today (held before the window began).
    assert "Now 1 pending; the most in one day was 3." in html
    assert re.search(r">Newcomer</text>.*?>2 · 50% later approved</text>", html)
    assert ">Rejected: Abuse</text>" in html and ">Approved</text>" in html
    assert (
        ">Stadium vote splits the town</text>" in html
        or ">Stadium vote splits the t…</text>" in html
    )
    assert "style=" not in html.split("<main")[1]  # The CSP forbids inline styles.
    assert "<script" not in html


@override_settings(BULK_REPORTER_DAILY=3)
def test_bulk_reporters_are_listed_by_address_and_by_reader(moderator_client, moderator, now):
    targets = [make_comment() for _ in range(4)]

    def sent(reader_key, address, comments, at=now):
        for comment in comments:
            Report.objects.create(
                comment=comment,
                reader_key=reader_key,
                address=address,
                reason="spam",
                reported_at=at,
            )

    # Fresh cookies from one address, a reader moving between addresses, an account,
    # and three who stay under the line: two reports, or reports older than a day.
    for n, target in enumerate(targets):
        sent(f"reader:fresh{n}", "198.51.100.7", [target])
    for n, target in enumerate(targets[:3]):
        sent("reader:travellerxyz", f"203.0.113.{n}", [target])
    sent(f"user:{moderator.pk}", "192.0.2.50", targets[:3])
    sent("address:192.0.2.60", "192.0.2.60", targets[:2])
    sent("reader:yesterday", "192.0.2.70", targets, at=now - timedelta(days=1, minutes=1))
    html = moderator_client.get(OVERVIEW).content.decode()
    rows = re.findall(r"<tr><td>(.*?)</td><td>(\d+)</td></tr>", html)
    assert rows == [
        ("address 198.51.100.7", "4"),
        ("address 192.0.2.50", "3"),
        ("reader travelle…", "3"),
        (f"staff account {moderator.pk}", "3"),
    ]


def test_empty_overview_says_so(moderator_client):
    html = moderator_client.get(OVERVIEW).content.decode()
    assert "<dd>none yet</dd>" in html
    assert "nothing in the last 30 days" in html


def test_overview_query_count_is_fixed(moderator_client, moderator, django_assert_num_queries):
    def fill():
        article = make_article()
        comment = make_comment(article=article, status="pending", rule="links")
        Report.objects.create(comment=comment, reader_key=f"k{comment.pk}", reason="abuse")
        ModerationLogEntry.objects.create(
            comment=comment,
            article=article,
            actor=moderator,
            action=LogAction.REJECTED,
            reason="spam",
            from_status="pending",
            to_status="rejected",
        )

    fill()
    # 1 session, 2 user, 3-4 permissions, 5 queue counts, 6 waits, 7 queue moves,
    # 8 per rule, 9 per reason, 10 held per article, 11 reports per article, 12 headlines,
    # 13-14 bulk reporters by address and by reader, 15 nav
    with django_assert_num_queries(15):
        moderator_client.get(OVERVIEW)
    for _ in range(5):
        fill()
    with django_assert_num_queries(15):
        assert moderator_client.get(OVERVIEW).status_code == 200
