"""Issue 16's comment items: every number through newsroom/params.py, a safe way back
after a decision, single-use form tokens that hold on cached pages, bans of sane width."""

import logging
import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from comments.models import BannedEmail, BannedNetwork, Comment
from comments.moderation import FORM_MIN_AGE, issue_form_token
from comments.moderation.form import PAGE_TOKEN_USES
from tests.comments.conftest import comment_data, post_comment
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

BODY = "A reply I would hate to type again."
DECIDE, LOG, QUEUE = "/moderation/decide/", "/moderation/log/", "/moderation/"
# Numbers a visitor can type that int() refuses, misreads or the database cannot hold.
HOSTILE_NUMBERS = ["٣", "²", "１２", "9" * 30, str(2**63), "-1", "0x10", "1e3", " "]


@pytest.fixture
def bad_requests(caplog):
    """The 400s Django logged: BadParameter's message names the field."""
    caplog.set_level(logging.WARNING, logger="django.security")
    return caplog


def assert_refused_naming(response, bad_requests, field):
    assert response.status_code == 400
    assert any(record.getMessage().startswith(f"{field}: ") for record in bad_requests.records)


# The comment form's parent


@pytest.mark.parametrize("raw", HOSTILE_NUMBERS[:-1])
def test_reply_with_a_hostile_parent_is_refused_naming_the_field_and_keeping_the_text(client, raw):
    article = make_article()
    response = post_comment(client, article, parent=raw, body=BODY)
    html = response.content.decode()
    assert response.status_code == 400
    assert "parent: expected" in html
    assert f">{BODY}</textarea>" in html
    assert not Comment.objects.filter(body=BODY).exists()


def test_reply_to_a_comment_on_another_article_is_refused_keeping_the_text(client):
    article, elsewhere = make_article(), make_article()
    parent = make_comment(article=elsewhere)
    response = post_comment(client, article, parent=str(parent.pk), body=BODY)
    html = response.content.decode()
    assert response.status_code == 400
    assert "belongs to another article" in html
    assert f">{BODY}</textarea>" in html
    assert not Comment.objects.filter(body=BODY).exists()
    assert 'name="parent"' not in html  # Sent again, it is a comment on this article.


def test_reply_to_a_comment_that_is_not_shown_is_refused(client):
    article = make_article()
    held = make_comment(article=article, status="pending")
    response = post_comment(client, article, parent=str(held.pk), body=BODY)
    assert response.status_code == 400
    assert "no longer shown" in response.content.decode()


def test_reply_to_a_comment_on_the_same_article_is_posted(client):
    article = make_article()
    parent = make_comment(article=article)
    response = post_comment(client, article, parent=str(parent.pk), body=BODY)
    assert response.status_code == 302
    assert Comment.objects.get(body=BODY).parent == parent


# The desk's numbers


@pytest.mark.parametrize("raw", HOSTILE_NUMBERS)
def test_hostile_card_value_is_a_400_naming_the_field(moderator_client, bad_requests, raw):
    comment = make_comment(status="pending")
    for card in [f"approve:{raw}:0", f"approve:{comment.pk}:{raw}"]:
        bad_requests.clear()
        response = moderator_client.post(DECIDE, {"card": card})
        assert_refused_naming(response, bad_requests, "card")
    comment.refresh_from_db()
    assert comment.status == "pending"


@pytest.mark.parametrize("raw", HOSTILE_NUMBERS)
def test_hostile_bulk_selection_is_a_400_naming_the_field(moderator_client, bad_requests, raw):
    comment = make_comment(status="pending")
    response = moderator_client.post(
        DECIDE, {"bulk": "approve", "selected": [f"{comment.pk}:0", f"{raw}:0"]}
    )
    assert_refused_naming(response, bad_requests, "selected")
    comment.refresh_from_db()
    assert comment.status == "pending"  # Nothing of a refused bulk decision is applied.


@pytest.mark.parametrize("raw", [*HOSTILE_NUMBERS[:-1], "0", "100000"])
def test_hostile_ban_duration_is_a_400_naming_the_field(moderator_client, bad_requests, raw):
    comment = make_comment(status="pending")
    response = moderator_client.post(
        DECIDE, {"card": f"ban:{comment.pk}:0", f"ban_days-{comment.pk}": raw}
    )
    assert_refused_naming(response, bad_requests, f"ban_days-{comment.pk}")
    assert not BannedEmail.objects.exists()


