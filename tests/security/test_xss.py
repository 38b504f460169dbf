"""Every payload of the corpus, through every field that reaches a page: nothing executable."""

import json
from io import StringIO
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from tests.xss import PAYLOADS, hostile_markup, seed_hostile_newsroom


@pytest.fixture(scope="module")
def hostile_newsroom(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seeded once per module, rolled back at its end; each test runs in a savepoint inside."""
    media_root = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=media_root),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield seed_hostile_newsroom()
        transaction.set_rollback(True)


def test_corpus_has_at_least_sixty_payloads():
    assert len(PAYLOADS) >= 60


def test_hostile_markup_finds_what_could_run():
    assert hostile_markup("<p><script>alert(1)</script></p>")
    assert hostile_markup('<a href=" java\tscript:alert(1)">x</a>')
    assert hostile_markup("<img src=x onerror=alert(1)>")
    assert hostile_markup("<svg><set attributeName=onmouseover to=alert(1)>")
    assert not hostile_markup(
        '<script src="/static/admin/js/core.js"></script><p>&lt;script&gt;alert(1)</p>'
    )


def findings_on(client, urls):
    """{url: [what could run]} for every page that is not clean."""
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if problems := hostile_markup(response.content.decode()):
            found[url] = problems
    return found


@pytest.mark.django_db
def test_no_payload_runs_on_reader_pages(client, hostile_newsroom):
    assert findings_on(client, hostile_newsroom.reader_urls()) == {}
    # The payloads did reach the pages, as text.
    article_page = client.get(hostile_newsroom.articles[0].get_absolute_url()).content.decode()
    assert article_page.count(escape(PAYLOADS[0])) >= 8


@pytest.mark.django_db
def test_no_payload_runs_on_desk_pages(admin_client, admin_user, hostile_newsroom):
    # The history pages and the desk's "recent actions" show change messages too.
    for payload in PAYLOADS[:20]:
        LogEntry.objects.log_actions(
            user_id=admin_user.pk,
            queryset=Article.objects.all(),
            action_flag=CHANGE,
            change_message=json.dumps([{"changed": {"fields": [payload]}}]),
        )
    assert findings_on(admin_client, hostile_newsroom.admin_urls()) == {}


@pytest.mark.django_db
def test_no_payload_runs_in_desk_search(admin_client, hostile_newsroom):
    changelist = reverse("admin:articles_article_changelist")
    urls = [f"{changelist}?{urlencode({'q': payload})}" for payload in PAYLOADS]
    assert findings_on(admin_client, urls) == {}


def html_in_feed(xml):
    """The HTML a feed reader renders: RSS descriptions and Atom summaries and contents."""
    root = ElementTree.fromstring(xml)
    atom = "{http://www.w3.org/2005/Atom}"
    html = [element.text or "" for element in root.iter("description")]
    for tag in ("summary", "content"):
        for element in root.iter(atom + tag):
            if element.get("type") in ("html", "xhtml"):
                html.append(element.text or "")
    return html


@pytest.mark.django_db
def test_no_payload_runs_in_a_feed_reader(client, hostile_newsroom):
    feeds = [reverse("articles:feed_rss"), reverse("articles:feed_atom")]
    for section in hostile_newsroom.sections[:3]:
        feeds.append(reverse("articles:section_feed_atom", args=[section.slug]))
    found = {}
    for url in feeds:
        response = client.get(url)
        assert response.status_code == 200, url
        for html in html_in_feed(response.content):
            if problems := hostile_markup(html):
                found.setdefault(url, []).extend(problems)
    assert found == {}


@pytest.mark.django_db
def test_no_search_query_or_result_runs(client, hostile_newsroom):
    # Searching for a payload finds its story: the query, the results and their highlighted
    # snippets all show it.
    search = reverse("articles:search")
    urls = [f"{search}?{urlencode({'q': payload})}" for payload in PAYLOADS]
    urls += [f"{search}?{urlencode({'q': word})}" for word in ("script", "alert", "img onerror")]
    assert findings_on(client, urls) == {}
    assert "<mark>" in client.get(f"{search}?q=alert").content.decode()


@pytest.mark.django_db
def test_no_payload_runs_from_an_imported_pipeline_draft(client, admin_client, tmp_path):
    for n, payload in enumerate(PAYLOADS):
        draft = {
            "title": payload,
            "dek": payload,
            "body": f"{payload}\n\nThe second paragraph, and the payload again: {payload}",
            "excerpt": payload,
            "sources": [{"title": payload, "publisher": payload, "url": "https://example.org/"}],
            "suggestedTags": [f"{payload[:80]} {n}"],
            "imagePrompt": payload,
        }
        (tmp_path / f"draft-{n}.json").write_text(json.dumps(draft), encoding="utf-8")
    call_command("import_articles", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    imported = Article.objects.filter(fingerprint__isnull=False)
    assert imported.count() == len(PAYLOADS)
    # The desk sees them in review (with the image prompt); readers once they are published.
    desk = [
        reverse("admin:articles_article_change", args=[pk])
        for pk in imported.values_list("pk", flat=True)
    ]
    assert findings_on(admin_client, desk) == {}
    imported.update(status=Article.Status.PUBLISHED, published_at=timezone.now())
    assert findings_on(client, [article.get_absolute_url() for article in imported]) == {}
