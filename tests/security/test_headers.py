"""Security headers on every page, and production settings that pass check --deploy."""

import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import make_article

PROJECT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader_urls():
    article = make_article(tags=["elections"])
    return [
        reverse("articles:home"),
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        reverse("articles:tag", args=["elections"]),
        article.byline_authors[0].get_absolute_url(),
        "/no-such-page/",
    ]


def policy(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


def assert_hardened(response):
    csp = policy(response)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_reader_pages_send_the_security_headers(client, reader_urls):
    for url in reader_urls:
        assert_hardened(client.get(url))


def test_desk_pages_send_the_same_strict_policy(client, admin_client):
    # The Django admin runs without inline scripts or styles (checked in Chromium).
    assert_hardened(client.get(reverse("admin:login")))
    for url in [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
    ]:
        assert_hardened(admin_client.get(url))


class _InlineCode(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style" or "style" in attributes:
            self.found.append(f"inline style on <{tag}>")
        if tag == "script" and not attributes.get("src"):
            if attributes.get("type") not in {"application/json", "application/ld+json"}:
                self.found.append("inline <script>")


def test_reader_pages_have_no_inline_script_or_style(client, reader_urls):
    for url in reader_urls:
        finder = _InlineCode()
        finder.feed(client.get(url).content.decode())
        assert finder.found == [], url


def run_manage(*args, **env_overrides):
    keep = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "HTTPS", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**keep, **env_overrides},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "ALLOWED_HOSTS": "news.example.org",
    "SECRET_KEY": "a-production-like-key-0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d",
}


def test_https_switch_passes_the_deployment_checklist():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", HTTPS="on", **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_without_https_the_deployment_checklist_fails():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode != 0
    for warning in ["security.W004", "security.W008", "security.W012", "security.W016"]:
        assert warning in result.stderr
