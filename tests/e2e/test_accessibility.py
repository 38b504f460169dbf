"""Every reader page type passes axe-core at WCAG 2.1 AA and the Nu HTML Checker."""

import json
import subprocess

import pytest
from django.conf import settings

from tests.e2e.conftest import DESKTOP, PHONE, axe_violations, screenshot

VNU = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
READER_PAGES = ["home", "section", "section-page-2", "tag", "author", "article", "not-found"]


@pytest.mark.parametrize("name", READER_PAGES)
def test_reader_page_has_no_accessibility_violations_on_phone_or_desktop(page, reader_pages, name):
    page.goto(reader_pages[name])
    for width, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
        page.set_viewport_size(viewport)
        assert axe_violations(page) == [], f"{name} at {width} width"
        screenshot(page, f"{name}-{width}")


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
def test_every_reader_page_is_valid_html(client, reader_pages, tmp_path):
    for name, url in reader_pages.items():
        (tmp_path / f"{name}.html").write_bytes(client.get(url).content)
    assert nu_html_errors(tmp_path) == []
