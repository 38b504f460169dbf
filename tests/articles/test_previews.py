from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import PreviewAccess, PreviewLink
from tests.articles.change_form import change_form_data
from tests.factories import make_article, make_draft, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(admin_user):
    return admin_user


@pytest.fixture
def desk(editor):
    """The editor's browser; `client` stays an anonymous reader."""
    browser = Client()
    browser.force_login(editor)
    return browser


def share(desk, article):
    """Press "Create shareable preview link" on the change form; return the new link."""
    response = desk.post(reverse("desk:share", args=[article.pk]))
    assert response.status_code == 302
    return article.preview_links.first()


def assert_private(response):
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_staff_preview_a_draft_with_a_banner_showing_its_state_and_address(desk):
    draft = make_draft(headline="Budget leaks", slug="budget-leaks")
    response = desk.get(reverse("articles:preview", args=[draft.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Preview: Draft." in page and "Readers cannot see this story." in page
    assert "http://testserver/article/budget-leaks/" in page
    assert "Budget leaks" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert 'id="comments"' not in page  # nobody comments on a preview
    assert "Not published yet" in page and '<time datetime="">' not in page
    assert_private(response)


def test_preview_of_a_scheduled_article_says_when_readers_will_see_it(desk, tomorrow):
    article = make_article(status="scheduled", published_at=tomorrow)
    page = desk.get(reverse("articles:preview", args=[article.pk])).content.decode()
    assert "Preview: Scheduled." in page and "Readers will see it from" in page


def test_readers_cannot_use_the_staff_preview(client):
    draft = make_draft()
    response = client.get(reverse("articles:preview", args=[draft.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_preview_of_unknown_article_is_not_found(desk):
    assert desk.get(reverse("articles:preview", args=[999999])).status_code == 404


def test_shared_link_shows_the_draft_to_anyone_and_logs_each_access(desk, client, editor):
    draft = make_draft(headline="Budget leaks")
    link = share(desk, draft)
    assert link.created_by == editor
    response = client.get(link.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0 (Reviewer)")
    assert response.status_code == 200
    assert "Budget leaks" in response.content.decode()
    assert_private(response)
    client.get(link.get_absolute_url())
    accesses = PreviewAccess.objects.filter(link=link)
    assert accesses.count() == 2
    assert accesses.last().user_agent == "Mozilla/5.0 (Reviewer)"
    assert accesses.last().ip_address == "127.0.0.1"


def test_shared_link_expires_after_48_hours_by_default(desk):
    link = share(desk, make_draft())
    assert link.expires_at - link.created_at == timedelta(hours=48)


@override_settings(PREVIEW_LINK_HOURS=2)
def test_shared_link_lifetime_follows_the_setting(desk):
    link = share(desk, make_draft())
    assert link.expires_at - link.created_at == timedelta(hours=2)


def test_expired_link_is_gone_and_logs_nothing(desk, client):
    link = share(desk, make_draft(headline="Budget leaks"))
    PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "It expired on" in response.content.decode()
    assert "Budget leaks" not in response.content.decode()
    assert_private(response)
    assert not PreviewAccess.objects.exists()


def test_revoked_link_is_gone(desk, client):
    draft = make_draft(headline="Budget leaks")
    link = share(desk, draft)
    page = desk.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert link.get_absolute_url() in page
    response = desk.post(reverse("desk:revoke_share", args=[draft.pk, link.pk]))
    assert response.status_code == 302
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    assert "withdrew it" in response.content.decode()


def test_tampered_or_made_up_tokens_are_not_found(desk, client):
    draft = make_draft()
    shared, kept_private = share(desk, draft), share(desk, draft)
    token = shared.token
    payload, signature = token.split(":")
    other_payload = kept_private.token.split(":")[0]
    for bad in [
        f"{payload}:{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        f"{other_payload}:{signature}",
        "not-a-token",
    ]:
        response = client.get(reverse("articles:shared_preview", args=[bad]))
        assert response.status_code == 404, bad
    assert client.get(shared.get_absolute_url()).status_code == 200
    assert PreviewAccess.objects.count() == 1


def test_an_editor_shares_and_revokes_but_a_reporter_cannot_even_for_their_own_draft(client):
    reporter = make_staff("Reporter", byline=True)
    draft = make_draft(authors=[reporter.author])
    editor_browser = Client()
    editor_browser.force_login(make_staff("Editor"))
    link = share(editor_browser, draft)

    client.force_login(reporter)
    page = client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert "Create shareable preview link" not in page
    assert client.post(reverse("desk:share", args=[draft.pk])).status_code == 403
    revoke = reverse("desk:revoke_share", args=[draft.pk, link.pk])
    assert client.post(revoke).status_code == 403
    assert PreviewLink.objects.get().is_usable

    assert editor_browser.post(revoke).status_code == 302
    assert not PreviewLink.objects.get().is_usable


def test_a_reporter_previews_their_draft_but_a_moderator_cannot(client):
    reporter = make_staff("Reporter", byline=True)
    draft = make_draft(authors=[reporter.author])
    client.force_login(reporter)
    assert client.get(reverse("articles:preview", args=[draft.pk])).status_code == 200
    client.force_login(make_staff("Moderator"))
    assert client.get(reverse("articles:preview", args=[draft.pk])).status_code == 403


def test_preview_links_are_made_by_post_only(desk):
    draft = make_draft()
    assert desk.get(reverse("desk:share", args=[draft.pk])).status_code == 405
    assert not PreviewLink.objects.exists()


def test_preview_query_counts_are_fixed(desk, client, django_assert_num_queries):
    draft = make_draft(tags=["a", "b"])
    link = share(desk, draft)
    # 1 session, 2 user, 3 article + section (+ lead image), 4 bylines, 5 sources, 6 tags,
    # 7 corrections, 8 nav sections (the lead image's renditions: one more, with a picture)
    with django_assert_num_queries(8):
        assert desk.get(reverse("articles:preview", args=[draft.pk])).status_code == 200
    # 1 link + its creator, 2 log the access, 3 article + section, 4 bylines, 5 sources,
    # 6 tags, 7 corrections (nav sections: from the fragment the first request kept)
    with django_assert_num_queries(7):
        assert client.get(link.get_absolute_url()).status_code == 200


def test_preview_links_admin_lists_accesses_and_revokes_in_bulk(desk, client):
    link = share(desk, make_draft())
    client.get(link.get_absolute_url(), HTTP_USER_AGENT="Reviewer browser")
    page = desk.get(reverse("admin:articles_previewlink_change", args=[link.pk])).content.decode()
    assert "Reviewer browser" in page
    response = desk.post(
        reverse("admin:articles_previewlink_changelist"),
        {"action": "revoke", "_selected_action": [link.pk]},
    )
    assert response.status_code == 302
    assert client.get(link.get_absolute_url()).status_code == 410


def test_preview_link_buttons_save_what_was_typed(desk):
    draft = make_draft()
    url = reverse("admin:articles_article_change", args=[draft.pk])
    data = change_form_data(desk, draft, dek="Typed, not yet saved.", _share="1")
    assert desk.post(url, data).status_code == 302
    link = PreviewLink.objects.get(article=draft)
    draft.refresh_from_db()
    assert draft.dek == "Typed, not yet saved."
    data = change_form_data(desk, draft, dek="Typed again.", _revoke_share=str(link.pk))
    desk.post(url, data)
    link.refresh_from_db()
    draft.refresh_from_db()
    assert link.revoked_at is not None and draft.dek == "Typed again."


def test_view_on_site_opens_the_preview_while_readers_cannot_see_the_story(desk):
    draft = make_draft()
    page = desk.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert reverse("articles:preview", args=[draft.pk]) in page
    assert 'class="viewsitelink"' in page
