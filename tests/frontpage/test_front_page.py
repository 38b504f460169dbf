"""The front page the editors arrange: places, the automatic fill, expiries, the draft and
its preview, publishing through the page cache, the audit log and who may."""

import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EditorialAction, EditorialEvent
from frontpage import publishing
from frontpage.models import Layout, Slot
from tests.factories import make_article, make_staff

pytestmark = pytest.mark.django_db

HOME = reverse("articles:home")
EDIT = reverse("frontpage:edit")
PREVIEW = reverse("frontpage:preview")


def headlines(html, section):
    """The headlines of one part of the home page, in order: lead, top, latest."""
    marks = {
        "lead": ('class="home-lead"', "</div>"),
        "top": ('id="top-heading"', "</section>"),
        "latest": ('id="latest-heading"', "</section>"),
    }
    start, end = marks[section]
    if start not in html:
        return []
    part = html.split(start, 1)[1].split(end, 1)[0]
    return re.findall(r'class="teaser__headline"><a href="[^"]+">([^<]+)</a>', part)


def page(client, url=HOME):
    return client.get(url).content.decode()


def stories(count, now, **overrides):
    """`count` published stories, the first the newest."""
    return [
        make_article(headline=f"Story {n}", published_at=now - timedelta(hours=n), **overrides)
        for n in range(1, count + 1)
    ]


def form_data(layout=None, **places):
    """The editing form's POST: `places` maps lead/top/pinned to [(article, expires_at)]."""
    data = {"banner-text": "", "banner-url": "", "banner-expires_at": ""}
    for place, size in (("lead", 1), ("top", 4), ("pinned", 6)):
        chosen = places.get(place, [])
        data |= {
            f"{place}-TOTAL_FORMS": size,
            f"{place}-INITIAL_FORMS": size,
            f"{place}-MIN_NUM_FORMS": 0,
            f"{place}-MAX_NUM_FORMS": size,
        }
        for n in range(size):
            article, expires = chosen[n] if n < len(chosen) else (None, None)
            data |= {
                f"{place}-{n}-article": article.pk if article else "",
                f"{place}-{n}-expires_at": expires.strftime("%Y-%m-%dT%H:%M") if expires else "",
                f"{place}-{n}-ORDER": n + 1,
            }
    return data


def arrange(*, by, banner=None, **places):
    """Publish an arrangement through the domain module (what the form's publish does)."""
    layout = publishing.draft()
    publishing.save_draft(
        layout=layout,
        banner=banner or {"text": "", "url": "", "expires_at": None},
        slots={place: chosen for place, chosen in places.items()},
    )
    return publishing.publish(by=by)


def test_without_an_arrangement_the_home_page_is_the_automatic_order(client, now):
    story = stories(16, now)
    html = page(client)
    assert headlines(html, "lead") == ["Story 1"]
    assert headlines(html, "top") == ["Story 2", "Story 3", "Story 4", "Story 5"]
    assert headlines(html, "latest") == [s.headline for s in story[5:15]]


def test_an_older_story_leads_and_the_automatic_order_fills_the_rest_once(client, editor, now):
    story = stories(8, now)
    arrange(by=editor, lead=[(story[6], None)], top=[(story[0], None), (story[7], None)])
    html = page(client)
    assert headlines(html, "lead") == ["Story 7"]
    # Chosen top stories first in their places, then the newest not shown elsewhere.
    assert headlines(html, "top") == ["Story 1", "Story 8", "Story 2", "Story 3"]
    assert headlines(html, "latest") == ["Story 4", "Story 5", "Story 6"]


def test_pinned_stories_head_latest(client, editor, now):
    story = stories(6, now)
    arrange(by=editor, pinned=[(story[5], None), (story[4], None)])
    html = page(client)
    assert headlines(html, "latest")[:2] == ["Story 6", "Story 5"]
    shown = [h for part in ("lead", "top", "latest") for h in headlines(html, part)]
    assert sorted(shown) == sorted(s.headline for s in story)  # each once


@pytest.mark.parametrize(
    "leave",
    [
        {"status": Article.Status.UNPUBLISHED},
        {"status": Article.Status.KILLED, "kill_notice": "Legal."},
        {"unpublish_at": "past"},
    ],
)
def test_a_story_readers_cannot_see_leaves_its_place(client, editor, now, leave):
    story = stories(3, now)
    arrange(by=editor, lead=[(story[2], None)])
    assert headlines(page(client), "lead") == ["Story 3"]
    if leave.get("unpublish_at"):
        leave = {"unpublish_at": now - timedelta(minutes=1)}
    for field, value in leave.items():
        setattr(story[2], field, value)
    story[2].save()
    html = page(client)
    assert headlines(html, "lead") == ["Story 1"]
    assert "Story 3" not in html


