"""articles/workflow.py: every move, every refusal, the publish checks and scheduling."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from articles import workflow
from articles.models import Article, EditorialEvent
from tests.factories import make_article, make_draft, make_staff

pytestmark = pytest.mark.django_db
State = Article.Status


def story(status, **overrides):
    """A story that passes every publish check, in the given state."""
    if status in (State.SCHEDULED, State.PUBLISHED):
        overrides.setdefault("published_at", timezone.now() - timedelta(hours=1))
    return make_draft(status=status, **overrides)


def last_event(article):
    return EditorialEvent.objects.filter(article=article).first()


@pytest.mark.parametrize(
    ("move", "start", "end", "kwargs"),
    [
        ("submit", State.DRAFT, State.IN_REVIEW, {}),
        ("return", State.IN_REVIEW, State.DRAFT, {"note": "Needs a source"}),
        ("approve", State.IN_REVIEW, State.APPROVED, {}),
        ("publish", State.APPROVED, State.PUBLISHED, {}),
        ("publish", State.UNPUBLISHED, State.PUBLISHED, {}),
        ("unpublish", State.PUBLISHED, State.UNPUBLISHED, {}),
        ("unpublish", State.SCHEDULED, State.UNPUBLISHED, {}),
        ("kill", State.PUBLISHED, State.KILLED, {"note": "Legal"}),
        ("kill", State.IN_REVIEW, State.KILLED, {"note": "Legal"}),
        ("kill", State.APPROVED, State.KILLED, {"note": "Legal"}),
        ("kill", State.SCHEDULED, State.KILLED, {"note": "Legal"}),
        ("kill", State.UNPUBLISHED, State.KILLED, {"note": "Legal"}),
    ],
)
def test_editor_moves_story_and_the_log_records_it(editor, move, start, end, kwargs):
    article = story(start)
    event = workflow.move(article, by=editor, action=move, **kwargs)
    article.refresh_from_db()
    assert article.status == end
    assert last_event(article) == event
    assert (event.actor, event.from_state, event.to_state) == (editor, start, end)
    assert event.note == next(iter(kwargs.values()), "")


def test_schedule_sets_the_time_and_the_log_records_it(editor, tomorrow):
    article = story(State.APPROVED)
    event = workflow.move(article, by=editor, action="schedule", at=tomorrow)
    article.refresh_from_db()
    assert (article.status, article.published_at) == (State.SCHEDULED, tomorrow)
    assert (event.action, event.from_state, event.to_state) == ("schedule", "approved", "scheduled")


def test_publish_stamps_first_publication_once(editor):
    article = story(State.APPROVED)
    workflow.move(article, by=editor, action="publish")
    first = Article.objects.get(pk=article.pk).first_published_at
    assert first is not None
    workflow.move(article, by=editor, action="unpublish")
    workflow.move(article, by=editor, action="publish")
    assert Article.objects.get(pk=article.pk).first_published_at == first


def test_publish_now_on_a_story_scheduled_for_tomorrow_publishes_it_now(editor, tomorrow):
    article = story(State.SCHEDULED, published_at=tomorrow)
    workflow.move(article, by=editor, action="publish")
    article.refresh_from_db()
    assert article.status == State.PUBLISHED
    assert article.published_at <= timezone.now()
    assert article.is_live


@pytest.mark.parametrize(
    ("move", "states"),
    [
        ("submit", [State.IN_REVIEW, State.APPROVED, State.PUBLISHED, State.KILLED]),
        ("approve", [State.DRAFT, State.APPROVED, State.PUBLISHED, State.KILLED]),
        ("publish", [State.DRAFT, State.IN_REVIEW, State.PUBLISHED, State.KILLED]),
        ("unpublish", [State.DRAFT, State.IN_REVIEW, State.APPROVED, State.KILLED]),
    ],
)
def test_move_from_the_wrong_state_is_refused_and_changes_nothing(editor, move, states):
    for status in states:
        article = story(status)
        with pytest.raises(workflow.TransitionRefused, match=r"Cannot .*: it is "):
            workflow.move(article, by=editor, action=move)
        assert Article.objects.get(pk=article.pk).status == status
        assert not EditorialEvent.objects.filter(article=article).exists()


def test_return_needs_a_note_and_kill_needs_a_reason(editor):
    in_review = story(State.IN_REVIEW)
    with pytest.raises(workflow.TransitionRefused, match="a note for the reporter"):
        workflow.move(in_review, by=editor, action="return", note="  ")
    live = story(State.PUBLISHED)
    with pytest.raises(workflow.TransitionRefused, match="give a reason"):
        workflow.move(live, by=editor, action="kill", note="")
    assert Article.objects.get(pk=in_review.pk).status == State.IN_REVIEW
    assert Article.objects.get(pk=live.pk).status == State.PUBLISHED
    assert not EditorialEvent.objects.exists()


def test_a_draft_cannot_be_killed(editor):
    draft = story(State.DRAFT)
    with pytest.raises(workflow.TransitionRefused, match="it is draft"):
        workflow.move(draft, by=editor, action="kill", note="Wrong")


def test_killed_is_final(editor):
    article = story(State.PUBLISHED)
    workflow.move(article, by=editor, action="kill", note="Legal")
    for move in ["publish", "unpublish", "submit", "approve"]:
        with pytest.raises(workflow.TransitionRefused):
            workflow.move(article, by=editor, action=move)
    assert Article.objects.get(pk=article.pk).status == State.KILLED


def test_scheduling_in_the_past_is_refused_pointing_to_publish_now(editor, yesterday):
    article = story(State.APPROVED)
    with pytest.raises(workflow.TransitionRefused, match="Publish now"):
        workflow.move(article, by=editor, action="schedule", at=yesterday)
    assert Article.objects.get(pk=article.pk).status == State.APPROVED


def test_move_is_decided_on_the_saved_state_not_a_stale_copy(editor):
    article = story(State.IN_REVIEW)
    stale = Article.objects.get(pk=article.pk)
    workflow.move(article, by=editor, action="approve")
    with pytest.raises(workflow.TransitionRefused, match="it is approved"):
        workflow.move(stale, by=editor, action="approve")
    assert EditorialEvent.objects.filter(article=article).count() == 1


# Publish checks


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"headline": "  "}, "headline"),
        ({"dek": ""}, "dek"),
        ({"section": None}, "section"),
        ({"authors": []}, "a byline"),
        ({"sources": 0}, "a source with a URL"),
        ({"body": "\n"}, "body text"),
        ({"lead_image": "lead/x.png", "lead_image_alt": ""}, "alt text for the lead image"),
        ({"lead_image": "lead/x.png", "lead_image_credit": ""}, "credit for the lead image"),
    ],
)
@pytest.mark.parametrize("move", ["approve", "publish", "schedule"])
def test_publish_checks_refuse_with_what_is_missing(
    editor, tomorrow, lead_image, overrides, missing, move
):
    image = {"lead_image_alt": "A bus", "lead_image_credit": "Photo: Ann"}
    if "lead_image" in overrides:
        overrides = {**overrides, "lead_image": lead_image}
    start = State.IN_REVIEW if move == "approve" else State.APPROVED
    article = story(start, **{**image, **overrides})
    extra = {"at": tomorrow} if move == "schedule" else {}
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.move(article, by=editor, action=move, **extra)
    assert refused.value.problems == [missing]
    assert f"missing {missing}." in str(refused.value)
    assert Article.objects.get(pk=article.pk).status == start


def test_source_without_url_does_not_count(editor):
    article = story(State.IN_REVIEW)
    article.sources.update(url="")
    with pytest.raises(workflow.TransitionRefused, match="a source with a URL"):
        workflow.move(article, by=editor, action="approve")


def test_every_failing_check_is_listed_at_once(editor):
    article = story(State.IN_REVIEW, dek="", section=None, authors=[], sources=0)
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.move(article, by=editor, action="approve")
    assert refused.value.problems == ["dek", "section", "a byline", "a source with a URL"]


def test_lead_image_with_alt_and_credit_passes(editor, lead_image):
    article = story(
        State.IN_REVIEW, lead_image=lead_image, lead_image_alt="A bus", lead_image_credit="Ann"
    )
    workflow.move(article, by=editor, action="approve")
    assert Article.objects.get(pk=article.pk).status == State.APPROVED


# Scheduling


def test_scheduled_story_appears_at_its_time_without_any_command(client, editor):
    article = story(State.APPROVED)
    # Warm up: the first request pays for loading templates, which must not eat the second.
    assert client.get(article.get_absolute_url()).status_code == 404
    at = timezone.now().replace(microsecond=0) + timedelta(seconds=3)
    workflow.move(article, by=editor, action="schedule", at=at)
    while timezone.now() < at - timedelta(seconds=1):
        time.sleep(0.05)
    before = client.get(article.get_absolute_url()).status_code
    assert timezone.now() < at, "the page took over a second: the machine is too loaded"
    assert before == 404
    assert not Article.objects.published().filter(pk=article.pk).exists()
    while timezone.now() < at + timedelta(seconds=1):
        time.sleep(0.05)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert Article.objects.published().filter(pk=article.pk).exists()
    assert Article.objects.get(pk=article.pk).status == State.SCHEDULED


def test_publish_scheduled_moves_due_stories_once_and_reports_overdue(capsys, now):
    due = story(State.SCHEDULED, published_at=now - timedelta(minutes=30))
    fresh = story(State.SCHEDULED, published_at=now - timedelta(seconds=10))
    future = story(State.SCHEDULED, published_at=now + timedelta(hours=1))
    expired = story(State.PUBLISHED, unpublish_at=now - timedelta(minutes=1))
    call_command("publish_scheduled")
    out = capsys.readouterr().out
    assert f"“{due.headline}”" in out and "overdue by 30 minutes" in out
    assert f"“{fresh.headline}”" in out
    assert f"Unpublished: “{expired.headline}”" in out
    for article, status in [
        (due, State.PUBLISHED),
        (fresh, State.PUBLISHED),
        (future, State.SCHEDULED),
        (expired, State.UNPUBLISHED),
    ]:
        article.refresh_from_db()
        assert article.status == status, article
    # The scheduled time stays the publication time; the first publication is stamped.
    assert due.published_at == due.first_published_at == now - timedelta(minutes=30)
    event = last_event(due)
    assert (event.actor, event.action, event.from_state) == (None, "publish", "scheduled")

    call_command("publish_scheduled")
    assert "Nothing due." in capsys.readouterr().out
    assert EditorialEvent.objects.filter(article=due).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_scheduler_runs_at_once_publish_each_story_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is in memory; PostgreSQL shows real concurrency")
    stories = [
        story(State.SCHEDULED, published_at=timezone.now() - timedelta(minutes=1)) for _ in range(6)
    ]
    start = threading.Barrier(2)

    def run_scheduler():
        start.wait()
        try:
            workflow.publish_due()
        finally:
            connection.close()

    runs = [threading.Thread(target=run_scheduler) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert set(Article.objects.values_list("status", flat=True)) == {State.PUBLISHED}
    assert EditorialEvent.objects.filter(action="publish").count() == len(stories)


def test_assignment_is_logged(editor, tomorrow):
    article = story(State.DRAFT)
    reporter = make_staff("Reporter")
    event = workflow.assign(article=article, by=editor, assignee=reporter, due_at=tomorrow)
    article.refresh_from_db()
    assert (article.assignee, article.due_at) == (reporter, tomorrow)
    assert event.action == "assign" and reporter.username in event.note


def test_system_actor_is_shown_as_system(editor):
    article = story(State.SCHEDULED, published_at=timezone.now() - timedelta(minutes=1))
    workflow.publish_due()
    assert last_event(article).actor_name == "system"
    assert str(last_event(article)) == f"Published: {article.headline}"


def test_story_helper_passes_every_check():
    assert all(check.passed for check in workflow.publish_checklist(make_article()))
