"""Through a real Varnish (Debian's, with deploy/varnish.vcl and xkey) in front of a live
server: every change readers must see is there at the next request, pages nothing changed
stay in Varnish (the app's own request counter says it never saw them), and no anonymous page
carries anyone's session, CSRF token or messages."""

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from articles import workflow
from articles.caching import requests_seen
from articles.models import Article
from comments.moderation import decide
from tests.factories import (
    make_article,
    make_comment,
    make_correction,
    make_draft,
    make_section,
    make_staff,
)
from tests.processes import varnish

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cdn(live_server, settings):
    """Varnish in front of the live server, purged by key on every change."""
    with varnish(urlsplit(live_server.url).port) as url:
        settings.PAGE_PURGER = "varnish-xkey"
        settings.PURGE_URLS = [f"{url}/"]
        yield url


class Reader:
    """Someone reading through Varnish, with whatever cookies they hold."""

    def __init__(self, base, cookie=""):
        self.base, self.cookie = base, cookie

    def get(self, path):
        request = urllib.request.Request(self.base + path)
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def text(self, path):
        return self.get(path)[2]

    def is_in_varnish(self, path):
        return self.get(path)[1]["X-Varnish-Cache"] == "hit"


@pytest.fixture
def newsroom():
    transport, science = make_section(name="Transport"), make_section(name="Science")
    buses = make_article(headline="Night buses return", section=transport)
    coral = make_article(headline="Coral bleaching slows", section=science)
    return transport, science, buses, coral


def warm(reader, *paths):
    for path in paths:
        reader.get(path)
        assert reader.is_in_varnish(path), path


def test_desk_changes_show_through_varnish_and_leave_other_pages_in_it(cdn, newsroom):
    transport, science, buses, coral = newsroom
    editor = make_staff("Editor")
    reader = Reader(cdn)
    home, listing, story = (
        reverse("articles:home"),
        transport.get_absolute_url(),
        buses.get_absolute_url(),
    )
    untouched = [science.get_absolute_url(), coral.get_absolute_url()]
    warm(reader, home, listing, story, *untouched)
    seen = {path: requests_seen[path] for path in untouched}

    draft = make_draft(headline="Tram line approved", section=transport, status="approved")
    workflow.publish(article=draft, by=editor)
    assert "Tram line approved" in reader.text(home)
    assert "Tram line approved" in reader.text(listing)

    buses.refresh_from_db()
    buses.headline = "Night buses return on Friday"
    buses.save()
    assert "Night buses return on Friday" in reader.text(story)
    assert "Night buses return on Friday" in reader.text(listing)

    make_correction(buses, text="An earlier version gave the wrong route number.")
    assert "the wrong route number" in reader.text(story)

    workflow.kill(article=Article.objects.get(pk=buses.pk), by=editor, reason="Legal advice.")
    status, _, _ = reader.get(story)
    assert status == 410
    assert "Night buses return" not in reader.text(home)

    for path in untouched:
        assert reader.is_in_varnish(path), path
        assert requests_seen[path] == seen[path], path  # the app never saw them again


def test_comments_and_erasure_show_through_varnish_at_the_next_request(cdn, newsroom):
    *_, buses, coral = newsroom
    moderator = make_staff()
    reader = Reader(cdn)
    held = make_comment(article=buses, body="Good news for nurses.", status="pending")
    make_comment(article=buses, name="Gone Reader", email="gone@example.org", body="Was here.")
    warm(reader, buses.get_absolute_url(), coral.get_absolute_url())
    seen = requests_seen[coral.get_absolute_url()]

    decide(comment=held, by=moderator, action="approve", revision=held.revision)
    assert "Good news for nurses." in reader.text(buses.get_absolute_url())

    call_command("erase_commenter", "gone@example.org", "--reference", "GDPR-17")
    html = reader.text(buses.get_absolute_url())
    assert "Was here." not in html and "Gone Reader" not in html

    assert reader.is_in_varnish(coral.get_absolute_url())
    assert requests_seen[coral.get_absolute_url()] == seen


def test_anonymous_pages_through_varnish_carry_nobodys_session_token_or_messages(cdn, newsroom):
    *_, buses, _ = newsroom
    path = buses.get_absolute_url()
    staff = Client()
    staff.force_login(make_staff())
    session = f"sessionid={staff.cookies['sessionid'].value}"

    _, headers, html = Reader(cdn, cookie=session).get(path)
    assert "csrfmiddlewaretoken" in html  # the signed-in page, passed to the app
    assert "private" in headers["Cache-Control"]
    assert headers["X-Varnish-Cache"] == "miss"
    _, headers, html = Reader(cdn, cookie="messages=something-for-one-visitor").get(path)
    assert headers["X-Varnish-Cache"] == "miss"

    anonymous = Reader(cdn, cookie="csrftoken=" + "a" * 32)
    for _ in ("miss", "hit"):
        _, headers, html = anonymous.get(path)
        assert "Set-Cookie" not in headers
        assert "csrfmiddlewaretoken" not in html and "a" * 32 not in html
        assert "sessionid" not in html
        assert "Surrogate-Key" not in headers and "Cache-Tag" not in headers
    assert headers["X-Varnish-Cache"] == "hit"
