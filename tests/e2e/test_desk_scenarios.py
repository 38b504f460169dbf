"""The desk's scenarios in Chromium at 1280 px, staff logging in through the login form: the
pipeline's Karpathy draft from the article list to live in one click, a republished story
keeping its first date, and no desk button of the change form losing typed text."""

import io
from datetime import timedelta
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article, EditorialAction, EditorialEvent, PreviewLink
from tests.e2e.conftest import PASSWORD, log_in, screenshot
from tests.factories import make_author, make_draft, make_section, make_staff

State = Article.Status
KARPATHY = Path(__file__).parent.parent / "fixtures" / "pipeline" / "karpathy-joins-anthropic.txt"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def test_editor_takes_the_pipeline_draft_from_the_list_to_live_in_one_click(page, live_server):
    editor = make_staff("Editor", password=PASSWORD)
    make_section(name="AI", slug="ai")
    make_author(name="Grace Hopper", slug="grace-hopper")
    make_draft(headline="An older draft on the desk")
    # Filed as the importer files it: in review, held for want of a byline and a source.
    call_command("import_articles", str(KARPATHY), stdout=io.StringIO())
    draft = Article.objects.get(fingerprint__isnull=False)
    assert draft.status == State.IN_REVIEW

    log_in(page, editor)
    page.goto(reverse("admin:articles_article_changelist"))
    # Stories in review come first: it is the top row.
    first_row = page.locator("#result_list tbody tr").first
    expect(first_row).to_contain_text(draft.headline)
    expect(first_row).to_contain_text("In review")
    screenshot(page, "karpathy-1-article-list")
    first_row.get_by_role("link", name=draft.headline).click()

    expect(page.locator("[data-check=byline]")).to_contain_text("missing")
    expect(page.locator("[data-check=source]")).to_contain_text("missing")
    screenshot(page, "karpathy-2-held-change-form")

    page.get_by_role("button", name="Add another Byline").click()
    page.locator(".field-author .select2-selection").first.click()
    page.locator(".select2-search__field").fill("Grace")
    page.locator(".select2-results__option", has_text="Grace Hopper").click()
    page.get_by_role("button", name="Add another Source").click()
    page.locator("[name=sources-0-title]").fill("Karpathy joins Anthropic")
    page.locator("[name=sources-0-publisher]").fill("Example Wire")
    page.locator("[name=sources-0-url]").fill("https://example.org/karpathy")
    expect(page.locator("[data-check=byline]")).to_contain_text("present")
    expect(page.locator("[data-check=source]")).to_contain_text("present")
    screenshot(page, "karpathy-3-fields-filled")

    # One click: the typed rows are saved, the story approved and published.
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messagelist")).to_contain_text(f"“{draft.headline}” is now published.")
    expect(page.locator(".desk-bar__state")).to_contain_text("Published")
    screenshot(page, "karpathy-4-published")
    actions = EditorialEvent.objects.filter(article=draft).order_by("pk")
    assert list(actions.values_list("action", flat=True)) == ["submit", "approve", "publish"]

    page.goto(draft.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(draft.headline)
    expect(page.locator(".story__header .meta")).to_contain_text("By Grace Hopper")
    sources = page.locator(".sources")
    expect(sources).to_contain_text("Karpathy joins Anthropic, Example Wire")
    expect(sources.get_by_role("link", name="Karpathy joins Anthropic")).to_have_attribute(
        "href", "https://example.org/karpathy"
    )
    screenshot(page, "karpathy-5-reader-page")


def test_republished_story_keeps_its_first_publication_date(page, live_server):
    editor = make_staff("Editor", password=PASSWORD)
    first_out = (timezone.now() - timedelta(days=3)).replace(microsecond=0)
    article = make_draft(
        headline="Ferry timetable changes",
        status=State.PUBLISHED,
        published_at=first_out,
        first_published_at=first_out,
    )
    workflow.move(article, by=editor, action=EditorialAction.UNPUBLISH)
    log_in(page, editor)
    page.goto(change_url(article))
    expect(page.locator(".desk-bar__state")).to_contain_text("Unpublished")

    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messagelist")).to_contain_text("is now published")
    article.refresh_from_db()
    assert article.status == State.PUBLISHED
    assert article.published_at == article.first_published_at == first_out

    page.goto(article.get_absolute_url())
    published = page.locator(".meta__times time").first
    expect(published).to_have_attribute("datetime", first_out.isoformat())
    screenshot(page, "desk-republished-reader-page")


def type_edits(page, dek="Engineers had feared the 1890s wall would give way."):
    """Type into headline, dek and body, as a writer would; returns what was typed."""
    typed = {
        "#id_headline": "Harbour wall holds as the tide peaks",
        "#id_dek": dek,
        "#id_body": "The wall held through the night.",
    }
    for field, text in typed.items():
        page.locator(field).fill(text)
    return typed


def assert_edits_kept(page, article, typed):
    """The typed text is in the form again, and saved."""
    for field, text in typed.items():
        expect(page.locator(field)).to_have_value(text)
    article.refresh_from_db()
    assert [article.headline, article.dek, article.body] == list(typed.values())


def test_no_desk_button_of_the_change_form_loses_typed_text(page, live_server):
    editor = make_staff("Editor", password=PASSWORD)
    article = make_draft(headline="Harbour wall", status=State.IN_REVIEW)
    log_in(page, editor)
    page.goto(change_url(article))

    # Preview opens beside the form: the form keeps what was typed, unsaved.
    typed = type_edits(page)
    with page.expect_popup() as preview:
        page.get_by_role("link", name="Preview", exact=True).click()
    preview.value.close()
    for field, text in typed.items():
        expect(page.locator(field)).to_have_value(text)

    page.get_by_role("button", name="Save and create a shareable preview link").click()
    expect(page.locator(".messagelist")).to_contain_text("Preview link created")
    assert_edits_kept(page, article, typed)

    typed = type_edits(page, dek="A dek typed before revoking.")
    page.get_by_role("button", name="Save and revoke").click()
    expect(page.locator(".messagelist")).to_contain_text("Preview link revoked")
    assert_edits_kept(page, article, typed)
    assert PreviewLink.objects.get().revoked_at is not None

    # Every move from review to killed; those that ask first with their note.
    moves = [
        ("approve", None, State.APPROVED),
        ("schedule", None, State.SCHEDULED),
        ("unpublish", "Pulled until the council confirms.", State.UNPUBLISHED),
        ("publish", None, State.PUBLISHED),
        ("kill", "The council had not decided; we withdrew the story.", State.KILLED),
    ]
    for action, note, state in moves:
        typed = type_edits(page, dek=f"A dek typed before the {action} button.")
        if action == "schedule":
            later = timezone.localtime() + timedelta(days=2)
            page.locator("#id_schedule_at").fill(later.strftime("%Y-%m-%dT%H:%M"))
        if note:
            page.locator(".desk-moves__confirm summary").click()
            page.get_by_label("Note (required").fill(note)
        page.locator(f"button[name=_transition][value={action}]").click()
        expect(page.locator(".messagelist")).to_contain_text(f"is now {state.label.lower()}")
        article.refresh_from_db()
        assert article.status == state, action
        if state == State.KILLED:  # Nobody edits a killed story; its words were saved.
            assert article.dek == typed["#id_dek"]
        else:
            assert_edits_kept(page, article, typed)


def test_refused_move_keeps_the_typed_text(page, live_server):
    editor = make_staff("Editor", password=PASSWORD)
    article = make_draft(headline="Harbour wall", status=State.IN_REVIEW)
    log_in(page, editor)
    page.goto(change_url(article))
    typed = type_edits(page)
    # Kill without its reason: refused, and what was typed is still there.
    page.locator(".desk-moves__confirm summary").click()
    page.locator("button[name=_transition][value=kill]").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "To kill “Harbour wall holds as the tide peaks”, give a reason"
    )
    assert_edits_kept(page, article, typed)
    assert Article.objects.get(pk=article.pk).status == State.IN_REVIEW
