"""Every reader page type passes axe-core at WCAG 2.1 AA and the Nu HTML Checker."""

import json
import subprocess
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from comments.moderation import FORM_MIN_AGE, issue_form_token
from tests.e2e.conftest import DESKTOP, PHONE, axe_violations, screenshot

VNU = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
READER_PAGES = [
    "home",
    "section",
    "section-older",
    "tag",
    "author",
    "article",
    "article-pictures",
    "comment-reply",
    "comment-report",
    "search",
    "search-results",
    "search-errors",
    "corrections",
    "killed",
    "not-found",
]

# Pages that answer an error on purpose: a withdrawn story is gone (410), a missing one 404.
ERROR_PAGES = {"killed": 410, "not-found": 404}


def assert_accessible(page, name):
    """axe finds nothing at desktop and phone widths; keep a screenshot of each."""
    for width, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        page.set_viewport_size(viewport)
        assert axe_violations(page) == [], f"{name} at {width} width"
        screenshot(page, f"{name}-{width}")


@pytest.mark.parametrize("name", READER_PAGES)
def test_reader_page_has_no_accessibility_violations_on_phone_or_desktop(page, reader_pages, name):
    response = page.goto(reader_pages[name])
    assert response.status == ERROR_PAGES.get(name, 200)
    assert_accessible(page, name)


def test_comment_form_showing_its_errors_is_accessible(page, reader_site):
    page.goto(reader_site.get_absolute_url())
    page.wait_for_timeout(FORM_MIN_AGE * 1000)  # A reader takes a moment; scripts do not.
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Please correct the marked fields")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("not an address")
    assert_accessible(page, "comment-form-errors")


def test_report_form_showing_its_errors_is_accessible(page, reader_pages):
    page.goto(reader_pages["comment-report"])
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("This field is required")).to_be_visible()
    assert_accessible(page, "report-form-errors")


def nu_html_errors(directory):
    """Every error the Nu HTML Checker finds in the .html files here, in one run of the JVM."""
    if not VNU.exists():
        pytest.fail(f"{VNU} is missing: `make test` installs it with npm ci.")
    files = sorted(str(path) for path in directory.glob("*.html"))
    checked = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *files],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(checked.stderr)["messages"]
    return [
        f"{message['url'].rsplit('/', 1)[-1]}:{message.get('lastLine', '?')}: {message['message']}"
        for message in messages
        if message["type"] != "info"
    ]


@pytest.mark.django_db
def test_every_reader_page_is_valid_html(client, reader_site, reader_pages, tmp_path, now):
    pages = {name: client.get(url) for name, url in reader_pages.items()}
    assert {name: response.status_code for name, response in pages.items()} == {
        name: ERROR_PAGES.get(name, 200) for name in pages
    }
    pages["comment-form-errors"] = client.post(
        reverse("comments:post", args=[reader_site.pk]),
        {
            "email": "not an address",
            "token": issue_form_token(reader_site, at=now - timedelta(minutes=1)),
        },
    )
    pages["report-form-errors"] = client.post(reader_pages["comment-report"], {})
    for name, response in pages.items():
        (tmp_path / f"{name}.html").write_bytes(response.content)
    errors = nu_html_errors(tmp_path)
    assert not errors, "\n".join(errors)
