"""A staff member's own desk in Chromium: a reporter finds a returned story with its note on
"my stories" and in their mail, an editor reschedules from the calendar (form and drag and
drop), the body editor previews what readers get; screenshots and axe-core on each page."""

from datetime import datetime, time, timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article, EditorialAction
from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, axe_violations, log_in, screenshot
from tests.factories import make_draft, make_section, make_staff

State = Article.Status


def both_widths(page, name):
    """Screenshots at 1280 and 390 px, and axe-core at both: the page must hold at either."""
    for label, viewport in [("1280", DESKTOP), ("390", PHONE)]:
        page.set_viewport_size(viewport)
        screenshot(page, f"{name}-{label}")
        violations = axe_violations(page)
        assert violations == [], (label, violations)
    page.set_viewport_size(DESKTOP)


def test_reporter_finds_returned_story_with_its_note_and_in_their_mail(page, live_server):
    reporter = make_staff(
        "Reporter", byline=True, password=PASSWORD, email="rita@example.org", first_name="Rita"
    )
    editor = make_staff("Editor", password=PASSWORD, first_name="Ed", last_name="Ito")
    article = make_draft(
        headline="Night buses return to the harbour route",
        authors=[reporter.author],
        status=State.IN_REVIEW,
        created_by=reporter,
    )
    make_draft(headline="Library opens on Sundays", authors=[reporter.author], created_by=reporter)
    workflow.move(
        article, by=editor, action=EditorialAction.RETURN, note="Needs the operator's reply."
    )

    [message] = mail.outbox
    assert message.to == ["rita@example.org"]
    assert "> Needs the operator's reply." in message.body

    log_in(page, reporter)  # Reporters land on their stories.
    expect(page).to_have_url(f"{live_server.url}{reverse('desk:my_stories')}")
    returned = page.locator(".my-stories__returned")
    expect(returned).to_contain_text("Night buses return to the harbour route")
    expect(returned).to_contain_text("Needs the operator's reply.")
    expect(returned).to_contain_text(editor.username)
    expect(page.locator(".my-stories__drafts")).to_contain_text("Library opens on Sundays")
    both_widths(page, "desk-my-stories")

    page.get_by_role("link", name="Desk mail settings").click()
    page.get_by_label("My story is approved").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messagelist")).to_contain_text("Your mail settings are saved.")
    expect(page.get_by_label("My story is approved")).not_to_be_checked()
    both_widths(page, "desk-mail-settings")


def next_monday_at(hour):
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    return timezone.make_aware(datetime.combine(monday, time(hour, 0)))


def test_editor_reschedules_from_the_calendar_by_form_and_by_drag(page, live_server):
    editor = make_staff("Editor", password=PASSWORD)
    monday = next_monday_at(9)
    politics = make_section(name="Politics")
    budget = make_draft(
        headline="Budget day", section=politics, status=State.SCHEDULED, published_at=monday
    )
    preview = make_draft(
        headline="Budget preview", section=politics, due_at=monday, assignee=editor
    )
    make_draft(
        headline="Budget reaction",
        section=make_section(name="Business"),
        status=State.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=2),
    )
    log_in(page, editor)
    page.goto(f"{reverse('desk:calendar')}?week={monday.date()}")
    both_widths(page, "desk-calendar")

    # The quick form: Budget day goes live on Wednesday at 07:30 instead.
    entry = page.locator(f'[data-calendar-entry="scheduled-{budget.pk}"]')
    entry.get_by_text("Reschedule").click()
    wednesday = monday + timedelta(days=2)
    entry.get_by_label("New time to go live").fill(f"{wednesday.date()}T07:30")
    entry.get_by_role("button", name="Move").click()
    expect(page.locator(".messagelist")).to_contain_text("“Budget day” now goes live")
    budget.refresh_from_db()
    assert timezone.localtime(budget.published_at).strftime("%Y-%m-%d %H:%M") == (
        f"{wednesday.date()} 07:30"
    )
    day = page.locator(f'[data-calendar-day="{wednesday.date()}"]')
    expect(day).to_contain_text("Budget day")

    # Drag and drop: Budget preview is now due on Tuesday, same time of day.
    tuesday = (monday + timedelta(days=1)).date()
    page.locator(f'[data-calendar-entry="due-{preview.pk}"]').drag_to(
        page.locator(f'[data-calendar-day="{tuesday}"]')
    )
    expect(page.locator(".messagelist")).to_contain_text("“Budget preview” now is due")
    preview.refresh_from_db()
    assert timezone.localtime(preview.due_at).strftime("%Y-%m-%d %H:%M") == f"{tuesday} 09:00"
    actions = list(preview.editorial_events.values_list("action", flat=True))
    assert actions == [EditorialAction.ASSIGN]


def test_body_editor_previews_what_readers_get_under_the_csp(page, live_server):
    editor = make_staff("Editor", password=PASSWORD)
    article = make_draft(headline="Tram depot becomes a theatre", body="The depot closed.")
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, editor)
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))

    preview = page.locator("[data-body-preview]")
    expect(preview).to_contain_text("The depot closed.")
    body = page.locator("#id_body")
    body.fill("## The plan\n\nSeats for 400 people.")
    expect(preview.locator("h2")).to_have_text("The plan")
    expect(page.locator("[data-body-statistics]")).to_have_text("6 words · 1 min read")

    # The toolbar wraps the selection in Markdown.
    body.press("End")
    body.press("Shift+Home")
    page.get_by_role("button", name="Bold").click()
    expect(body).to_have_value("## The plan\n\n**Seats for 400 people.**")
    expect(preview.locator("strong")).to_have_text("Seats for 400 people.")
    screenshot(page, "desk-body-editor-1280")
    page.set_viewport_size(PHONE)
    screenshot(page, "desk-body-editor-390")
    assert refused == []


def test_article_list_reads_at_1280_px(page, live_server):
    editor = make_staff("Editor", password=PASSWORD)
    long = "Council approves the harbour wall repair after a decade of delays, floods and " * 2
    for n in range(6):
        make_draft(
            headline=f"{long} {n}",
            section=make_section(name=f"Section with a long name {n}"),
            status=State.IN_REVIEW if n % 2 else State.DRAFT,
            due_at=timezone.now() + timedelta(hours=n),
            assignee=editor,
        )
    log_in(page, editor)
    page.goto(reverse("admin:articles_article_changelist"))

    widths = page.eval_on_selector_all(
        "#result_list thead th", "cells => cells.map(cell => cell.getBoundingClientRect().width)"
    )
    headline = page.locator("#result_list thead th.column-headline").bounding_box()["width"]
    assert headline == max(widths)
    lines = page.eval_on_selector_all(
        "#result_list .field-headline a",
        "links => links.map(a => a.getBoundingClientRect().height"
        " / parseFloat(getComputedStyle(a).lineHeight))",
    )
    assert lines and max(lines) <= 3.05
    for column in ["state_badge", "section", "byline_names", "next_time", "updated"]:
        expect(page.locator(f"#result_list td.field-{column}").first).to_be_visible()
    # The table fits its column: nothing is cut off or hidden behind a sideways scroll.
    assert page.eval_on_selector(".results", "box => box.scrollWidth <= box.clientWidth")
    expect(page.locator("#result_list tbody tr").first).to_contain_text("In review")
    both_widths(page, "desk-article-list")
