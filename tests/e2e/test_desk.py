"""The desk's change form in Chromium: the publish checklist follows the editor as they type,
the schedule button names its time, and the server agrees with the checklist."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from tests.e2e.conftest import PASSWORD, axe_violations, log_in
from tests.factories import make_draft, make_image, make_staff
from tests.library.conftest import picture_bytes

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
    for name, text in [("desk:index", "Scheduled"), ("desk:calendar", "Goes live")]:
        page.goto(reverse(name))
        expect(page.locator("#content-main")).to_contain_text(text)
        assert axe_violations(page) == [], name


def test_read_only_checklist_keeps_the_servers_verdict_and_claims_nothing_absent(page, live_server):
    # A reporter's own story in review: they may read its form but no longer change it.
    reporter = make_staff("Reporter", password=PASSWORD, byline=True)
    article = make_draft(
        status=Article.Status.IN_REVIEW, created_by=reporter, authors=[reporter.author]
    )
    log_in(page, reporter)
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    expect(page.locator("#id_headline")).to_have_count(0)  # read-only
    for key in ["byline", "source", "section", "dek"]:
        expect(page.locator(f'[data-check="{key}"]')).to_have_class(PASSING)
    # No lead image: no claim that its alt text or credit is present.
    for key in ["lead_image_alt", "lead_image_credit"]:
        check = page.locator(f'[data-check="{key}"]')
        expect(check).to_contain_text("not needed: no lead image")
        expect(check).not_to_contain_text("present")


def test_checklist_takes_the_lead_images_alt_text_and_credit_from_the_library(
    page, live_server, media_root
):
    editor = make_staff("Editor", password=PASSWORD)
    described = make_image(title="Harbour wall", alt="The wall at dusk", credit="Photo: Ada")
    make_image(title="Quay undescribed", alt="", credit="")
    article = make_draft(status=Article.Status.APPROVED, lead_image=described)
    log_in(page, editor)
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    alt, credit = (page.locator(f'[data-check="lead_image_{key}"]') for key in ["alt", "credit"])

    # No override on the story: the library's words count.
    for check in [alt, credit]:
        expect(check).to_have_class(PASSING)
        expect(check).to_contain_text("present")

    # Another picture, which nobody has described yet.
    lead_image = page.locator(".select2-selection:has(#select2-id_lead_image-container)")
    lead_image.click()
    page.keyboard.type("Quay")
    page.get_by_role("option", name="Quay undescribed").click()
    for check in [alt, credit]:
        expect(check).to_have_class(FAILING)
    page.locator("#id_lead_image_alt").fill("Boats moored along the quay")
    expect(alt).to_have_class(PASSING)
    expect(credit).to_have_class(FAILING)

    # No lead image: nothing to describe, and no claim that its alt text is present.
    lead_image.locator(".select2-selection__clear").click()
    page.keyboard.press("Escape")  # select2 opens its list after a clear
    for check in [alt, credit]:
        expect(check).to_contain_text("not needed: no lead image")
        expect(check).not_to_contain_text("present")

    # The server agrees: with the described picture back, the story publishes.
    lead_image.click()
    page.keyboard.type("Harbour")
    page.get_by_role("option", name="Harbour wall").click()
    page.locator("#id_lead_image_alt").fill("")
    for check in [alt, credit]:
        expect(check).to_have_class(PASSING)
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messagelist")).not_to_contain_text("Cannot publish")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_a_picture_added_through_the_popup_counts_with_its_description(
    page, live_server, media_root
):
    """The "+" popup hands the form the new picture's title only; the checklist asks the
    library how it is described instead of calling its alt text and credit missing."""
    editor = make_staff("Editor", password=PASSWORD)
    article = make_draft(status=Article.Status.APPROVED)
    log_in(page, editor)
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    alt, credit = (page.locator(f'[data-check="lead_image_{key}"]') for key in ["alt", "credit"])

    with page.expect_popup() as opened:
        page.locator("#add_id_lead_image").click()
    popup = opened.value
    popup.locator("#id_file").set_input_files(
        files=[{"name": "quay.jpg", "mimeType": "image/jpeg", "buffer": picture_bytes()}]
    )
    popup.locator("#id_title").fill("Quay at noon")
    popup.locator("#id_alt").fill("Boats moored along the quay")
    popup.locator("#id_credit").fill("Photo: Ada Byron")
    with popup.expect_event("close"):
        popup.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("#select2-id_lead_image-container")).to_contain_text("Quay at noon")
    for check in [alt, credit]:
        expect(check).to_have_class(PASSING)
        expect(check).to_contain_text("present")
