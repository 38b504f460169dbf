"""The desk's calendar plans: due, scheduled and published stories by day and section, and
rescheduling from it through the workflow (articles/desk/planning.py)."""

from datetime import datetime, time, timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Desk, EditorialAction, EditorialEvent
from tests.factories import make_draft, make_section, make_staff

pytestmark = pytest.mark.django_db
State = Article.Status
CALENDAR = reverse("desk:calendar")


def reschedule_url(article):
    return reverse("desk:reschedule", args=[article.pk])


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def next_monday_at(hour):
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    return timezone.make_aware(datetime.combine(monday, time(hour, 0)))


def local_input(at):
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


def test_week_shows_due_scheduled_and_published_stories_by_section(desk):
    monday = next_monday_at(9)
    politics = make_section(name="Politics")
    make_draft(headline="Budget preview", section=politics, due_at=monday)
    make_draft(headline="Budget day", section=politics, status=State.SCHEDULED, published_at=monday)
    make_draft(
        headline="Budget reaction",
        section=make_section(name="Business"),
        status=State.PUBLISHED,
        published_at=monday + timedelta(days=1),
    )
    page = desk.get(f"{CALENDAR}?week={monday.date()}").content.decode()
    for text in ["Budget preview", "Budget day", "Budget reaction", "Politics", "Business"]:
        assert text in page, text
    assert page.count('class="desk-calendar__entry desk-calendar__published"') == 1


def test_editor_reschedules_a_scheduled_story_and_the_log_records_it(desk, editor):
    at = next_monday_at(9)
    article = make_draft(status=State.SCHEDULED, published_at=at)
    later = at + timedelta(days=2, hours=3)

    response = desk.post(reschedule_url(article), {"kind": "scheduled", "at": local_input(later)})

    assert response.status_code == 302
    assert response.url == f"{CALENDAR}?week={timezone.localdate(later).isoformat()}"
    article.refresh_from_db()
    assert (article.status, article.published_at) == (State.SCHEDULED, later)
    event = EditorialEvent.objects.filter(article=article).first()
    assert (event.action, event.actor) == (EditorialAction.SCHEDULE, editor)


def test_editor_moves_a_due_time_and_the_log_records_it(desk, editor):
    at = next_monday_at(9)
    article = make_draft(due_at=at, assignee=editor)
    response = desk.post(
        reschedule_url(article), {"kind": "due", "at": local_input(at + timedelta(days=1))}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.due_at == at + timedelta(days=1)
    assert EditorialEvent.objects.filter(article=article).first().action == EditorialAction.ASSIGN


def test_rescheduling_a_published_story_is_refused_and_changes_nothing(desk):
    published_at = timezone.now() - timedelta(hours=1)
    article = make_draft(status=State.PUBLISHED, published_at=published_at)
    response = desk.post(
        reschedule_url(article), {"kind": "scheduled", "at": local_input(next_monday_at(9))}
    )
    assert response.status_code == 302
    assert any("it is published" in message for message in messages_of(response))
    article.refresh_from_db()
    assert (article.status, article.published_at) == (State.PUBLISHED, published_at)
    assert not EditorialEvent.objects.filter(article=article).exists()


def test_rescheduling_into_the_past_is_refused(desk):
    article = make_draft(status=State.SCHEDULED, published_at=next_monday_at(9))
    yesterday = local_input(timezone.now() - timedelta(days=1))
    response = desk.post(reschedule_url(article), {"kind": "scheduled", "at": yesterday})
    assert any("pick a time in the future" in message for message in messages_of(response))
    article.refresh_from_db()
    assert article.published_at == next_monday_at(9)


def test_a_bad_time_is_named_and_changes_nothing(desk):
    article = make_draft(status=State.SCHEDULED, published_at=next_monday_at(9))
    response = desk.post(reschedule_url(article), {"kind": "scheduled", "at": "next tuesday"})
    assert response.status_code == 302
    assert any(message.startswith("New time:") for message in messages_of(response))


def test_reporter_cannot_reschedule(client, reporter):
    article = make_draft(status=State.SCHEDULED, published_at=next_monday_at(9))
    client.force_login(reporter)
    response = client.post(
        reschedule_url(article), {"kind": "scheduled", "at": local_input(next_monday_at(11))}
    )
    assert response.status_code in (403, 404)
    article.refresh_from_db()
    assert article.published_at == next_monday_at(9)


def test_desk_editor_cannot_reschedule_another_desks_story(client):
    editor = make_staff("Editor")
    desk = Desk.objects.create(name="Sport desk")
    desk.sections.add(make_section(name="Sport"))
    desk.editors.add(editor)
    article = make_draft(
        section=make_section(name="Local"), status=State.SCHEDULED, published_at=next_monday_at(9)
    )
    client.force_login(editor)
    response = client.post(
        reschedule_url(article), {"kind": "scheduled", "at": local_input(next_monday_at(11))}
    )
    assert response.status_code in (403, 404)


def test_reschedule_needs_a_post(desk):
    article = make_draft(status=State.SCHEDULED, published_at=next_monday_at(9))
    assert desk.get(reschedule_url(article)).status_code == 405


def test_calendar_query_count_is_fixed(desk, django_assert_num_queries):
    monday = next_monday_at(9)
    url = f"{CALENDAR}?week={monday.date()}"

    def plan():
        section = make_section()
        make_draft(section=section, due_at=monday)
        make_draft(section=section, status=State.SCHEDULED, published_at=monday)
        make_draft(section=section, status=State.PUBLISHED, published_at=monday)

    plan()
    desk.get(url)
    plan()
    plan()
    # 1 session, 2 user, 3-4 permissions, 5 desk sections, 6 the week's stories
    with django_assert_num_queries(6):
        assert desk.get(url).status_code == 200
