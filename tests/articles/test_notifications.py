"""articles/notifications.py: who hears of which move, once, and only after it commits."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from articles import notifications, workflow
from articles.models import Article, Desk, EditorialAction, Notification, NotificationOptOut
from tests.factories import make_draft, make_section, make_staff

pytestmark = pytest.mark.django_db
State = Article.Status
Kind = Notification.Kind
Action = EditorialAction


@pytest.fixture
def reporter(db):
    return make_staff("Reporter", byline=True, email="rita@example.org", first_name="Rita")


@pytest.fixture
def editor(db):
    return make_staff("Editor", email="ed@example.org", first_name="Ed", last_name="Ito")


def reporters_story(reporter, **overrides):
    return make_draft(authors=[reporter.author], created_by=reporter, **overrides)


def test_reporter_is_mailed_the_note_when_their_story_is_returned(
    reporter, editor, django_capture_on_commit_callbacks
):
    article = reporters_story(reporter, status=State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(article, by=editor, action=Action.RETURN, note="Needs a second source.")

    [message] = mail.outbox
    assert message.to == ["rita@example.org"]
    assert message.subject == f"Returned to you: “{article.headline}”"
    assert "Ed Ito returned your story to draft" in message.body
    assert "> Needs a second source." in message.body
    assert f"/admin/articles/article/{article.pk}/change/" in message.body
    assert Notification.objects.get().sent_at is not None


@pytest.mark.parametrize(
    ("start", "move", "kind", "subject"),
    [
        (State.IN_REVIEW, Action.APPROVE, Kind.APPROVED, "Approved"),
        (State.APPROVED, Action.PUBLISH, Kind.PUBLISHED, "Published"),
    ],
)
def test_reporter_is_told_when_their_story_moves_on(
    reporter, editor, django_capture_on_commit_callbacks, start, move, kind, subject
):
    article = reporters_story(reporter, status=start)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(article, by=editor, action=move)
    assert [m.subject for m in mail.outbox] == [f"{subject}: “{article.headline}”"]
    assert Notification.objects.get().kind == kind


def test_reporter_is_told_when_their_story_is_scheduled(
    reporter, editor, tomorrow, django_capture_on_commit_callbacks, settings
):
    settings.TIME_ZONE = "Europe/London"
    article = reporters_story(reporter, status=State.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(article, by=editor, action=Action.SCHEDULE, at=tomorrow)
    [message] = mail.outbox
    assert message.subject == f"Scheduled: “{article.headline}”"
    expected = timezone.localtime(tomorrow).strftime("%H:%M")
    assert "scheduled your story to go live" in message.body
    assert expected in message.body


def test_assignee_is_told_and_the_editor_assigning_is_not(
    editor, tomorrow, django_capture_on_commit_callbacks
):
    assignee = make_staff("Reporter", email="amy@example.org")
    article = make_draft()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.assign(article=article, by=editor, assignee=assignee, due_at=tomorrow)
    [message] = mail.outbox
    assert message.to == ["amy@example.org"]
    assert message.subject == f"Assigned to you: “{article.headline}”"
    assert "due " in message.body


def test_only_editors_of_the_stories_desk_are_told_it_entered_review(
    reporter, django_capture_on_commit_callbacks
):
    local, sport = make_section(name="Local"), make_section(name="Sport")
    on_local = make_staff("Editor", email="local@example.org")
    on_sport = make_staff("Editor", email="sport@example.org")
    make_staff("Editor", email="everything@example.org")
    make_staff("Moderator", email="moderator@example.org")
    Desk.objects.create(name="Local desk").sections.add(local)
    Desk.objects.get(name="Local desk").editors.add(on_local)
    sport_desk = Desk.objects.create(name="Sport desk")
    sport_desk.sections.add(sport)
    sport_desk.editors.add(on_sport)
    article = reporters_story(reporter, section=local)

    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(article, by=reporter, action=Action.SUBMIT, note="Ready when you are.")

    told = sorted(address for m in mail.outbox for address in m.to)
    assert told == ["everything@example.org", "local@example.org"]
    assert all(m.subject == f"In review on your desk: “{article.headline}”" for m in mail.outbox)
    assert "> Ready when you are." in mail.outbox[0].body


def test_a_person_who_turned_a_kind_off_is_not_mailed_it(
    reporter, editor, django_capture_on_commit_callbacks
):
    NotificationOptOut.objects.create(user=reporter, kind=Kind.APPROVED)
    article = reporters_story(reporter, status=State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(article, by=editor, action=Action.APPROVE)
        workflow.move(article, by=editor, action=Action.PUBLISH)
    assert [m.subject for m in mail.outbox] == [f"Published: “{article.headline}”"]


def test_nobody_is_mailed_about_a_move_that_rolled_back(
    reporter, editor, django_capture_on_commit_callbacks
):
    article = reporters_story(reporter, status=State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            workflow.move(article, by=editor, action=Action.APPROVE)
            raise RuntimeError("the save after the move failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_sending_again_mails_nobody_twice(reporter, editor, django_capture_on_commit_callbacks):
    article = reporters_story(reporter, status=State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        event = workflow.move(article, by=editor, action=Action.APPROVE)
    notifications.send_notifications.call(event.pk)
    assert len(mail.outbox) == 1


def test_a_mail_server_that_is_down_fails_no_move_and_the_mail_waits(
    reporter, editor, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    article = reporters_story(reporter, status=State.IN_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        event = workflow.move(article, by=editor, action=Action.RETURN, note="Check the quote.")

    article.refresh_from_db()
    assert article.status == State.DRAFT
    assert Notification.objects.get(event=event).sent_at is None  # Left for a retry.

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.send_notifications.call(event.pk) == 1
    assert [m.to for m in mail.outbox] == [["rita@example.org"]]