def test_a_pin_comes_down_at_its_moment_without_a_write(client, editor, now):
    story = stories(3, now)
    comes_down = timezone.now() + timedelta(seconds=3)
    arrange(by=editor, lead=[(story[2], comes_down)])
    first = client.get(HOME)
    assert headlines(first.content.decode(), "lead") == ["Story 3"]
    assert client.get(HOME)["X-Cache"] == "hit"
    time.sleep((comes_down - timezone.now()).total_seconds() + 0.1)
    later = client.get(HOME)
    assert later["X-Cache"] == "miss"
    assert headlines(later.content.decode(), "lead") == ["Story 1"]


def test_the_home_page_is_kept_no_longer_than_its_next_expiry(client, editor, now, settings):
    settings.PAGE_PURGER = "varnish-xkey"
    story = stories(2, now)
    arrange(
        by=editor,
        top=[(story[1], now + timedelta(minutes=30))],
        banner={"text": "Storm", "url": "", "expires_at": now + timedelta(minutes=10)},
    )
    (s_maxage,) = re.findall(r"s-maxage=(\d+)", client.get(HOME)["Cache-Control"])
    assert 500 < int(s_maxage) <= 600


def test_expired_pins_and_banners_are_not_shown(client, editor, now):
    story = stories(2, now)
    layout = arrange(
        by=editor,
        lead=[(story[1], None)],
        banner={"text": "Storm warning", "url": "/", "expires_at": None},
    )
    # As if their moment had come: written past the form's checks, and no page key bumped.
    Slot.objects.filter(layout=layout).update(expires_at=now - timedelta(seconds=1))
    Layout.objects.filter(pk=layout.pk).update(banner_expires_at=now - timedelta(seconds=1))
    html = page(client)
    assert headlines(html, "lead") == ["Story 1"]
    assert "Storm warning" not in html


def test_the_banner_shows_with_its_link(client, editor, now):
    story = stories(1, now)[0]
    arrange(
        by=editor,
        banner={"text": "Bridge closed", "url": story.get_absolute_url(), "expires_at": None},
    )
    html = page(client)
    assert 'aria-label="Breaking news"' in html
    assert f'<a href="{story.get_absolute_url()}">Bridge closed</a>' in html


def test_preview_shows_the_draft_while_readers_keep_the_live_page(client, desk, now):
    story = stories(3, now)
    assert page(client) and client.get(HOME)["X-Cache"] == "hit"
    response = desk.post(EDIT, form_data(lead=[(story[2], None)]) | {"_preview": "1"})
    assert response["Location"] == PREVIEW
    preview = desk.get(PREVIEW)
    assert "no-cache" in preview["Cache-Control"] and "X-Cache" not in preview
    assert headlines(preview.content.decode(), "lead") == ["Story 3"]
    assert "Preview: the front page draft" in preview.content.decode()
    reader = client.get(HOME)
    assert reader["X-Cache"] == "hit"
    assert headlines(reader.content.decode(), "lead") == ["Story 1"]
    assert not Layout.objects.live().exists()


def test_publish_reaches_readers_on_the_next_request(client, desk, editor, now):
    story = stories(3, now)
    assert client.get(HOME)["X-Cache"] == "miss"
    assert client.get(HOME)["X-Cache"] == "hit"
    response = desk.post(EDIT, form_data(lead=[(story[2], None)]) | {"_publish": "1"})
    assert response.status_code == 302
    reader = client.get(HOME)
    assert reader["X-Cache"] == "miss"
    assert headlines(reader.content.decode(), "lead") == ["Story 3"]
    event = EditorialEvent.objects.get(action=EditorialAction.FRONT_PAGE)
    assert event.actor == editor and event.article is None
    assert "Lead 1: Story 3" in event.note
    assert event.get_action_display() == "Front page published"
    audit_log = desk.get(reverse("admin:articles_editorialevent_changelist")).content.decode()
    assert "Front page published" in audit_log


def test_saving_a_draft_changes_nothing_for_readers(client, desk, now):
    story = stories(3, now)
    desk.post(EDIT, form_data(lead=[(story[2], None)]))
    assert headlines(page(client), "lead") == ["Story 1"]
    assert not EditorialEvent.objects.filter(action=EditorialAction.FRONT_PAGE).exists()


