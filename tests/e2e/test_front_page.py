"""An editor pins an older story as the lead, previews, publishes; a reader gets it at once."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, axe_violations, log_in, screenshot
from tests.factories import make_article, make_staff


def test_editor_pins_an_older_story_as_the_lead_and_readers_get_it(browser, live_server, page):
    now = timezone.now()
    older = make_article(headline="Harbour wall repaired", published_at=now - timedelta(days=2))
    for n in range(5):
        make_article(headline=f"Newer story {n}", published_at=now - timedelta(hours=n + 1))
    editor = make_staff("Editor", password=PASSWORD)
    reader = browser.new_context(base_url=live_server.url, viewport=DESKTOP).new_page()
    reader.goto(reverse("articles:home"))
    assert "Harbour wall repaired" not in reader.locator(".home-lead").inner_text()

    log_in(page, editor)
    page.goto(reverse("frontpage:edit"))
    page.select_option("#id_lead-0-article", str(older.pk))
    page.fill("#id_banner-text", "Storm warning for the coast tonight")
    screenshot(page, "front-page-edit-1280")
    page.get_by_role("button", name="Save and preview").click()
    assert "Harbour wall repaired" in page.locator(".home-lead").inner_text()
    reader.goto(reverse("articles:home"))
    assert "Harbour wall repaired" not in reader.locator(".home-lead").inner_text()

    page.goto(reverse("frontpage:edit"))
    page.get_by_role("button", name="Publish front page").click()
    reader.goto(reverse("articles:home"))
    assert "Harbour wall repaired" in reader.locator(".home-lead").inner_text()
    assert "Storm warning" in reader.locator(".breaking").inner_text()
    assert axe_violations(reader) == []
    screenshot(reader, "front-page-home-1280")
    reader.set_viewport_size(PHONE)
    reader.reload()
    assert reader.locator(".breaking").is_visible()
    screenshot(reader, "front-page-home-390")


def test_front_page_desk_is_accessible_and_empty_choosers_say_what_to_type(page, live_server):
    for n in range(3):
        make_article(headline=f"Story {n}")
    log_in(page, make_staff("Editor", password=PASSWORD))
    page.goto(reverse("frontpage:edit"))
    lead = page.get_by_role("combobox").first
    expect(lead).to_contain_text("Type to search published stories")
    for width, viewport in [("1280", DESKTOP), ("390", PHONE)]:
        page.set_viewport_size(viewport)
        assert axe_violations(page) == [], f"front page desk at {width} px"
        screenshot(page, f"front-page-desk-{width}")