def test_ban_for_a_week_expires_in_a_week(moderator_client):
    comment = make_comment(status="pending")
    moderator_client.post(DECIDE, {"card": f"ban:{comment.pk}:0", f"ban_days-{comment.pk}": "7"})
    ban = BannedEmail.objects.get(email=comment.email)
    assert abs(ban.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


@pytest.mark.parametrize("field", ["moderator", "article", "page"])
@pytest.mark.parametrize("raw", HOSTILE_NUMBERS[:-1])
def test_hostile_log_filter_is_a_400_naming_the_field(moderator_client, bad_requests, field, raw):
    assert_refused_naming(moderator_client.get(LOG, {field: raw}), bad_requests, field)


def test_unknown_log_action_is_a_400_naming_the_field(moderator_client, bad_requests):
    assert_refused_naming(moderator_client.get(LOG, {"action": "nuke"}), bad_requests, "action")


@pytest.mark.parametrize("raw", HOSTILE_NUMBERS[:-1])
def test_hostile_queue_page_is_a_400_naming_the_field(moderator_client, bad_requests, raw):
    assert_refused_naming(moderator_client.get(QUEUE, {"page": raw}), bad_requests, "page")


def test_log_filters_still_filter(moderator_client, moderator):
    comment = make_comment(status="pending")
    moderator_client.post(DECIDE, {"card": f"approve:{comment.pk}:0"})
    html = moderator_client.get(
        LOG, {"moderator": moderator.pk, "article": comment.article_id, "action": "approved"}
    ).content.decode()
    assert f"#{comment.pk} {comment.name}" in html


@pytest.mark.parametrize(
    "back", ["0", "", "queue", "//evil.example/moderation/", "https://evil.example/", "/admin/"]
)
def test_a_bad_next_after_a_decision_goes_back_to_the_queue(moderator_client, back):
    comment = make_comment(status="pending")
    response = moderator_client.post(DECIDE, {"card": f"approve:{comment.pk}:0", "next": back})
    assert response.status_code == 302
    assert response["Location"] == QUEUE


def test_a_desk_next_after_a_decision_is_kept(moderator_client):
    comment = make_comment(status="pending")
    back = "/moderation/?tab=reported&sort=newest"
    response = moderator_client.post(DECIDE, {"card": f"approve:{comment.pk}:0", "next": back})
    assert response["Location"] == back


# The comment form's token


def test_a_readers_token_is_good_once(client):
    article = make_article()
    form = comment_data(article)
    assert post_comment(client, article, **form).status_code == 302
    replay = post_comment(client, article, **{**form, "body": "Posted again by a script."})
    assert replay.status_code == 400
    assert "already used" in replay.content.decode()
    assert not Comment.objects.filter(body="Posted again by a script.").exists()


def test_the_shared_page_token_is_good_for_a_few_posts_then_the_form_comes_back(client):
    article = make_article()
    token = issue_form_token(article, at=timezone.now() - timedelta(minutes=5), is_shared=True)
    for n in range(PAGE_TOKEN_USES):
        assert post_comment(client, article, token=token, body=f"Reader {n}").status_code == 302
    response = post_comment(client, article, token=token, body=BODY)
    html = response.content.decode()
    assert response.status_code == 400
    assert f">{BODY}</textarea>" in html
    fresh = re.search(r'name="token" value="([^"]+)"', html)[1]
    assert fresh != token  # The re-shown form carries a token of the reader's own.


def test_the_token_endpoint_issues_a_readers_token_uncached_without_a_query(
    client, django_assert_num_queries
):
    article = make_article()
    url = f"/comments/article/{article.pk}/token/"
    with django_assert_num_queries(0):
        first = client.get(url)
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    second = client.get(url)
    assert second.json()["token"] != first.json()["token"]  # Never a stored copy.


def test_on_a_cached_page_an_instant_post_fails_and_a_reader_who_waits_posts(client):
    """The page's own token is old (the page was stored earlier); the reader's is not."""
    article = make_article()
    reader = Client()
    page = reader.get(article.get_absolute_url())
    assert 'data-token-url="/comments/article/' in page.content.decode()
    token = reader.get(f"/comments/article/{article.pk}/token/").json()["token"]
    fields = comment_data(article, token=token, body=BODY)
    instant = reader.post(f"/comments/article/{article.pk}/", fields, REMOTE_ADDR="10.9.9.9")
    assert instant.status_code == 400
    assert "too quickly" in instant.content.decode()
    token = reader.get(f"/comments/article/{article.pk}/token/").json()["token"]
    time.sleep(FORM_MIN_AGE)
    fields["token"] = token
    later = reader.post(f"/comments/article/{article.pk}/", fields, REMOTE_ADDR="10.9.9.9")
    assert later.status_code == 302


# Ban ranges


@pytest.fixture
def ban_admin(client, moderator):
    client.force_login(moderator)
    return client


def add_network_ban(client, network, **extra):
    return client.post(
        "/admin/comments/bannednetwork/add/", {"network": network, "note": "", **extra}
    )


@pytest.mark.parametrize(
    "network", ["0.0.0.0/0", "10.0.0.0/8", "203.0.0.0/15", "::/0", "2001:db8::/31"]
)
def test_a_moderator_cannot_ban_a_range_wider_than_a_16_or_a_32(ban_admin, network):
    response = add_network_ban(ban_admin, network, is_wide_range_meant="on")
    assert response.status_code == 200
    assert "shuts out whole providers or countries" in response.content.decode()
    assert not BannedNetwork.objects.exists()


@pytest.mark.parametrize("network", ["203.0.0.0/16", "203.0.113.0/24", "2001:db8::/32"])
def test_a_moderator_bans_a_range_of_sane_width(ban_admin, network):
    assert add_network_ban(ban_admin, network).status_code == 302
    assert BannedNetwork.objects.filter(network=network).exists()


def test_a_superuser_bans_a_wide_range_only_when_ticking_the_override(client, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "x")
    client.force_login(boss)
    refused = add_network_ban(client, "10.0.0.0/8")
    assert "shuts out whole providers" in refused.content.decode()
    assert add_network_ban(client, "10.0.0.0/8", is_wide_range_meant="on").status_code == 302
    assert BannedNetwork.objects.filter(network="10.0.0.0/8").exists()


def test_moderators_may_add_network_bans():
    assert Permission.objects.filter(group__name="Moderator", codename="add_bannednetwork").exists()
