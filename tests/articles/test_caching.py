"""Anonymous readers get cached pages that are never stale; staff always get fresh ones."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from comments.moderation import FORM_MIN_AGE, decide
from tests.articles.change_form import change_form_data, change_url
from tests.factories import make_article, make_author, make_comment, make_draft, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    """A section, a reporter and one live story tagged "buses", with every page that lists it."""
    section = make_section(name="Transport", slug="transport")
    author = make_author(name="Ada Reporter", slug="ada")
    story = make_article(headline="Night buses return", section=section, authors=[author])
    story.tags.add("buses")
    pages = [
        reverse("articles:home"),
        section.get_absolute_url(),
        reverse("articles:tag", args=["buses"]),
        author.get_absolute_url(),
    ]
    return section, author, story, pages


def fetch(client, url):
    return client.get(url).content.decode()


def test_second_anonymous_request_comes_from_the_cache_without_queries(
    client, desk, django_assert_num_queries
):
    *_, story, pages = desk
    for url in [*pages, story.get_absolute_url()]:
        first = client.get(url)
        assert first["X-Cache"] == "miss", url
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second["X-Cache"] == "hit", url
        assert second.content == first.content
        assert second["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_publishing_shows_on_every_page_at_the_next_request(client, desk):
    section, author, _, pages = desk
    draft = make_draft(headline="Tram line approved", section=section, authors=[author])
    draft.tags.add("buses")
    for url in pages:
        assert "Tram line approved" not in fetch(client, url)
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    for url in [*pages, draft.get_absolute_url()]:
        assert "Tram line approved" in fetch(client, url), url


@pytest.mark.parametrize("status", [Article.Status.UNPUBLISHED, Article.Status.KILLED])
def test_taking_a_story_down_removes_it_at_the_next_request(client, desk, status):
    *_, story, pages = desk
    for url in [*pages, story.get_absolute_url()]:
        client.get(url)
    story.status = status
    story.save()
    assert client.get(story.get_absolute_url()).status_code in {404, 410}  # killed: gone
    for url in pages:
        assert "Night buses return" not in fetch(client, url), url


def test_editing_a_live_story_shows_everywhere_at_the_next_request(client, desk):
    *_, story, pages = desk
    for url in [*pages, story.get_absolute_url()]:
        client.get(url)
    story.headline = "Night buses return on Friday"
    story.save()
    for url in [*pages, story.get_absolute_url()]:
        assert "Night buses return on Friday" in fetch(client, url), url


def test_renaming_a_section_and_retagging_show_at_the_next_request(client, desk):
    section, _, story, pages = desk
    for url in pages:
        client.get(url)
    section.name = "Getting around"
    section.save()
    story.tags.add("night-life")
    assert "Getting around" in fetch(client, reverse("articles:home"))
    assert "Night buses return" in fetch(client, reverse("articles:tag", args=["night-life"]))
    story.tags.remove("buses")
    assert "Night buses return" not in fetch(client, reverse("articles:tag", args=["buses"]))


def test_scheduled_story_appears_at_its_time_without_any_write(client, desk):
    section, *_ = desk
    due_at = timezone.now() + timedelta(seconds=5)  # room for a slow first render
    make_article(
        headline="Budget announced",
        section=section,
        status=Article.Status.SCHEDULED,
        published_at=due_at,
    )
    home = reverse("articles:home")
    assert "Budget announced" not in fetch(client, home)
    assert client.get(home)["X-Cache"] == "hit"
    time.sleep(max(0, (due_at - timezone.now()).total_seconds()) + 0.1)
    assert "Budget announced" in fetch(client, home)
    # Past its moment the page is cached again, not rendered for every reader until a write.
    again = client.get(home)
    assert "Budget announced" in again.content.decode()
    assert client.get(home)["X-Cache"] == "hit"


def test_story_leaves_at_its_unpublish_time_without_any_write(client, desk):
    section, *_ = desk
    gone_at = timezone.now() + timedelta(seconds=5)  # room for a slow first render
    make_article(headline="Polls open today", section=section, unpublish_at=gone_at)
    url = section.get_absolute_url()
    assert "Polls open today" in fetch(client, url)
    time.sleep(max(0, (gone_at - timezone.now()).total_seconds()) + 0.1)
    assert "Polls open today" not in fetch(client, url)


def test_logged_in_staff_always_get_fresh_private_pages(client, desk, django_assert_num_queries):
    *_, story, _ = desk
    editor = get_user_model().objects.create_user("editor", is_staff=True)
    client.force_login(editor)
    client.get(story.get_absolute_url())
    # A write that sends no signal: only a fresh render can show it.
    Article.objects.filter(pk=story.pk).update(headline="Changed behind the cache's back")
    response = client.get(story.get_absolute_url())
    assert "Changed behind the cache" in response.content.decode()
    assert "X-Cache" not in response
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_etag_and_last_modified_give_304(client, desk):
    *_, story, _ = desk
    first = client.get(story.get_absolute_url())
    not_modified = client.get(story.get_absolute_url(), headers={"If-None-Match": first["ETag"]})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    since = client.get(
        story.get_absolute_url(), headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert since.status_code == 304


def test_old_etag_gets_the_new_page_after_an_edit(client, desk):
    *_, story, _ = desk
    etag = client.get(story.get_absolute_url())["ETag"]
    story.dek = "Routes 5 and 9 first."
    story.save()
    response = client.get(story.get_absolute_url(), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Routes 5 and 9 first." in response.content.decode()


def test_pages_that_set_a_cookie_are_never_stored(client):
    login = reverse("admin:login")
    first = client.get(login)
    assert first.cookies  # the CSRF cookie of this visitor
    client.cookies.clear()
    second = client.get(login)
    assert second.get("X-Cache") != "hit"
    assert "private" in second["Cache-Control"]


def test_cached_pages_carry_no_cookie_and_no_visitors_token(client, desk):
    *_, story, _ = desk
    client.get(story.get_absolute_url())
    client.cookies["csrftoken"] = "a" * 32
    response = client.get(story.get_absolute_url())
    assert response["X-Cache"] == "hit"
    assert not response.cookies
    assert "a" * 32 not in response.content.decode()


def test_visitor_with_a_pending_message_bypasses_the_cache(client, desk):
    *_, story, _ = desk
    client.get(story.get_absolute_url())
    client.cookies["messages"] = "anything"
    assert "X-Cache" not in client.get(story.get_absolute_url())


def test_missing_pages_are_not_cached_and_appear_once_published(client, desk):
    section, author, *_ = desk
    draft = make_draft(headline="Ferry timetable", section=section, authors=[author])
    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now()
    draft.save()
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_comment_form_on_a_cached_page_works_without_a_visitors_token(desk):
    *_, story, _ = desk
    reader = Client(enforce_csrf_checks=True)
    reader.get(story.get_absolute_url())
    cached = reader.get(story.get_absolute_url())
    html = cached.content.decode()
    assert cached["X-Cache"] == "hit" and not cached.cookies
    assert "csrfmiddlewaretoken" not in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    time.sleep(FORM_MIN_AGE)
    response = reader.post(
        reverse("comments:post", args=[story.pk]),
        {
            "name": "Ada",
            "email": "ada@example.org",
            "body": "Good news for nurses.",
            "token": token,
        },
    )
    assert response.status_code == 302
    assert Comment.objects.filter(article=story, body="Good news for nurses.").exists()


def test_staff_pages_carry_a_csrf_token(client, desk, django_user_model):
    *_, story, _ = desk
    client.force_login(django_user_model.objects.create_user("moira", is_staff=True))
    assert "csrfmiddlewaretoken" in fetch(client, story.get_absolute_url())


def test_approving_and_removing_a_comment_show_at_the_next_request(client, desk, django_user_model):
    *_, story, _ = desk
    moderator = django_user_model.objects.create_user("moira", is_staff=True)
    held = make_comment(article=story, body="Waiting for a moderator.", status="pending")
    assert "Waiting for a moderator." not in fetch(client, story.get_absolute_url())
    decide(comment=held, by=moderator, action="approve", revision=held.revision)
    assert "Waiting for a moderator." in fetch(client, story.get_absolute_url())
    held.refresh_from_db()
    decide(comment=held, by=moderator, action="remove", revision=held.revision)
    assert "Waiting for a moderator." not in fetch(client, story.get_absolute_url())


@pytest.mark.django_db(transaction=True)
def test_an_admin_save_touching_many_rows_bumps_its_keys_once_when_it_commits(admin_client):
    story = make_article(headline="Night buses return", sources=3)
    reader = Client()
    reader.get(story.get_absolute_url())
    data = change_form_data(admin_client, story, headline="Night buses return on Friday")
    for key in [key for key in data if re.fullmatch(r"sources-\d-title", key)]:
        data[key] += " (updated)"
    data["tags"] = "buses, night-life, transport"
    clock = caches["freshness"].get("clock")
    assert admin_client.post(change_url(story), data).status_code == 302
    # Article, sources, tags and the revision: one bump, when the save commits.
    assert caches["freshness"].get("clock") == clock + 1
    assert "Night buses return on Friday" in fetch(reader, story.get_absolute_url())
