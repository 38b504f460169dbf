"""My stories (articles/desk/mine.py): a staff member's own shelves, a reporter's landing page,
and the mail settings beside it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import workflow
from articles.models import Article, Desk, EditorialAction, NotificationOptOut
from tests.factories import make_draft, make_section, make_staff

pytestmark = pytest.mark.django_db
State = Article.Status
Action = EditorialAction
MY_STORIES = reverse("desk:my_stories")
MAIL = reverse("desk:notifications")


def reporters_story(reporter, **overrides):
    overrides.setdefault("authors", [reporter.author])
    return make_draft(created_by=reporter, **overrides)


def shelf(page, key):
    """The HTML of one shelf of the page."""
    start = page.index(f'my-stories__{key}"')
    return page[start : page.index("</section>", start)]


def test_reporter_lands_on_my_stories_after_logging_in(client, reporter, editor):
    client.force_login(reporter)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url == MY_STORIES
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 200


def test_reporter_sees_returned_story_with_the_editors_note(client, reporter, editor):
    returned = reporters_story(reporter, headline="Night buses return", status=State.IN_REVIEW)
    workflow.move(returned, by=editor, action=Action.RETURN, note="Needs a second source.")
    reporters_story(reporter, headline="A plain draft")
    client.force_login(reporter)

    page = client.get(MY_STORIES).content.decode()

    assert "Night buses return" in shelf(page, "returned")
    assert "Needs a second source." in shelf(page, "returned")
    assert editor.username in shelf(page, "returned")
    assert "A plain draft" in shelf(page, "drafts")
    assert "Night buses return" not in shelf(page, "drafts")
    assert "my-stories__waiting" not in page  # Reporters have no editor's shelf.


def test_a_returned_story_submitted_again_leaves_the_returned_shelf(client, reporter, editor):
    article = reporters_story(reporter, headline="Back again", status=State.IN_REVIEW)
    workflow.move(article, by=editor, action=Action.RETURN, note="Fix the dek.")
    workflow.move(article, by=reporter, action=Action.SUBMIT)
    client.force_login(reporter)
    page = client.get(MY_STORIES).content.decode()
    assert "Back again" in shelf(page, "in_review")
    assert "Back again" not in shelf(page, "returned")


def test_assigned_due_today_and_recently_published_shelves(client, reporter, editor, now):
    other = make_staff("Reporter", byline=True)
    assigned = reporters_story(other, headline="Given to me", due_at=now + timedelta(minutes=5))
    workflow.assign(article=assigned, by=editor, assignee=reporter, due_at=assigned.due_at)
    reporters_story(
        reporter,
        headline="Went live",
        status=State.PUBLISHED,
        published_at=now - timedelta(days=1),
    )
    reporters_story(
        reporter,
        headline="Went live long ago",
        status=State.PUBLISHED,
        published_at=now - timedelta(days=30),
    )
    reporters_story(other, headline="Not mine at all")
    client.force_login(reporter)

    page = client.get(MY_STORIES).content.decode()

    assert "Given to me" in shelf(page, "assigned")
    if timezone.localdate(assigned.due_at) == timezone.localdate(now):
        assert "Given to me" in shelf(page, "due")
    assert "Went live" in shelf(page, "published")
    assert "Went live long ago" not in page
    assert "Not mine at all" not in page


def test_editor_sees_stories_waiting_on_their_desk_first(client, reporter):
    local, sport = make_section(name="Local"), make_section(name="Sport")
    editor = make_staff("Editor")
    desk = Desk.objects.create(name="Local desk")
    desk.sections.add(local)
    desk.editors.add(editor)
    reporters_story(reporter, headline="Tram depot", section=local, status=State.IN_REVIEW)
    reporters_story(reporter, headline="Cup final", section=sport, status=State.IN_REVIEW)
    client.force_login(editor)

    page = client.get(MY_STORIES).content.decode()

    assert page.index("my-stories__waiting") < page.index("my-stories__returned")
    assert "Tram depot" in shelf(page, "waiting")
    assert "Cup final" not in page


def test_my_stories_query_count_is_fixed(client, reporter, editor, django_assert_num_queries):
    def add_stories():
        article = reporters_story(reporter, status=State.IN_REVIEW)
        workflow.move(article, by=editor, action=Action.RETURN, note="Again.")
        reporters_story(reporter, status=State.IN_REVIEW)
        reporters_story(reporter)

    add_stories()
    client.force_login(reporter)
    client.get(MY_STORIES)
    add_stories()
    add_stories()
    # 1 session, 2 user, 3-4 permissions (user's, groups'), 5 the stories with their last
    # moves, 6 bylines
    with django_assert_num_queries(6):
        assert client.get(MY_STORIES).status_code == 200


def test_moderator_has_no_stories_page(client, moderator):
    client.force_login(moderator)
    assert client.get(MY_STORIES).status_code == 403
    assert client.post(MAIL, {"kinds": []}).status_code == 403


def test_mail_settings_query_count_is_fixed(client, reporter, django_assert_num_queries):
    client.force_login(reporter)
    client.get(MAIL)
    # 1 session, 2 user, 3-4 permissions (user's, groups'), 5 the kinds turned off
    with django_assert_num_queries(5):
        assert client.get(MAIL).status_code == 200
    client.post(MAIL, {"kinds": []})  # every kind off
    with django_assert_num_queries(5):
        assert client.get(MAIL).status_code == 200


def test_reporter_turns_a_kind_of_mail_off_and_on_again(client, reporter):
    client.force_login(reporter)
    everything_but_approved = [
        kind for kind in NotificationOptOut._meta.get_field("kind").choices if kind[0] != "approved"
    ]
    response = client.post(MAIL, {"kinds": [kind for kind, _ in everything_but_approved]})
    assert response.status_code == 302
    assert list(NotificationOptOut.objects.values_list("user", "kind")) == [
        (reporter.pk, "approved")
    ]
    page = client.get(MAIL).content.decode()
    assert 'value="approved" id="id_kinds_1">' in page
    assert 'value="returned" id="id_kinds_0" checked>' in page

    client.post(MAIL, {"kinds": ["approved", "returned"]})
    assert set(NotificationOptOut.objects.values_list("kind", flat=True)) == {
        "scheduled",
        "published",
        "assigned",
        "in_review",
    }
