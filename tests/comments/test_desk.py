"""The moderators' side: permissions, the queue, every decision and its log entry."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from comments.models import (
    BannedEmail,
    BannedNetwork,
    Comment,
    CommentStatus,
    LogAction,
    ModerationLogEntry,
    Report,
)
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

QUEUE, DECIDE, LOG = "/moderation/", "/moderation/decide/", "/moderation/log/"


def card(client, comment, verb, **extra):
    comment.refresh_from_db()
    value = f"{verb}:{comment.pk}:{comment.revision}"
    return client.post(DECIDE, {"card": value, "next": "/moderation/?tab=pending", **extra})


def messages_after(client, response):
    return client.get(response["Location"]).content.decode()


# Permissions


def test_moderator_group_has_the_moderation_permissions():
    codenames = set(
        Group.objects.get(name="Moderator").permissions.values_list("codename", flat=True)
    )
    assert {
        "moderate_comment",
        "view_moderation_overview",
        "add_wordlistterm",
        "change_commentsettings",
    } <= codenames
    assert not any(codename.endswith("_article") for codename in codenames)


@pytest.mark.parametrize("url", [QUEUE, LOG])
def test_anonymous_cannot_reach_the_desk(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_anonymous_cannot_decide(client):
    comment = make_comment(status="pending")
    response = client.post(DECIDE, {"card": f"approve:{comment.pk}:0"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_reporter_cannot_moderate(client, reporter):
    comment = make_comment(status="pending")
    client.force_login(reporter)
    assert client.get(QUEUE).status_code == 403
    assert client.get(LOG).status_code == 403
    assert client.post(DECIDE, {"card": f"approve:{comment.pk}:0"}).status_code == 403
    assert client.get("/admin/comments/comment/").status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_moderator_cannot_edit_articles(moderator_client):
    article = make_article()
    assert moderator_client.get("/admin/articles/article/").status_code == 403
    assert moderator_client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 403
    assert moderator_client.get("/admin/comments/wordlistterm/add/").status_code == 200
    assert moderator_client.get("/admin/comments/commentsettings/1/change/").status_code == 200


def test_superuser_moderates(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("boss", "b@x.org", None))
    assert client.get(QUEUE).status_code == 200


# The queue


def test_queue_tabs_show_live_counts(moderator_client):
    for status in ["pending", "pending", "published", "rejected", "spam"]:
        make_comment(status=status)
    make_comment(status="published", open_report_count=1)
    html = moderator_client.get(QUEUE).content.decode()
    for label, count in [("Pending", 2), ("Reported", 1), ("Published", 2), ("Rejected", 2)]:
        assert (
            f'{label} <span class="queue-tabs__count" data-count="{label.lower()}">{count}</span>'
            in html
        )


def test_card_shows_article_parent_author_history_reasons_and_reports(moderator_client):
    article = make_article(headline="Bridge repairs start")
    parent = make_comment(article=article, name="Parent Poster", body="The parent's point")
    email = "history@example.org"
    make_comment(email=email)
    make_comment(email=email, status="rejected")
    held = make_comment(
        article=article,
        parent=parent,
        email=email,
        name="Hist Ory",
        status="pending",
        rule="suspect_term",
        reason="matched SCAM",
        matched_terms=["SCAM"],
        body="What a SCAM <b>this</b> is",
        open_report_count=1,
    )
    Report.objects.create(comment=held, reader_key="session:x", reason="abuse", note="Rude to me")
    html = moderator_client.get(QUEUE).content.decode()
    assert "Bridge repairs start" in html
    assert "In reply to Parent Poster" in html and "The parent&#x27;s point" in html
    assert "Hist Ory" in html and email in html
    assert "history</a>: 1 approved, 1 rejected" in html
    assert "Suspect term: matched SCAM" in html
    assert "What a <mark>SCAM</mark> &lt;b&gt;this&lt;/b&gt; is" in html
    assert "Reported as abuse: “Rude to me”" in html
    assert f'value="approve:{held.pk}:0"' in html


def test_queue_sorts_oldest_first_or_newest_first(moderator_client, now):
    make_comment(status="pending", body="Older one", posted_at=now - timedelta(hours=2))
    make_comment(status="pending", body="Newer one", posted_at=now)
    oldest = moderator_client.get(QUEUE).content.decode()
    assert oldest.index("Older one") < oldest.index("Newer one")
    newest = moderator_client.get(QUEUE, {"sort": "newest"}).content.decode()
    assert newest.index("Newer one") < newest.index("Older one")


@pytest.mark.parametrize("tab", ["pending", "reported", "published", "rejected"])
def test_queue_query_count_is_fixed(moderator_client, django_assert_num_queries, tab):
    def fill():
        article = make_article()
        parent = make_comment(article=article)
        for status in ["pending", "published", "rejected"]:
            comment = make_comment(
                article=article, parent=parent, status=status, open_report_count=1
            )
            Report.objects.create(comment=comment, reader_key=f"k{comment.pk}", reason="spam")

    fill()
    # 1 session, 2 user, 3-4 the user's permissions (groups), 5 tab counts, 6 page count,
    # 7 page of comments with article, parent, decider and author history, 8 reports,
    # 9 the moderator's last decision (for Undo), 10 nav
    with django_assert_num_queries(10):
        moderator_client.get(QUEUE, {"tab": tab})
    for _ in range(4):
        fill()
    with django_assert_num_queries(10):
        assert moderator_client.get(QUEUE, {"tab": tab}).status_code == 200


# Decisions, each with its log entry


@pytest.mark.parametrize(
    "verb, status, reason",
    [
        ("approve", "published", ""),
        ("spam", "spam", "spam"),
        ("reject:abuse", "rejected", "abuse"),
        ("reject:off_topic", "rejected", "off_topic"),
        ("reject:banned_term", "rejected", "banned_term"),
        ("reject:other", "rejected", "other"),
    ],
)
def test_moderator_decides_a_pending_comment_and_it_is_logged(
    moderator_client, moderator, verb, status, reason
):
    comment = make_comment(status="pending", rule="newcomer")
    response = card(moderator_client, comment, verb)
    assert response["Location"] == "/moderation/?tab=pending"
    comment.refresh_from_db()
    assert (comment.status, comment.decision_reason, comment.decided_by) == (
        status,
        reason,
        moderator,
    )
    assert comment.first_decided_at is not None and comment.revision == 1
    entry = ModerationLogEntry.objects.get()
    assert (entry.actor, entry.comment, entry.from_status, entry.to_status, entry.reason) == (
        moderator,
        comment,
        "pending",
        status,
        reason,
    )


def test_approving_a_reported_comment_clears_its_reports(moderator_client):
    comment = make_comment(status="published", open_report_count=2)
    card(moderator_client, comment, "approve")
    comment.refresh_from_db()
    assert (comment.status, comment.open_report_count) == ("published", 0)
    assert not Comment.objects.reported().exists()


def test_author_asks_for_removal(moderator_client):
    comment = make_comment()
    html = moderator_client.get(QUEUE, {"tab": "published"}).content.decode()
    assert f'value="remove:{comment.pk}:0" class="button button--quiet">Remove at' in html
    card(moderator_client, comment, "remove")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED
    assert ModerationLogEntry.objects.get().action == LogAction.REMOVED


def test_ban_author_by_email_network_with_expiry_rejecting_pending(moderator_client, moderator):
    troll = "troll@example.org"
    comment = make_comment(email=troll, status="pending", ip_network="192.0.2.0/24")
    other_pending = make_comment(email=troll, status="pending")
    published = make_comment(email=troll)
    response = card(
        moderator_client,
        comment,
        "ban",
        **{
            f"ban_network-{comment.pk}": "1",
            f"ban_reject-{comment.pk}": "1",
            f"ban_days-{comment.pk}": "7",
        },
    )
    assert "is banned; 2 of their pending comments rejected." in messages_after(
        moderator_client, response
    )
    ban = BannedEmail.objects.get(email=troll)
    assert ban.created_by == moderator
    assert timedelta(days=6) < ban.expires_at - timezone.now() <= timedelta(days=7)
    assert BannedNetwork.objects.get().network == "192.0.2.0/24"
    for rejected in [comment, other_pending]:
        rejected.refresh_from_db()
        assert (rejected.status, rejected.decision_reason) == ("rejected", "banned_author")
    published.refresh_from_db()
    assert published.status == "published"
    actions = sorted(ModerationLogEntry.objects.values_list("action", flat=True))
    assert actions == ["banned", "rejected", "rejected"]


def test_ban_author_by_email_only_for_good(moderator_client):
    comment = make_comment(email="x@example.org", status="pending")
    card(moderator_client, comment, "ban")
    assert BannedEmail.objects.get().expires_at is None
    assert not BannedNetwork.objects.exists()
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_ban_of_an_address_written_with_capitals_changes_the_ban_already_on_it(moderator_client):
    BannedEmail.objects.create(email="sam@example.org", note="earlier")
    comment = make_comment(email="Sam@Example.org", status="pending")
    card(moderator_client, comment, "ban")
    assert BannedEmail.objects.get().note == f"Banned from comment {comment.pk}"


def test_bulk_actions_decide_every_selected_comment(moderator_client, moderator):
    comments = [make_comment(status="pending") for _ in range(3)]
    untouched = make_comment(status="pending")
    selected = [f"{c.pk}:{c.revision}" for c in comments]
    response = moderator_client.post(DECIDE, {"bulk": "reject:off_topic", "selected": selected})
    assert "3 comment(s) rejected." in messages_after(moderator_client, response)
    assert set(Comment.objects.filter(status="rejected").values_list("pk", flat=True)) == {
        c.pk for c in comments
    }
    untouched.refresh_from_db()
    assert untouched.status == "pending"
    entries = ModerationLogEntry.objects.filter(action=LogAction.REJECTED, actor=moderator)
    assert entries.count() == 3 and set(entries.values_list("reason", flat=True)) == {"off_topic"}
    selected = [f"{c.pk}:{c.revision + 1}" for c in comments]
    moderator_client.post(DECIDE, {"bulk": "approve", "selected": selected})
    assert Comment.objects.published().count() == 3
    selected = [f"{c.pk}:{c.revision + 2}" for c in comments]
    moderator_client.post(DECIDE, {"bulk": "spam", "selected": selected})
    assert Comment.objects.filter(status="spam").count() == 3
    assert ModerationLogEntry.objects.count() == 9


def test_bulk_with_nothing_selected_or_no_reason_changes_nothing(moderator_client):
    comment = make_comment(status="pending")
    response = moderator_client.post(DECIDE, {"bulk": "approve"})
    assert "Select at least one comment." in messages_after(moderator_client, response)
    response = moderator_client.post(DECIDE, {"bulk": "reject", "selected": [f"{comment.pk}:0"]})
    assert "Choose a reason for rejecting" in messages_after(moderator_client, response)
    response = moderator_client.post(DECIDE, {"bulk": "delete", "selected": [f"{comment.pk}:0"]})
    assert "Choose what to do" in messages_after(moderator_client, response)
    comment.refresh_from_db()
    assert comment.status == "pending" and not ModerationLogEntry.objects.exists()


def test_second_moderator_deciding_at_once_is_told_and_changes_nothing(moderator, second_moderator):
    comment = make_comment(status="pending")
    first, second = Client(), Client()
    first.force_login(moderator)
    second.force_login(second_moderator)
    # Both loaded the queue while the comment was at revision 0.
    assert f"approve:{comment.pk}:0" in second.get(QUEUE).content.decode()
    first.post(DECIDE, {"card": f"reject:abuse:{comment.pk}:0"})
    response = second.post(DECIDE, {"card": f"approve:{comment.pk}:0"})
    html = messages_after(second, response)
    assert f"Comment {comment.pk} was already decided by Moira Mod: it is now rejected." in html
    comment.refresh_from_db()
    assert (comment.status, comment.decided_by) == ("rejected", moderator)
    assert ModerationLogEntry.objects.count() == 1


@pytest.mark.parametrize(
    "value, status",
    [("approve", 400), ("approve:x:y", 400), ("nonsense:1:0", 302), (":::", 400), ("", 400)],
)
def test_tampered_card_buttons_change_nothing_and_never_fail(moderator_client, value, status):
    comment = make_comment(status="pending")
    response = moderator_client.post(DECIDE, {"card": value})
    assert response.status_code == status
    comment.refresh_from_db()
    assert comment.status == "pending" and not ModerationLogEntry.objects.exists()


def test_unsafe_next_goes_back_to_the_queue(moderator_client):
    comment = make_comment(status="pending")
    response = moderator_client.post(
        DECIDE, {"card": f"approve:{comment.pk}:0", "next": "https://evil.example/"}
    )
    assert response["Location"] == QUEUE


def test_admin_actions_decide_through_the_same_functions(moderator_client, moderator):
    comment = make_comment(status="pending")
    response = moderator_client.post(
        "/admin/comments/comment/", {"action": "reject_abuse", "_selected_action": [comment.pk]}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.decision_reason) == ("rejected", "abuse")
    entry = ModerationLogEntry.objects.get()
    assert (entry.actor, entry.action) == (moderator, LogAction.REJECTED)


def test_comments_cannot_be_deleted_in_admin(moderator_client, django_user_model):
    comment = make_comment()
    moderator_client.force_login(
        django_user_model.objects.create_superuser("root", "r@x.org", None)
    )
    assert moderator_client.get(f"/admin/comments/comment/{comment.pk}/delete/").status_code == 403


def test_log_entries_are_append_only(moderator_client):
    comment = make_comment(status="pending")
    card(moderator_client, comment, "approve")
    entry = ModerationLogEntry.objects.get()
    entry.reason = "rewritten"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


# The log


def test_log_filters_by_moderator_article_and_action(client, moderator, second_moderator):
    one, two = make_article(headline="Story one"), make_article(headline="Story two")
    a = make_comment(article=one, status="pending")
    b = make_comment(article=two, status="pending")
    first, second = Client(), Client()
    first.force_login(moderator)
    second.force_login(second_moderator)
    card(first, a, "approve")
    card(second, b, "reject:abuse")
    ModerationLogEntry.objects.create(
        article=one, action=LogAction.REFUSED, reason="banned network"
    )

    def rows(**params):
        html = first.get(LOG, params).content.decode()
        return html.split("<tbody>")[1].count("<tr>")

    assert rows() == 3
    assert rows(moderator=moderator.pk) == 1
    assert rows(moderator="system") == 1
    assert rows(article=one.pk) == 2
    assert rows(action="rejected") == 1
    assert rows(article=one.pk, action="approved", moderator=moderator.pk) == 1
    assert first.get(LOG, {"action": "nonsense"}).status_code == 400  # See test_hostile_input.
    html = first.get(LOG, {"moderator": second_moderator.pk}).content.decode()
    assert "Max Second" in html and "Rejected" in html and "pending → rejected" in html


def test_log_query_count_is_fixed(moderator_client, django_assert_num_queries):
    ModerationLogEntry.objects.create(action=LogAction.REFUSED, reason="banned email")
    # 1 session, 2 user, 3-4 permissions, 5 count, 6 entries + actor/article/comment,
    # 7 moderators for the filter, 8 nav
    with django_assert_num_queries(8):
        moderator_client.get(LOG)
    for _ in range(5):
        comment = make_comment(status="pending")
        card(moderator_client, comment, "approve")
    with django_assert_num_queries(8):
        assert moderator_client.get(LOG).status_code == 200
