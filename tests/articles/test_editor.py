"""articles/editor.py: the body editor's preview is the readers' HTML, and the field stays a
textarea that works without JavaScript."""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

from articles.models import Article
from tests.articles.change_form import change_form_data, change_url
from tests.factories import make_draft

pytestmark = pytest.mark.django_db
PREVIEW = reverse("desk:body_preview")
VENDORED = settings.BASE_DIR / "static" / "vendor" / "markdown-toolbar-element"
INSTALLED = settings.BASE_DIR / "node_modules" / "@github" / "markdown-toolbar-element"


def test_preview_is_the_html_readers_get_with_word_count_and_reading_time(client, reporter):
    client.force_login(reporter)
    body = "## Night buses\n\nThe **N4** runs <script>alert(1)</script> [again](javascript:x).\n\n"
    body += "word " * 460
    article = make_draft(body=body)

    response = client.post(PREVIEW, {"body": body})

    assert response.status_code == 200
    preview = json.loads(response.content)
    assert preview["html"] == Article.objects.get(pk=article.pk).body_html
    assert "<script>" not in preview["html"] and "javascript:" not in preview["html"]
    assert "<h2>Night buses</h2>" in preview["html"]
    assert (preview["words"], preview["minutes"]) == (2 + 4 + 460, 3)


def test_preview_needs_a_desk_login_and_a_post(client, moderator, reporter):
    assert client.post(PREVIEW, {"body": "x"}).status_code == 302  # To the login page.
    client.force_login(moderator)
    assert client.post(PREVIEW, {"body": "x"}).status_code == 403
    client.force_login(reporter)
    assert client.get(PREVIEW).status_code == 405


def test_change_form_body_is_a_plain_textarea_inside_the_editor(client, editor):
    article = make_draft(body="One two three.")
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()

    assert '<textarea name="body"' in page  # The field posts as it always did.
    assert f'data-preview-url="{reverse("desk:body_preview")}"' in page
    assert "3 words · 1 min read" in page
    assert re.search(
        r'<script src="/static/vendor/markdown-toolbar-element/index\.\w+\.js" type="module">', page
    )
    # Without JavaScript, the toolbar and preview stay hidden.
    assert 'class="body-editor__toolbar" aria-label="Formatting" hidden' in page


def test_saving_through_the_editor_stores_markdown(client, editor):
    article = make_draft(body="Old words.")
    client.force_login(editor)
    data = change_form_data(client, article, body="New **words**.")
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert (article.body, article.body_html) == (
        "New **words**.",
        "<p>New <strong>words</strong>.</p>",
    )


def test_shipped_toolbar_is_the_pinned_npm_package():
    """static/vendor holds what package.json pins (`make vendor` copies it after npm ci)."""
    pinned = json.loads((settings.BASE_DIR / "package.json").read_text())["dependencies"]
    installed = json.loads((INSTALLED / "package.json").read_text())["version"]
    assert pinned["@github/markdown-toolbar-element"] == installed
    for name, shipped in [("dist/index.js", "index.js"), ("LICENSE", "LICENSE")]:
        assert (INSTALLED / name).read_bytes() == (VENDORED / shipped).read_bytes()
