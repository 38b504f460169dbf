"""The article list reads: the stories that need action first, state, section, byline and
times in view, sortable by state and time, and a query count that does not grow."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles import workflow
from articles.models import Article, EditorialAction
from tests.factories import make_author, make_draft, make_section

pytestmark = pytest.mark.django_db
State = Article.Status
CHANGELIST = reverse("admin:articles_article_changelist")


def headlines(page):
    return re.findall(r'<th class="field-headline"><a href="[^"]+">([^<]+)</a>', page)


def test_stories_needing_action_come_first(desk, editor, reporter, now):
    make_draft(headline="Plain draft")
    make_draft(headline="Fresh publication", status=State.PUBLISHED, published_at=now)
    make_draft(headline="Overdue draft", due_at=now - timedelta(hours=2))
    returned = make_draft(headline="Returned draft", status=State.IN_REVIEW)
    workflow.move(returned, by=editor, action=EditorialAction.RETURN, note="Needs a source.")
    make_draft(headline="Waiting in review", status=State.IN_REVIEW)
    make_draft(headline="Later plain draft")

    order = headlines(desk.get(CHANGELIST).content.decode())

    assert order[:3] == ["Waiting in review", "Returned draft", "Overdue draft"]
    assert set(order[3:]) == {"Plain draft", "Later plain draft", "Fresh publication"}


def test_list_shows_state_section_byline_and_times(desk, editor, tomorrow):
    make_draft(
        headline="Budget day",
        section=make_section(name="Politics"),
        authors=[make_author(name="Ann Byline")],
        status=State.SCHEDULED,
        published_at=tomorrow,
        assignee=editor,
    )
    page = desk.get(CHANGELIST).content.decode()
    for text in ["Budget day", "Politics", "Ann Byline", editor.username, "Goes live", "Updated"]:
        assert text in page, text
    assert date_format(timezone.localtime(tomorrow), "SHORT_DATETIME_FORMAT") in page
    assert 'class="desk-badge desk-badge--scheduled"' in page


def test_returned_story_is_labelled_returned(desk, editor):
    article = make_draft(status=State.IN_REVIEW)
    workflow.move(article, by=editor, action=EditorialAction.RETURN, note="Again.")
    assert ">Returned</span>" in desk.get(CHANGELIST).content.decode()


def test_list_sorts_by_state_in_workflow_order_and_by_update_time(desk):
    make_draft(headline="A published story", status=State.PUBLISHED, published_at=timezone.now())
    make_draft(headline="A draft")
    make_draft(headline="An approved story", status=State.APPROVED)
    state_column = 2  # The action checkbox is column 0, the headline 1.
    page = desk.get(f"{CHANGELIST}?o={state_column}").content.decode()
    assert headlines(page) == ["A draft", "An approved story", "A published story"]

    updated_column = 7
    newest_first = headlines(desk.get(f"{CHANGELIST}?o=-{updated_column}").content.decode())
    assert newest_first == ["An approved story", "A draft", "A published story"]


def test_article_list_query_count_is_fixed(desk, editor, django_assert_num_queries):
    def add_stories():
        make_draft(status=State.IN_REVIEW, assignee=editor)
        make_draft(
            status=State.PUBLISHED,
            published_at=timezone.now(),
            authors=[make_author(), make_author()],
        )

    add_stories()
    desk.get(CHANGELIST)
    add_stories()
    add_stories()
    # 1 session, 2 user, 3-4 permissions, 5 desk sections, 6-8 the filters' choices
    # (sections, authors and assignees with stories), 9-10 counts (filtered, all), 11 the
    # page's stories with their last moves, 12 bylines, 13-14 the date hierarchy
    with django_assert_num_queries(14):
        assert desk.get(CHANGELIST).status_code == 200
