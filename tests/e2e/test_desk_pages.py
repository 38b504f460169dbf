"""Every desk page in Chromium at 1280 and 390 px: a screenshot of each into the artefacts,
and axe-core (WCAG 2.1 AA) on each, the change form of a full story included."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles import previews, revisions, workflow
from articles.models import Article, Desk, EditorialAction
from tests.e2e.conftest import PASSWORD, log_in
from tests.e2e.test_my_desk import both_widths
from tests.factories import make_author, make_draft, make_section, make_staff

State = Article.Status


def test_every_desk_page_reads_at_both_widths_without_accessibility_violations(page, live_server):
    editor = make_staff("Editor", password=PASSWORD)
    politics = make_section(name="Politics")
    soon = timezone.now() + timedelta(hours=3)
    story = make_draft(
        headline="Council approves the harbour wall repair after a decade of delays",
        dek="Work starts in March; the ferry moves to the north quay.",
        section=politics,
        status=State.IN_REVIEW,
        authors=[make_author(name="Ada Reporter"), make_author(name="Grace Hopper")],
        sources=2,
        tags=["harbour", "council"],
        assignee=editor,
        due_at=soon,
    )
    revisions.record(story, editor)
    story.dek = "Work starts in March; the ferry moves to the north quay for a year."
    story.save()
    revisions.record(story, editor)
    previews.create_link(story, by=editor)
    make_draft(headline="Night buses return", section=politics, status=State.APPROVED)
    make_draft(headline="Budget day", status=State.SCHEDULED, published_at=soon)
    make_draft(
        headline="Library opens on Sundays",
        status=State.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=2),
    )
    returned = make_draft(headline="Tram depot becomes a theatre", status=State.IN_REVIEW)
    workflow.move(returned, by=editor, action=EditorialAction.RETURN, note="Call the operator.")

    log_in(page, editor)
    pages = {
        "desk-change-form": reverse("admin:articles_article_change", args=[story.pk]),
        "desk-list": reverse("admin:articles_article_changelist"),
        "desk-mine": reverse("desk:my_stories"),
        "desk-queue": reverse("desk:index"),
        "desk-week": reverse("desk:calendar"),
        "desk-history": reverse("desk:revisions", args=[story.pk]),
        "desk-compare": reverse("desk:compare", args=[story.pk]) + "?from=1&to=2",
        "desk-restore": reverse("desk:restore", args=[story.pk, 1]),
        "desk-preview-links": reverse("admin:articles_previewlink_changelist"),
        "desk-preview": reverse("articles:preview", args=[story.pk]),
    }
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, name
        expect(page.get_by_text(story.headline).first).to_be_visible()
        both_widths(page, name)


def test_story_on_another_desk_page_reads_at_both_widths(page, live_server):
    city = make_staff("Editor", password=PASSWORD)
    Desk.objects.create(name="City").editors.add(city)
    sport = Desk.objects.create(name="Sport")
    football = make_section(name="Football")
    sport.sections.add(football)
    story = make_draft(headline="Cup final moves to Saturday", section=football)
    log_in(page, city)
    response = page.goto(reverse("admin:articles_article_change", args=[story.pk]))
    assert response.status == 403
    expect(page.locator("#content")).to_contain_text("Sport")
    both_widths(page, "desk-another-desk")
