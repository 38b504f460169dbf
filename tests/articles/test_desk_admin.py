"""The desk in the admin: the article list, the change form's checklist and moves, bulk
moves with their skip report, the desk and calendar pages, the audit log, kill → 410."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, EditorialEvent
from tests.articles.change_form import change_form_data, change_url
from tests.factories import make_author, make_draft, make_section, make_staff

pytestmark = pytest.mark.django_db
State = Article.Status
CHANGELIST = reverse("admin:articles_article_changelist")
DESK = reverse("desk:index")
CALENDAR = reverse("desk:calendar")
AUDIT_LOG = reverse("admin:articles_editorialevent_changelist")


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def in_state(status, **overrides):
    overrides.setdefault("published_at", timezone.now() - timedelta(hours=1))
    return make_draft(status=status, **overrides)


# The article list


def test_article_list_shows_the_desk_columns(desk, editor, tomorrow):
    author = make_author(name="Ann Byline")
    in_state(
        State.SCHEDULED,
        headline="Budget day",
        section=make_section(name="Politics"),
        authors=[author],
        published_at=tomorrow,
        assignee=editor,
        due_at=tomorrow,
    )
    page = desk.get(CHANGELIST).content.decode()
    assert 'class="desk-badge desk-badge--scheduled"' in page
    for text in ["Budget day", "Politics", "Ann Byline", editor.username, "Goes live"]:
        assert text in page, text
    assert timezone.localtime(tomorrow).strftime("%H:%M") in page


def test_scheduled_story_readers_see_is_published_in_the_list_and_its_form(desk, yesterday):
    # Readers see it from its time on; the desk says so without waiting for cron.
    article = in_state(State.SCHEDULED, published_at=yesterday)
    for url in [CHANGELIST, change_url(article)]:
        page = desk.get(url).content.decode()
        assert '<span class="desk-badge desk-badge--published">Published</span>' in page
        assert "desk-badge--scheduled" not in page


@pytest.mark.parametrize(
    "query",
    [
        "status__exact=in_review",
        "section__id__exact={section}",
        "bylines__author__id__exact={author}",
    ],
)
def test_article_list_filters(desk, query):
    section, author = make_section(), make_author()
    in_state(State.IN_REVIEW, headline="Wanted story", section=section, authors=[author])
    in_state(State.DRAFT, headline="Other story")
    response = desk.get(f"{CHANGELIST}?{query.format(section=section.pk, author=author.pk)}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Wanted story" in page and "Other story" not in page


def test_article_list_filters_by_assignee_and_due_date(desk, editor, tomorrow):
    in_state(State.DRAFT, headline="Wanted story", assignee=editor, due_at=tomorrow)
    in_state(State.DRAFT, headline="Other story")
    page = desk.get(f"{CHANGELIST}?assignee__id__exact={editor.pk}").content.decode()
    assert "Wanted story" in page and "Other story" not in page
    page = desk.get(f"{CHANGELIST}?due_at__isnull=False").content.decode()
    assert "Wanted story" in page and "Other story" not in page


def test_article_list_searches_headline_and_body(desk):
    in_state(State.DRAFT, headline="Bus fares", body="The council met on Tuesday.")
    in_state(State.DRAFT, headline="Tram fares", body="Nothing about meetings.")
    page = desk.get(f"{CHANGELIST}?q=council").content.decode()
    assert "Bus fares" in page and "Tram fares" not in page


# Bulk moves


def test_bulk_publish_moves_what_it_can_and_reports_each_skip_with_its_reason(desk):
    ready = in_state(State.APPROVED, headline="Ready story")
    no_dek = in_state(State.APPROVED, headline="No dek story", dek="")
    draft = in_state(State.DRAFT, headline="Draft story")
    response = desk.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [ready.pk, no_dek.pk, draft.pk]},
    )
    said = messages_of(response)
    assert "1 article now published." in said
    assert "Skipped: Cannot publish “No dek story”: missing dek." in said
    assert "Skipped: Cannot publish “Draft story”: it is draft" in said
    assert [
        a.status
        for a in Article.objects.filter(pk__in=[ready.pk, no_dek.pk, draft.pk]).order_by("pk")
    ] == [State.PUBLISHED, State.APPROVED, State.DRAFT]
    assert EditorialEvent.objects.get().article == ready


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("approve_selected", State.IN_REVIEW, State.APPROVED),
        ("unpublish_selected", State.PUBLISHED, State.UNPUBLISHED),
        ("submit_selected", State.DRAFT, State.IN_REVIEW),
    ],
)
def test_bulk_moves(desk, action, start, end):
    stories = [in_state(start), in_state(start)]
    response = desk.post(
        CHANGELIST, {"action": action, "_selected_action": [a.pk for a in stories]}
    )
    assert f"2 articles now {end.label.lower()}." in messages_of(response)
    assert set(Article.objects.values_list("status", flat=True)) == {end}
    assert EditorialEvent.objects.count() == 2


def test_reporter_bulk_submits_own_drafts_and_skips_someone_elses(client, reporter):
    mine = in_state(State.DRAFT, authors=[reporter.author])
    theirs = in_state(State.DRAFT, created_by=reporter, authors=[make_author()])
    theirs.created_by = None
    theirs.save()
    client.force_login(reporter)
    client.post(CHANGELIST, {"action": "submit_selected", "_selected_action": [mine.pk, theirs.pk]})
    assert Article.objects.get(pk=mine.pk).status == State.IN_REVIEW
    assert Article.objects.get(pk=theirs.pk).status == State.DRAFT


# The change form


def test_change_form_shows_the_checklist_and_unambiguous_buttons(desk):
    article = in_state(State.APPROVED, dek="", authors=[])
    page = desk.get(change_url(article)).content.decode()
    assert 'data-check="dek"' in page and "desk-check--fail" in page
    assert 'class="desk-check desk-check--pass" data-check="headline"' in page
    assert 'class="desk-check desk-check--fail" data-check="byline"' in page
    assert ">Publish now</button>" in page
    assert "Schedule for the time above (UTC)" in page
    assert 'type="datetime-local" name="schedule_at"' in page
    assert "desk/checklist" in page and "<script>" not in page.split("desk-panel")[1]


def test_published_story_offers_unpublish_and_kill_behind_their_confirmation(desk):
    # Both moves ask first; a story with no other move must still show them.
    page = desk.get(change_url(in_state(State.PUBLISHED))).content.decode()
    confirm = page.split('class="desk-moves__confirm"')[1].split("</details>")[0]
    for move in ["unpublish", "kill"]:
        assert f'name="_transition" value="{move}"' in confirm


def test_reporter_sees_only_the_submit_button(client, reporter):
    article = in_state(State.DRAFT, authors=[reporter.author])
    client.force_login(reporter)
    page = client.get(change_url(article)).content.decode()
    assert 'value="submit"' in page
    for move in ["approve", "publish", "schedule", "kill", "return", "unpublish"]:
        assert f'name="_transition" value="{move}"' not in page


def test_publish_with_failing_checks_is_refused_with_the_list_and_edits_are_kept(desk):
    article = in_state(State.APPROVED, dek="", section=None)
    data = change_form_data(desk, article, headline="Better headline", _transition="publish")
    response = desk.post(change_url(article), data, follow=True)
    said = messages_of(response)
    assert "Cannot publish “Better headline”: missing dek, section." in said
    assert "Your edits were saved; the story is still approved." in said
    article.refresh_from_db()
    assert (article.status, article.headline) == (State.APPROVED, "Better headline")


def test_editor_fixes_the_dek_and_publishes_in_one_go(desk):
    article = in_state(State.APPROVED, dek="")
    data = change_form_data(desk, article, dek="Now with a dek.", _transition="publish")
    response = desk.post(change_url(article), data, follow=True)
    assert f"“{article.headline}” is now published." in messages_of(response)
    assert Article.objects.get(pk=article.pk).status == State.PUBLISHED


def test_schedule_button_schedules_for_the_time_given_and_names_it(desk):
    article = in_state(State.APPROVED)
    at = (timezone.localtime() + timedelta(days=2)).replace(second=0, microsecond=0)
    data = change_form_data(
        desk, article, _transition="schedule", schedule_at=at.strftime("%Y-%m-%dT%H:%M")
    )
    response = desk.post(change_url(article), data, follow=True)
    article.refresh_from_db()
    assert (article.status, article.published_at) == (State.SCHEDULED, at)
    assert f"Schedule for {at.strftime('%Y-%m-%d %H:%M')} UTC" in response.content.decode()


def test_schedule_with_a_bad_time_names_the_field_and_keeps_the_story(desk):
    article = in_state(State.APPROVED)
    data = change_form_data(desk, article, _transition="schedule", schedule_at="next tuesday")
    response = desk.post(change_url(article), data, follow=True)
    assert any(m.startswith("schedule at:") for m in messages_of(response))
    assert Article.objects.get(pk=article.pk).status == State.APPROVED


def test_return_with_a_note_reaches_the_reporter(client, desk, reporter):
    article = in_state(State.IN_REVIEW, authors=[reporter.author])
    data = change_form_data(desk, article, _transition="return", workflow_note="Call the mayor")
    desk.post(change_url(article), data)
    assert Article.objects.get(pk=article.pk).status == State.DRAFT
    client.force_login(reporter)
    page = client.get(change_url(article)).content.decode()
    assert "return to reporter" in page.lower() or "returned to reporter" in page.lower()
    assert "Call the mayor" in page


def test_return_without_a_note_is_refused(desk):
    article = in_state(State.IN_REVIEW)
    data = change_form_data(desk, article, _transition="return", workflow_note="")
    response = desk.post(change_url(article), data, follow=True)
    assert any("give a note for the reporter" in m for m in messages_of(response))
    assert Article.objects.get(pk=article.pk).status == State.IN_REVIEW


def test_assignment_is_logged_and_internal_notes_stay_internal(client, desk, editor, tomorrow):
    article = in_state(State.PUBLISHED)
    data = change_form_data(
        desk,
        article,
        assignee=str(editor.pk),
        due_at_0=timezone.localtime(tomorrow).strftime("%Y-%m-%d"),
        due_at_1="10:00",
        editorial_notes="Lawyer says hold the name",
    )
    assert desk.post(change_url(article), data).status_code == 302
    event = EditorialEvent.objects.get(article=article)
    assert (event.action, event.actor) == ("assign", editor)
    assert "Lawyer says" not in client.get(article.get_absolute_url()).content.decode()


# Kill


def test_killed_story_answers_410_with_the_editors_notice(client, desk):
    article = in_state(State.PUBLISHED, headline="Wrong story")
    data = change_form_data(
        desk, article, _transition="kill", workflow_note="Withdrawn: the source retracted."
    )
    desk.post(change_url(article), data)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    page = response.content.decode()
    assert "Withdrawn: the source retracted." in page
    assert '<meta name="robots" content="noindex">' in page
    assert "The body of" not in page
    assert client.get("/article/never-was/").status_code == 404


# Desk and calendar pages


def test_desk_lists_the_queues_with_a_live_scheduled_story_as_published(desk, yesterday, tomorrow):
    in_state(State.IN_REVIEW, headline="Needs review")
    in_state(State.APPROVED, headline="Good to go")
    in_state(State.SCHEDULED, headline="Late one", published_at=yesterday)
    in_state(State.SCHEDULED, headline="Tomorrows", published_at=tomorrow)
    in_state(State.PUBLISHED, headline="Fresh out")
    in_state(State.PUBLISHED, headline="Old news", published_at=yesterday - timedelta(days=5))
    in_state(State.DRAFT, headline="Still drafting")
    page = desk.get(DESK).content.decode()
    for heading, story in [
        ("In review", "Needs review"),
        ("Approved", "Good to go"),
        ("Scheduled", "Tomorrows"),
        ("Published in the last 48 hours", "Late one"),
        ("Published in the last 48 hours", "Fresh out"),
    ]:
        assert page.index(heading) < page.index(story), story
    assert page.index("Tomorrows") < page.index("Published in the last 48 hours")
    assert "overdue" not in page
    assert "Old news" not in page and "Still drafting" not in page


def test_desk_query_count_is_fixed(desk, django_assert_num_queries):
    def add_stories():
        for status in [State.IN_REVIEW, State.APPROVED, State.SCHEDULED, State.PUBLISHED]:
            in_state(status, authors=[make_author(), make_author()], assignee=make_staff())

    add_stories()
    # session, user, 2 permissions, desk sections, every queue at once + its bylines
    with django_assert_num_queries(7):
        desk.get(DESK)
    add_stories()
    with django_assert_num_queries(7):
        desk.get(DESK)


def test_calendar_shows_due_and_scheduled_stories_by_day_and_section(desk):
    # Next week: a scheduled story of this week may already be live, and so published.
    monday = timezone.localdate() + timedelta(days=7 - timezone.localdate().weekday())
    wednesday = timezone.make_aware(
        timezone.datetime.combine(monday + timedelta(days=2), timezone.datetime.min.time())
    ) + timedelta(hours=9)
    science = make_section(name="Science")
    in_state(State.DRAFT, headline="Planned piece", section=science, due_at=wednesday)
    in_state(
        State.SCHEDULED,
        headline="Timed piece",
        section=None,
        published_at=wednesday + timedelta(hours=3),
    )
    in_state(State.KILLED, headline="Dead piece", due_at=wednesday)
    page = desk.get(f"{CALENDAR}?week={monday:%Y-%m-%d}").content.decode()
    day = page.split(f'datetime="{wednesday:%Y-%m-%d}"')[1].split("</section>")[0]
    assert "Science" in day and "Due 09:00" in day and "Planned piece" in day
    # A scheduled story past its time is live: the calendar says so without waiting for cron.
    timed = "Published" if wednesday + timedelta(hours=3) <= timezone.now() else "Goes live"
    assert "No section" in day and f"{timed} 12:00" in day and "Timed piece" in day
    assert "Dead piece" not in page
    next_week = desk.get(f"{CALENDAR}?week={monday + timedelta(days=7):%Y-%m-%d}")
    assert "Planned piece" not in next_week.content.decode()


def test_calendar_shows_a_scheduled_story_readers_see_as_published(desk):
    published_at = timezone.now() - timedelta(minutes=5)
    in_state(State.SCHEDULED, headline="Out already", published_at=published_at)
    page = desk.get(f"{CALENDAR}?week={timezone.localdate():%Y-%m-%d}").content.decode()
    entry = page.split("Out already")[0].rsplit("<li", 1)[1]
    assert "desk-calendar__published" in entry
    assert f"Published {timezone.localtime(published_at):%H:%M}" in entry


def test_calendar_with_a_bad_week_shows_this_week_and_says_so(desk):
    response = desk.get(f"{CALENDAR}?week=2026-02-31")
    assert response.status_code == 200
    assert any(m.startswith("week:") for m in messages_of(response))


def test_calendar_query_count_is_fixed(desk, django_assert_num_queries, tomorrow):
    def add_stories():
        for n in range(3):
            in_state(State.DRAFT, section=make_section(), due_at=tomorrow, assignee=make_staff())
            in_state(State.SCHEDULED, published_at=tomorrow + timedelta(hours=n))

    add_stories()
    # session, user, 2 permissions, desk sections, articles with sections
    with django_assert_num_queries(6):
        desk.get(CALENDAR)
    add_stories()
    with django_assert_num_queries(6):
        desk.get(CALENDAR)


# The audit log


def test_every_change_form_move_is_in_the_audit_log(desk, editor):
    article = in_state(State.DRAFT)
    for move, note in [
        ("submit", ""),
        ("return", "More sources"),
        ("submit", ""),
        ("approve", ""),
        ("publish", ""),
        ("unpublish", ""),
        ("kill", "Legal advice"),
    ]:
        data = change_form_data(desk, article, _transition=move, workflow_note=note)
        desk.post(change_url(article), data)
    events = list(EditorialEvent.objects.filter(article=article).order_by("pk"))
    assert [(e.action, e.from_state, e.to_state, e.note) for e in events] == [
        ("submit", "draft", "in_review", ""),
        ("return", "in_review", "draft", "More sources"),
        ("submit", "draft", "in_review", ""),
        ("approve", "in_review", "approved", ""),
        ("publish", "approved", "published", ""),
        ("unpublish", "published", "unpublished", ""),
        ("kill", "unpublished", "killed", "Legal advice"),
    ]
    assert {e.actor for e in events} == {editor}


def test_audit_log_filters_and_is_read_only(desk, editor):
    first, second = in_state(State.IN_REVIEW, headline="First"), in_state(State.APPROVED)
    workflow.move(first, by=editor, action="approve")
    workflow.move(second, by=editor, action="publish")
    page = desk.get(f"{AUDIT_LOG}?action__exact=approve").content.decode()
    assert "First" in page and second.headline not in page
    page = desk.get(f"{AUDIT_LOG}?article={second.pk}").content.decode()
    assert f'<a href="{change_url(second)}">{second.headline}</a>' in page
    assert ">First<" not in page
    assert desk.get(reverse("admin:articles_editorialevent_add")).status_code == 403
    event = EditorialEvent.objects.first()
    url = reverse("admin:articles_editorialevent_change", args=[event.pk])
    assert desk.post(url, {"note": "rewritten"}).status_code == 403


def test_audit_log_query_count_is_fixed(desk, editor, django_assert_num_queries):
    def add_events():
        for _ in range(3):
            workflow.move(in_state(State.DRAFT), by=make_staff("Editor"), action="submit")

    add_events()
    # session, user, 2 permissions, actor filter choices, 2 counts, events with actors,
    # 2 date hierarchy
    with django_assert_num_queries(10):
        desk.get(AUDIT_LOG)
    add_events()
    with django_assert_num_queries(10):
        desk.get(AUDIT_LOG)


def test_times_are_written_one_way_in_the_newsrooms_zone_on_desk_and_site(desk, client, settings):
    settings.TIME_ZONE = "Europe/London"
    at = timezone.make_aware(
        timezone.datetime(2026, 11, 20, 17, 40), timezone.get_fixed_timezone(0)
    )
    article = in_state(State.PUBLISHED, published_at=at, first_published_at=at)
    Article.objects.filter(pk=article.pk).update(modified_at=at)
    pages = {
        "list": desk.get(CHANGELIST).content.decode(),
        "form": desk.get(change_url(article)).content.decode(),
        "site": client.get(article.get_absolute_url()).content.decode(),
    }
    for name, page in pages.items():
        assert "17:40 GMT" in page, name
        assert "p.m." not in page and "5:40" not in page, name
