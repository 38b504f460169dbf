"""A newsroom's day in a real browser: readers comment and report, moderators decide,
a pipeline draft goes from the importer through the desk to the front page at its time.

Each person has their own browser context (their own cookies and session) and logs in
through the real login form.
"""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, ModerationMode
from articles.roles import EDITOR, MODERATOR, REPORTER
from comments.moderation import FORM_MIN_AGE, HELD_MESSAGE
from tests.e2e.conftest import PASSWORD, log_in
from tests.factories import make_article, make_author, make_comment, make_section, make_staff

PIPELINE_DRAFT = (
    Path(__file__).parent.parent / "fixtures" / "pipeline" / "karpathy-joins-anthropic.txt"
)


@pytest.fixture
def person(browser, live_server):
    """Open a browser of one's own: person() for a reader, person(user) for staff, logged in."""
    contexts = []

    def open_browser(user=None, address=None):
        # An address of its own as our TLS proxy would pass it on (see behind_our_proxy).
        headers = {"X-Forwarded-For": address} if address else {}
        context = browser.new_context(base_url=live_server.url, extra_http_headers=headers)
        contexts.append(context)
        page = context.new_page()
        if user is not None:
            log_in(page, user)
        return page

    yield open_browser
    for context in contexts:
        context.close()


@pytest.fixture
def staff():
    """Staff in one of the newsroom's role groups, with the password log_in() types."""
    return lambda role, username: make_staff(role, username=username, password=PASSWORD)


def post_comment(page, *, name, email, body):
    page.wait_for_timeout(FORM_MIN_AGE * 1000)  # A reader takes a moment; scripts do not.
    page.get_by_label("Name shown with your comment").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your comment (plain text").fill(body)
    page.get_by_role("button", name="Post comment").click()


def test_reader_comment_is_held_until_a_moderator_approves_it(person, staff):
    moderator = staff(MODERATOR, "moira")
    section = make_section(name="City", moderation_mode=ModerationMode.PRE)
    article = make_article(headline="Night buses start in March", section=section)
    body = "Finally a way home after the late shift."

    reader = person()
    reader.goto("/")
    reader.get_by_role("link", name="Night buses start in March").first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Night buses start in March")
    post_comment(reader, name="Sam Nightshift", email="sam@example.org", body=body)
    expect(reader.get_by_text(HELD_MESSAGE)).to_be_visible()
    # Only their own copy, marked, beside the form: not in the thread.
    expect(reader.locator(".comment-list", has_text=body)).to_have_count(1)
    expect(reader.locator(".comment--held", has_text=body)).to_contain_text("Awaiting review")

    desk = person(moderator)
    desk.goto("/moderation/")
    card = desk.locator(".queue-cards > li", has_text=body)
    expect(card).to_contain_text("Sam Nightshift")
    card.get_by_role("button", name="Approve").click()
    expect(desk.locator(".queue-cards > li", has_text=body)).to_have_count(0)

    reader.goto(article.get_absolute_url())
    expect(reader.locator("#comments")).to_contain_text(body)
    expect(reader.locator("#comments")).to_contain_text("Sam Nightshift")


@pytest.fixture
def behind_our_proxy(settings):
    """Readers at their own addresses: the browser always connects from 127.0.0.1, so the
    site trusts X-Forwarded-For as it does behind our TLS proxy (BEHIND_TLS_PROXY)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_three_reader_reports_take_a_comment_down_into_the_queue(person, staff, behind_our_proxy):
    moderator = staff(MODERATOR, "moira")
    article = make_article(headline="Library hours cut")
    make_comment(article=article, name="Troll", body="Everyone who reads here is an idiot.")

    for n in range(3):  # Reporters count once per address.
        reader = person(address=f"203.0.113.{n + 1}")
        reader.goto(article.get_absolute_url())
        expect(reader.locator("#comments")).to_contain_text("is an idiot")
        reader.locator("#comments").get_by_role("link", name="Report").click()
        reader.get_by_label("Abuse").check()
        reader.get_by_role("button", name="Send the report").click()
        expect(reader.get_by_text("the moderators will look at this comment")).to_be_visible()

    expect(reader.locator("#comments")).not_to_contain_text("is an idiot")  # After the third.
    reader.reload()
    expect(reader.locator("#comments")).not_to_contain_text("is an idiot")

    desk = person(moderator)
    desk.goto("/moderation/")
    card = desk.locator(".queue-cards > li", has_text="is an idiot")
    expect(card).to_contain_text("3 readers reported it")


def test_pipeline_draft_goes_through_the_desk_and_appears_at_its_time(person, staff):
    reporter, editor = staff(REPORTER, "rita"), staff(EDITOR, "eddie")
    make_author(name="Rita Reporter", slug="rita", user=reporter)
    make_section(name="Technology", slug="technology")
    make_article(headline="Yesterday's lead story")

    # The reporter files the pipeline's draft under her byline; it arrives in review.
    call_command("import_articles", str(PIPELINE_DRAFT), "--byline", "rita", stdout=io.StringIO())
    draft = Article.objects.get(fingerprint__isnull=False)
    headline = draft.headline
    change_url = f"/admin/articles/article/{draft.pk}/change/"

    # Its suggested section does not exist here and it has no sources: back to the reporter.
    editor_page = person(editor)
    editor_page.goto(change_url)
    expect(editor_page.locator("[data-check=section]")).to_contain_text("missing")
    expect(editor_page.locator("[data-check=source]")).to_contain_text("missing")
    editor_page.locator(".desk-moves__confirm summary").click()  # Return asks for its note.
    editor_page.get_by_label("Note (required to return").fill(
        "Needs a section and the source it is based on."
    )
    editor_page.get_by_role("button", name="Return to reporter").click()
    expect(editor_page.get_by_text("is now draft")).to_be_visible()

    # The reporter fixes it in the change form and submits it.
    reporter_page = person(reporter)
    reporter_page.goto(change_url)
    reporter_page.locator(".field-section .select2-selection").click()
    reporter_page.locator(".select2-search__field").fill("Tech")
    reporter_page.locator(".select2-results__option", has_text="Technology").click()
    reporter_page.get_by_role("button", name="Add another Source").click()
    reporter_page.locator("[name=sources-0-title]").fill("Karpathy's announcement")
    reporter_page.locator("[name=sources-0-url]").fill("https://example.org/karpathy")
    reporter_page.get_by_role("button", name="Submit for review").click()
    expect(reporter_page.get_by_text("is now in review")).to_be_visible()

    # The editor approves it and schedules it a few seconds ahead.
    editor_page.goto(change_url)
    expect(editor_page.locator(".desk-check--fail")).to_have_count(0)
    editor_page.get_by_role("button", name="Approve").click()
    expect(editor_page.get_by_text("is now approved")).to_be_visible()
    goes_live = (timezone.now() + timedelta(seconds=8)).replace(microsecond=0)
    local = timezone.localtime(goes_live).strftime("%Y-%m-%dT%H:%M:%S")
    editor_page.locator("#id_schedule_at").fill(local)
    editor_page.locator("[data-schedule-button]").click()
    expect(editor_page.get_by_text("is now scheduled")).to_be_visible()

    # Readers see nothing before its time, and the story on the front page after it.
    reader = person()
    assert reader.goto(draft.get_absolute_url()).status == 404
    wait = (goes_live - timezone.now()).total_seconds() + 0.5
    reader.wait_for_timeout(max(wait, 0) * 1000)
    reader.goto("/")
    reader.get_by_role("link", name=headline).first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(headline)
    expect(reader.locator(".sources")).to_contain_text("Karpathy's announcement")