def test_the_next_draft_starts_from_the_live_page(desk, editor, now):
    story = stories(3, now)
    arrange(by=editor, lead=[(story[2], None)])
    html = page(desk, EDIT)
    assert re.search(rf'<option value="{story[2].pk}" selected>Story 3</option>', html)


def test_the_editing_page_works_without_javascript_lists_newest_stories(desk, now):
    stories(3, now)
    make_article(headline="Unseen draft", status=Article.Status.DRAFT, published_at=None)
    html = page(desk, EDIT)
    assert 'name="_publish"' in html
    assert "Story 1</option>" in html and "Unseen draft" not in html


def test_reorder_and_clear_without_javascript(client, desk, now):
    story = stories(5, now)
    data = form_data(top=[(story[4], None), (story[3], None), (story[2], None)])
    data |= {"top-0-ORDER": 3, "top-1-ORDER": 1, "top-2-DELETE": "on", "_publish": "1"}
    desk.post(EDIT, data)
    # Cleared, Story 3 is back in the automatic order, after the newest.
    assert headlines(page(client), "top") == ["Story 4", "Story 5", "Story 2", "Story 3"]
    assert [slot.article for slot in Layout.objects.live().get().slots.all()] == [
        story[3],
        story[4],
    ]


def test_a_story_twice_is_refused_naming_the_place_and_keeping_the_form(desk, now):
    story = stories(2, now)
    data = form_data(lead=[(story[1], None)], top=[(story[1], None)])
    data |= {"banner-text": "Kept text", "_publish": "1"}
    response = desk.post(EDIT, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is already in Lead" in html and 'value="Kept text"' in html
    assert not Layout.objects.live().exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("banner-url", "javascript:alert(1)", "Give a page of this site"),
        ("banner-expires_at", "2001-01-01T10:00", "This moment has passed"),
        ("banner-expires_at", "tomorrow-ish", "Enter a valid date/time"),
        ("lead-0-article", "999999", "Readers cannot see this story now"),
        ("lead-0-article", "٣", "Readers cannot see this story now"),
        ("top-0-ORDER", "x", "Enter a whole number"),
    ],
)
def test_bad_input_is_refused_with_a_clear_answer(desk, now, field, value, message):
    stories(1, now)
    data = form_data() | {"banner-text": "Storm", field: value, "_save": "1"}
    response = desk.post(EDIT, data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_an_unpublished_story_is_not_offered(desk, now):
    draft = make_article(headline="Not yet", status=Article.Status.DRAFT, published_at=None)
    response = desk.post(EDIT, form_data(lead=[(draft, None)]) | {"_publish": "1"})
    assert "Readers cannot see this story now" in response.content.decode()


def test_the_autocomplete_offers_only_stories_readers_see(desk, now):
    stories(1, now)
    make_article(headline="Story draft", status=Article.Status.DRAFT, published_at=None)
    response = desk.get(
        reverse("admin:autocomplete"),
        {"app_label": "frontpage", "model_name": "slot", "field_name": "article", "term": "Story"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Story 1"]


@pytest.mark.parametrize("role", ["Reporter", "Moderator"])
def test_only_editors_may_arrange_the_front_page(client, role, now):
    story = stories(2, now)
    client.force_login(make_staff(role))
    assert client.get(EDIT).status_code == 403
    assert client.get(PREVIEW).status_code == 403
    response = client.post(EDIT, form_data(lead=[(story[1], None)]) | {"_publish": "1"})
    assert response.status_code == 403
    assert not Layout.objects.exists()


def test_readers_are_sent_to_the_login(client):
    assert client.get(EDIT)["Location"].startswith(reverse("admin:login"))


def test_home_query_count_is_fixed_with_a_curated_front_page(
    client, editor, now, django_assert_num_queries
):
    story = stories(8, now)
    arrange(
        by=editor,
        lead=[(story[7], None)],
        top=[(story[6], now + timedelta(hours=1))],
        pinned=[(story[5], None)],
        banner={"text": "Storm", "url": "/", "expires_at": None},
    )
    # 1 the live front page and its banner, 2 its stories readers see, 3 the automatic
    # ones, 4 section rails, 5 the bylines of all, 6 nav sections
    with django_assert_num_queries(6):
        client.get(HOME)
    more = stories(6, now - timedelta(days=1))
    arrange(by=editor, top=[(s, None) for s in more[:4]], pinned=[(s, None) for s in story[:6]])
    with django_assert_num_queries(6):
        assert client.get(HOME).status_code == 200
