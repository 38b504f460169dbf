"""The desk's change form in Chromium: the publish checklist follows the editor as they type,
the schedule button names its time, and the server agrees with the checklist."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.conftest import PASSWORD, axe_violations, log_in
from tests.factories import make_draft, make_staff

PASSING = re.compile(r"\bdesk-check--pass\b")
FAILING = re.compile(r"\bdesk-check--fail\b")


def test_publish_checklist_follows_the_editors_typing(page, live_server):
    editor = make_staff("Editor", password=PASSWORD)
    article = make_draft(status=Article.Status.APPROVED, dek="", headline="Harbour wall holds")
    log_in(page, editor)
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    check = {key: page.locator(f'[data-check="{key}"]') for key in ["headline", "dek", "byline"]}

    expect(check["dek"]).to_have_class(FAILING)
    page.locator("#id_dek").fill("Engineers had warned it might give way.")
    expect(check["dek"]).to_have_class(PASSING)
    expect(check["dek"]).to_contain_text("present")

    page.locator("#id_headline").fill("")
    expect(check["headline"]).to_have_class(FAILING)
    page.locator("#id_headline").fill("Harbour wall holds")
    expect(check["headline"]).to_have_class(PASSING)

    expect(check["byline"]).to_have_class(PASSING)
    page.locator("#id_bylines-0-DELETE").check()
    expect(check["byline"]).to_have_class(FAILING)

    schedule = page.locator("[data-schedule-button]")
    page.locator("#id_schedule_at").fill("2030-01-02T03:04")
    expect(schedule).to_have_text("Schedule for 2030-01-02 03:04 UTC")

    # The server runs the same checks: the edits are saved, the story is not published.
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Cannot publish “Harbour wall holds”: missing a byline."
    )
    article.refresh_from_db()
    assert article.status == Article.Status.APPROVED
    assert article.dek == "Engineers had warned it might give way."
    assert not article.bylines.exists()


def test_desk_and_calendar_pages_have_no_accessibility_violations(page, live_server):
    editor = make_staff("Editor", password=PASSWORD)
    soon = timezone.now() + timedelta(hours=2)
    make_draft(status=Article.Status.IN_REVIEW, due_at=soon, assignee=editor)
    make_draft(status=Article.Status.SCHEDULED, published_at=soon)
    make_draft(status=Article.Status.SCHEDULED, published_at=timezone.now() - timedelta(hours=1))
    log_in(page, editor)
    for name in ["desk:index", "desk:calendar"]:
        page.goto(reverse(name))
        expect(page.locator("#content-main")).to_contain_text("Scheduled")
        assert axe_violations(page) == [], name
