"""The moderation pipeline, phase by phase, in order, each decision with its reason."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from articles.models import ModerationMode
from comments.models import (
    BannedDomain,
    BannedEmail,
    BannedNetwork,
    Comment,
    CommentSettings,
    LogAction,
    ModerationLogEntry,
    Rule,
    WordListTerm,
)
from comments.moderation import find_terms, issue_form_token
from comments.readers import COOKIE as READER_COOKIE
from tests.comments.conftest import post_comment
from tests.factories import make_article, make_comment, make_section

pytestmark = pytest.mark.django_db

BODY = "My carefully written comment, which I would hate to type again."


def regular(email, article=None):
    """An email with two approved comments: no longer a newcomer."""
    for _ in range(2):
        make_comment(email=email, article=article)
    return email


def assert_refused_keeping_text(response, status, message, body=BODY):
    html = response.content.decode()
    assert response.status_code == status
    assert message in html
    assert f">{body}</textarea>" in html
    assert 'name="token"' in html  # A fresh form to send it again.


@pytest.fixture
def article():
    return make_article()


# Phase 1: form integrity


@pytest.mark.parametrize(
    "token_age, message",
    [
        (timedelta(seconds=0), "sent too quickly after the page loaded"),
        (timedelta(hours=25), "the form expired"),
    ],
)
def test_form_sent_too_fast_or_too_late_is_refused_with_the_text_kept(
    client, article, token_age, message
):
    token = issue_form_token(article, at=timezone.now() - token_age)
    response = post_comment(client, article, body=BODY, token=token)
    assert_refused_keeping_text(response, 400, message)
    assert not Comment.objects.exists()


def test_form_token_for_another_article_or_damaged_is_refused(client, article):
    other = issue_form_token(make_article(), at=timezone.now() - timedelta(minutes=1))
    response = post_comment(client, article, body=BODY, token=other)
    assert_refused_keeping_text(response, 400, "the form belongs to another article")
    response = post_comment(client, article, body=BODY, token="forged")
    assert_refused_keeping_text(response, 400, "the form was damaged")
    assert not Comment.objects.exists()


def test_honeypot_filled_in_is_refused(client, article):
    response = post_comment(client, article, body=BODY, website="http://spam.example")
    assert_refused_keeping_text(response, 400, "a field meant to stay empty was filled in")
    assert not Comment.objects.exists()


def test_missing_csrf_token_is_refused_with_the_text_kept(article, moderator):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(moderator)  # Anonymous readers' cached forms carry no CSRF token.
    response = post_comment(strict, article, body=BODY)
    assert_refused_keeping_text(response, 400, "the security check failed")
    assert not Comment.objects.exists()


def test_integrity_is_checked_before_length(client, article):
    response = post_comment(client, article, body="", website="filled")
    assert "a field meant to stay empty" in response.content.decode()


# Phase 2: fields, length and an open thread


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("body", "   \n  ", "Write your comment before sending it."),
        ("body", "x" * 3001, "Comments are at most 3,000 characters; yours has 3,001."),
        ("body", "nul\x00byte", "Your comment contains control characters"),
        ("body", "bell\x07", "Your comment contains control characters"),
        ("name", "", "Enter the name to show with your comment."),
        ("email", "not-an-email", "Enter a valid email address"),
    ],
)
def test_bad_fields_are_named_and_every_typed_value_kept(client, article, field, value, message):
    data = {"name": "Ada", "email": "ada@example.org", "body": BODY, field: value}
    response = post_comment(client, article, **data)
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert f'id="{field}-error"' in html
    assert 'value="Ada"' in html if field != "name" else True
    assert "ada@example.org" in html if field != "email" else "not-an-email" in html
    assert not Comment.objects.exists()


def test_three_thousand_characters_after_normalising_are_accepted(client, article):
    post_comment(client, article, body="  " + "y" * 3000 + "\r\n\r\n  ")
    assert len(Comment.objects.get().body) == 3000


def test_bidirectional_overrides_and_invisible_characters_are_stripped(client, article):
    post_comment(client, article, body="safe\u202etxt.exe and hid\u200bden\r\nline")
    assert Comment.objects.get().body == "safetxt.exe and hidden\nline"


@pytest.mark.parametrize("where", ["article", "section", "auto"])
def test_closed_thread_refuses_comments_with_the_text_kept(client, where):
    if where == "article":
        article = make_article(is_commenting_open=False)
    elif where == "section":
        article = make_article(section=make_section(is_commenting_open=False))
    else:
        article = make_article(published_at=timezone.now() - timedelta(days=15))
    response = post_comment(client, article, body=BODY)
    assert_refused_keeping_text(response, 403, "Comments on this article are closed.")
    assert not Comment.objects.exists()


def test_article_open_overrides_a_closed_section(client):
    article = make_article(section=make_section(is_commenting_open=False), is_commenting_open=True)
    assert post_comment(client, article, body=BODY).status_code == 302


def test_reply_to_a_reply_joins_its_thread_one_level_deeper(client, article):
    top = make_comment(article=article)
    reply = make_comment(article=article, parent=top)
    assert post_comment(client, article, body=BODY, parent=reply.pk).status_code == 302
    answer = Comment.objects.get(body=BODY)
    assert (answer.parent, answer.root, answer.depth) == (reply, top, 2)


# Phase 3: rate limits


def test_second_comment_within_ten_seconds_gets_429_with_the_text_kept(client, article):
    assert post_comment(client, article, email="fast@example.org").status_code == 302
    response = post_comment(client, article, email="fast@example.org", body=BODY)
    assert_refused_keeping_text(response, 429, "faster than this site allows")
    assert 1 <= int(response["Retry-After"]) <= 10
    assert Comment.objects.count() == 1


@override_settings(COMMENT_RATE_LIMITS=[(60, 1)])
def test_a_refused_reader_is_told_when_they_may_post_again(client, article):
    post_comment(client, article, email="fast@example.org")
    response = post_comment(client, article, email="fast@example.org", body=BODY)
    wait = int(response["Retry-After"])
    again = timezone.localtime(timezone.now() + timedelta(seconds=wait))
    html = response.content.decode()
    assert f"You can send it again in {wait} seconds (at {again:%H:%M}" in html


@override_settings(COMMENT_RATE_LIMITS=[(3600, 1)])  # Clear of a 10 s window's end.
def test_one_reader_is_limited_by_their_cookie_whatever_email_and_network(client, article):
    assert post_comment(client, article, email="one@example.org").status_code == 302
    response = post_comment(client, article, email="two@example.org", same_reader=True, body=BODY)
    assert_refused_keeping_text(response, 429, "faster than this site allows")


@pytest.mark.parametrize("gateway", ["203.0.113.5", "2001:db8:1:1::1"])
def test_many_readers_behind_one_gateway_are_not_limited(client, article, gateway):
    """An office or a mobile carrier: thirty readers posting in the same minute."""
    limit = settings.COMMENT_NETWORK_LIMITS[0][1]
    for n in range(limit):
        assert post_comment(client, article, ip=gateway, body=f"Point {n}").status_code == 302


@override_settings(COMMENT_NETWORK_LIMITS=[(60, 3)])
def test_a_flood_from_one_network_is_stopped_by_the_guard(client, article):
    for n in range(3):
        post_comment(client, article, ip="203.0.113.5", body=f"Point {n}")
    response = post_comment(client, article, ip="203.0.113.200", body=BODY)
    assert_refused_keeping_text(response, 429, "Too many comments are arriving from your network")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_other_networks_are_not_limited(client, article):
    assert post_comment(client, article, ip="203.0.113.5").status_code == 302
    assert post_comment(client, article, ip="203.0.114.5").status_code == 302


def test_the_reader_cookie_leaves_cached_pages_shared(client, article):
    response = post_comment(client, article)
    assert response.cookies[READER_COOKIE]["httponly"]
    client.cookies.pop("messages", None)
    client.get(article.get_absolute_url())
    cached = client.get(article.get_absolute_url())
    assert cached["X-Cache"] == "hit"


@override_settings(COMMENT_RATE_LIMITS=[(3600, 2)])
def test_hourly_limit(client, article):
    for n in range(2):
        post_comment(client, article, email="chatty@example.org", body=f"Point {n}")
    response = post_comment(client, article, email="chatty@example.org", body=BODY)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600


# Phase 4: bans


@pytest.mark.parametrize(
    "ban, email, ip",
    [
        (lambda: BannedEmail.objects.create(email="Troll@Example.org"), "troll@example.org", None),
        (lambda: BannedDomain.objects.create(domain="example.org"), "t@mail.example.org", None),
        (lambda: BannedNetwork.objects.create(network="192.0.2.0/24"), "t@x.org", "192.0.2.9"),
    ],
)
def test_banned_email_domain_or_network_is_refused_and_logged(client, article, ban, email, ip):
    ban()
    response = post_comment(client, article, ip=ip, email=email, body=BODY)
    assert_refused_keeping_text(response, 403, "Comments from you are not accepted")
    assert not Comment.objects.exists()
    assert ModerationLogEntry.objects.get().action == LogAction.REFUSED


def test_expired_ban_no_longer_applies(client, article, yesterday):
    BannedEmail.objects.create(email="reformed@example.org", expires_at=yesterday)
    assert post_comment(client, article, email="reformed@example.org").status_code == 302


# Phases 5 to 9: stored, with the deciding rule and its reason


def posted(client, article, **data):
    response = post_comment(client, article, **data)
    assert response.status_code in (302, 403), response.content.decode()[:500]
    comment = Comment.objects.latest("pk")
    entry = ModerationLogEntry.objects.get(comment=comment)
    assert (entry.action, entry.actor, entry.rule) == (LogAction.POSTED, None, comment.rule)
    return comment


def test_duplicate_of_the_authors_previous_comment_is_held(client, article):
    email = regular("echo@example.org")
    make_comment(email=email, body="Same words  here")
    comment = posted(client, article, email=email, body="same words here")
    assert (comment.status, comment.rule) == ("pending", Rule.DUPLICATE)
    assert comment.reason == "it repeats your previous comment"


def test_banned_term_rejects_and_shows_the_reader_why_with_the_text_kept(client, article):
    WordListTerm.objects.create(term="idiot", kind="banned")
    email = regular("rude@example.org")
    response = post_comment(client, article, email=email, body="What an 1D10T.")
    assert_refused_keeping_text(
        response, 403, "it contains a term this site does not accept (1D10T)", "What an 1D10T."
    )
    comment = Comment.objects.get(email=email, status="rejected")
    assert (comment.rule, comment.matched_terms, comment.decision_reason) == (
        Rule.BANNED_TERM,
        ["1D10T"],
        "banned_term",
    )


def test_suspect_term_holds_with_the_matched_words(client, article):
    WordListTerm.objects.create(term="scam", kind="suspect")
    comment = posted(client, article, email=regular("a@example.org"), body="This is a SCAAAM!")
    assert (comment.status, comment.rule, comment.matched_terms) == (
        "pending",
        Rule.SUSPECT_TERM,
        ["SCAAAM"],
    )


def test_more_than_two_links_are_held(client, article):
    body = "See https://a.example https://b.example and https://c.example"
    comment = posted(client, article, email=regular("l@example.org"), body=body)
    assert (comment.status, comment.rule, comment.reason) == (
        "pending",
        Rule.LINKS,
        "3 links (more than 2)",
    )


def test_any_link_from_a_newcomer_is_held_but_not_from_a_regular(client, article):
    body = "Source: https://example.org/report"
    comment = posted(client, article, body=body)
    assert (comment.status, comment.rule) == ("pending", Rule.NEWCOMER_LINK)
    comment = posted(client, article, email=regular("r@example.org"), body=body)
    assert comment.status == "published"


@pytest.mark.parametrize("where", ["site", "section", "article"])
def test_pre_moderation_holds_every_comment(client, where):
    pre = ModerationMode.PRE
    if where == "site":
        CommentSettings.objects.filter(pk=1).update(default_moderation_mode=pre)
        article = make_article()
    elif where == "section":
        article = make_article(section=make_section(moderation_mode=pre))
    else:
        article = make_article(moderation_mode=pre)
    comment = posted(client, article, email=regular("p@example.org"))
    assert (comment.status, comment.rule) == ("pending", Rule.PRE_MODERATION)


def test_article_post_moderation_overrides_a_pre_moderated_section(client):
    section = make_section(moderation_mode=ModerationMode.PRE)
    article = make_article(section=section, moderation_mode=ModerationMode.POST)
    assert posted(client, article, email=regular("q@example.org")).status == "published"


def test_newcomer_is_held_in_post_moderation_with_the_exact_message(client, article):
    response = post_comment(client, article, body=BODY)
    comment = Comment.objects.get()
    assert (comment.status, comment.rule) == ("pending", Rule.NEWCOMER)
    assert response["Location"] == f"{article.get_absolute_url()}#comment-status"
    html = client.get(response["Location"]).content.decode()
    assert "your comment will appear once a moderator approves it" in html
    # The poster alone sees it, marked; other readers get the shared page without it.
    assert html.count(BODY) == 1 and "Awaiting review" in html
    assert BODY not in Client().get(article.get_absolute_url()).content.decode()


def test_regular_commenter_is_published_with_the_exact_message(client, article):
    response = post_comment(client, article, email=regular("ok@example.org"), body=BODY)
    comment = Comment.objects.latest("pk")
    assert (comment.status, comment.rule) == ("published", Rule.PASSED)
    assert response["Location"] == f"{article.get_absolute_url()}#comment-status"
    html = client.get(response["Location"]).content.decode()
    assert "Your comment is published." in html and BODY in html
    assert f'<a href="/comments/{comment.pk}/thread/">See it in its thread</a>' in html


@pytest.mark.parametrize(
    "setup, data, expected_rule",
    [
        # Duplicate (5) before banned term (6).
        (lambda: make_comment(email="o@example.org", body="idiot"), {"body": "idiot"}, "duplicate"),
        # Banned term (6) before links (7).
        (None, {"body": "idiot https://a.x https://b.x https://c.x"}, "banned_term"),
        # Suspect term (6) before links (7).
        (None, {"body": "scam https://a.x https://b.x https://c.x"}, "suspect_term"),
        # Links (7) before pre-moderation (8).
        (None, {"body": "https://a.x https://b.x https://c.x", "pre": True}, "links"),
        # Pre-moderation before the newcomer rule (both 8).
        (None, {"newcomer": True, "pre": True}, "pre_moderation"),
    ],
)
def test_the_first_deciding_phase_ends_the_pipeline(client, setup, data, expected_rule):
    WordListTerm.objects.create(term="idiot", kind="banned")
    WordListTerm.objects.create(term="scam", kind="suspect")
    article = make_article(moderation_mode="pre" if data.pop("pre", False) else "")
    email = "n@example.org" if data.pop("newcomer", False) else regular("o@example.org")
    if setup:
        setup()
    post_comment(client, article, email=email, **data)
    assert Comment.objects.latest("pk").rule == expected_rule


def test_staff_comment_skips_pre_moderation_and_carries_the_badge(client, moderator):
    article = make_article(moderation_mode=ModerationMode.PRE)
    client.force_login(moderator)
    post_comment(client, article, name="ignored", email="ignored@example.org", body=BODY)
    comment = Comment.objects.get()
    assert (comment.status, comment.rule, comment.is_by_staff) == ("published", "staff", True)
    assert (comment.name, comment.email) == ("Moira Mod", "moira@newsroom.example")
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'Moira Mod</span> <span class="badge">Staff</span>' in html


# Word lists


@pytest.mark.parametrize(
    "text",
    [
        "you IDIOT",
        "you ídíót",
        "you iiidiooot",
        "you 1d10t",
        "you !diot",
        "you іdіоt",  # Cyrillic і and о
        "you ｉｄｉｏｔ",  # fullwidth
        "you idiot!",
        "(idiot)",
    ],
)
def test_word_list_sees_through_simple_obfuscation(text):
    assert [t for t, _, _ in find_terms(text, [("idiot", "banned")])] == ["idiot"]


@pytest.mark.parametrize(
    "text, term",
    [
        ("I live in Scunthorpe", "cunt"),
        ("an idiotic plan", "idiot"),
        ("Essex and Sussex", "sex"),
        ("classic assessment", "ass"),
        ("The year 2024", "zoza"),
    ],
)
def test_word_list_matches_whole_words_only(text, term):
    assert find_terms(text, [(term, "banned")]) == []


def test_word_list_prefix_terms_and_phrases():
    terms = [("idiot*", "banned"), ("go away", "suspect")]
    found = find_terms("Idiots, GO   AWAY now; idiotic!", terms)
    assert found == [
        ("idiot*", "banned", "Idiots"),
        ("go away", "suspect", "GO   AWAY"),
        ("idiot*", "banned", "idiotic"),
    ]


def test_word_list_matches_non_latin_terms():
    assert find_terms("Ты ДУРАК!", [("дурак", "banned")]) == [("дурак", "banned", "ДУРАК")]
