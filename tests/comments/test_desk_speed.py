"""The desk at speed: decisions in place (JSON for the desk's script, redirects without
it), undo, buttons by weight, the keys on the page, the commenter's history, the landing."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from comments.history import HISTORY_LIMIT
from comments.models import (
    BannedDomain,
    BannedEmail,
    BannedNetwork,
    Comment,
    LogAction,
    ModerationLogEntry,
    Report,
)
from comments.moderation.decisions import UNDO_SECONDS, approve
from tests.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

QUEUE, DECIDE, UNDO = "/moderation/", "/moderation/decide/", "/moderation/undo/"
JSON = {"HTTP_ACCEPT": "application/json"}


def decide_in_place(client, comment, verb, **extra):
    comment.refresh_from_db()
    return client.post(DECIDE, {"card": f"{verb}:{comment.pk}:{comment.revision}", **extra}, **JSON)


# The page


def test_buttons_have_weights_and_the_bulk_menu_starts_on_nothing(moderator_client):
    comment = make_comment(status="pending")
    html = moderator_client.get(QUEUE).content.decode()
    pk = comment.pk
    assert f'value="approve:{pk}:0" class="button button--primary"' in html
    assert f'value="reject:{pk}:0" class="button button--secondary"' in html
    assert f'value="spam:{pk}:0" class="button button--danger"' in html
    assert f'value="ban:{pk}:0" class="button button--danger"' in html
    # A ban rejects the author's pending comments unless unticked; the network is opt-in.
    assert f'name="ban_reject-{pk}" value="1" checked>' in html
    assert f'name="ban_network-{pk}" value="1">' in html
    bulk = html.split('id="bulk-action"')[1].split("</select>")[0]
    assert bulk.split("<option")[1].startswith(' value="" selected>')


def test_the_queue_lists_its_keyboard_shortcuts_and_loads_only_static_script(moderator_client):
    make_comment(status="pending")
    response = moderator_client.get(QUEUE)
    html = response.content.decode()
    for key, what in [("j", "next card"), ("a", "approve"), ("r", "reject"), ("u", "undo")]:
        assert f"<dt><kbd>{key}</kbd></dt><dd>{what}" in html
    assert '<script src="/static/comments/desk.' in html
    assert "<script>" not in html and " onclick=" not in html
    assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("script-src")[-1]


def test_an_empty_bulk_choice_changes_nothing(moderator_client):
    comment = make_comment(status="pending")
    response = moderator_client.post(
        DECIDE, {"bulk": "", "selected": [f"{comment.pk}:0"]}, follow=True
    )
    assert "Choose what to do with the selected comments." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_reject_takes_the_reason_picked_on_the_card(moderator_client):
    comment = make_comment(status="pending")
    moderator_client.post(
        DECIDE, {"card": f"reject:{comment.pk}:0", f"reason-{comment.pk}": "off_topic"}
    )
    comment.refresh_from_db()
    assert (comment.status, comment.decision_reason) == ("rejected", "off_topic")


def test_reject_without_a_reason_asks_for_one_and_changes_nothing(moderator_client):
    comment = make_comment(status="pending")
    response = decide_in_place(moderator_client, comment, "reject")
    assert response.status_code == 400
    assert "Choose a reason for rejecting" in response.json()["notes"][0]["text"]
    comment.refresh_from_db()
    assert comment.status == "pending"


# In place


def test_a_decision_in_place_answers_json_with_counts_and_its_undo(moderator_client):
    comment = make_comment(status="pending")
    make_comment(status="pending")
    response = decide_in_place(moderator_client, comment, "approve")
    assert response.status_code == 200
    answer = response.json()
    assert answer["decided"] == [comment.pk]
    assert answer["counts"]["pending"] == 1 and answer["counts"]["published"] == 1
    entry = ModerationLogEntry.objects.get(comment=comment)
    assert answer["undo"] == {"entry": entry.pk, "label": f"Approved comment {comment.pk}"}
    assert answer["notes"] == [{"level": "success", "text": "1 comment(s) approved."}]
    # Nothing waits for the next page load: the script has already said it.
    assert "approved." not in moderator_client.get(QUEUE).content.decode()


def test_a_decision_someone_else_made_first_is_a_warning_in_place(
    moderator_client, second_moderator
):
    comment = make_comment(status="pending")
    stale_revision = comment.revision
    other = Client()
    other.force_login(second_moderator)
    decide_in_place(other, comment, "approve")
    response = moderator_client.post(
        DECIDE, {"card": f"spam:{comment.pk}:{stale_revision}"}, **JSON
    )
    answer = response.json()
    assert answer["decided"] == []
    assert "already decided by Max Second" in answer["notes"][0]["text"]


# Undo


def test_undo_restores_the_comment_as_it_was_and_is_logged(moderator_client, moderator):
    comment = make_comment(status="pending", open_report_count=2)
    decide_in_place(moderator_client, comment, "spam")
    entry = ModerationLogEntry.objects.get(comment=comment)
    response = moderator_client.post(UNDO, {"entry": entry.pk}, **JSON)
    assert response.status_code == 200
    comment.refresh_from_db()
    assert (comment.status, comment.decision_reason, comment.decided_by) == ("pending", "", None)
    assert (comment.open_report_count, comment.decided_at, comment.first_decided_at) == (
        2,
        None,
        None,
    )
    assert response.json()["restored"] == [{"comment": comment.pk, "revision": comment.revision}]
    assert response.json()["counts"]["pending"] == 1
    undone = ModerationLogEntry.objects.filter(action=LogAction.UNDONE).get()
    assert (undone.actor, undone.from_status, undone.to_status) == (moderator, "spam", "pending")
    assert undone.reason == "undid “Marked spam”"


def test_undo_restores_the_cached_article_page(moderator_client):
    comment = make_comment(status="pending", body="Worth a look at the depot.")
    page = comment.article.get_absolute_url()
    reader = Client()
    assert "Worth a look" not in reader.get(page).content.decode()
    decide_in_place(moderator_client, comment, "approve")
    assert "Worth a look" in reader.get(page).content.decode()
    entry = ModerationLogEntry.objects.get(comment=comment)
    moderator_client.post(UNDO, {"entry": entry.pk}, **JSON)
    assert "Worth a look" not in reader.get(page).content.decode()


def test_undo_without_javascript_is_a_button_on_the_queue(moderator_client):
    comment = make_comment(status="pending")
    moderator_client.post(DECIDE, {"card": f"approve:{comment.pk}:0"})
    entry = ModerationLogEntry.objects.get(comment=comment)
    html = moderator_client.get(QUEUE).content.decode()
    assert f'<input type="hidden" name="entry" value="{entry.pk}">' in html
    assert f"Your last decision: Approved comment {comment.pk}" in html
    response = moderator_client.post(UNDO, {"entry": entry.pk, "next": "/moderation/"})
    assert response["Location"] == QUEUE
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert "is pending again" in moderator_client.get(QUEUE).content.decode()


def test_only_ones_own_recent_untouched_decision_can_be_undone(moderator_client, second_moderator):
    mine, theirs, old, overtaken = (make_comment(status="pending") for _ in range(4))
    other = Client()
    other.force_login(second_moderator)
    decide_in_place(other, theirs, "approve")
    for comment in [mine, old, overtaken]:
        decide_in_place(moderator_client, comment, "approve")
    ModerationLogEntry.objects.filter(comment=old).update(
        logged_at=timezone.now() - timedelta(seconds=UNDO_SECONDS + 1)
    )
    decide_in_place(other, overtaken, "spam")

    def undo(comment):
        entry = ModerationLogEntry.objects.filter(comment=comment).order_by("pk").first()
        return moderator_client.post(UNDO, {"entry": entry.pk}, **JSON)

    assert undo(theirs).status_code == 409
    assert undo(old).status_code == 409
    response = undo(overtaken)
    assert response.status_code == 409
    assert "decided again" in response.json()["notes"][0]["text"]
    assert undo(mine).status_code == 200
    assert undo(mine).status_code == 409  # Twice is not once more.
    states = {c.pk: c.status for c in Comment.objects.all()}
    assert [states[c.pk] for c in [mine, theirs, old, overtaken]] == [
        "pending",
        "published",
        "published",
        "spam",
    ]


def test_undo_of_a_hostile_entry_is_a_400_or_404(moderator_client):
    assert moderator_client.post(UNDO, {"entry": "٣"}).status_code == 400
    assert moderator_client.post(UNDO, {"entry": "999999"}).status_code == 404


def test_the_undo_button_goes_once_a_decision_is_undone(moderator_client):
    earlier, later = make_comment(status="pending"), make_comment(status="pending")
    decide_in_place(moderator_client, earlier, "approve")
    entry = decide_in_place(moderator_client, later, "approve").json()["undo"]["entry"]
    answer = moderator_client.post(UNDO, {"entry": entry}, **JSON).json()
    # Undo takes back the last decision, not the one before it.
    assert answer["undo"] is None
    assert f"Undone: Approved comment {later.pk}; comment {later.pk} is pending again." in [
        note["text"] for note in answer["notes"]
    ]
    assert 'id="desk-undo" hidden' in moderator_client.get(QUEUE).content.decode()


# Undoing a ban


def ban_in_place(client, comment, **options):
    fields = {f"{name}-{comment.pk}": value for name, value in options.items()}
    return client.post(DECIDE, {"card": f"ban:{comment.pk}:{comment.revision}", **fields}, **JSON)


def test_undo_of_a_ban_lifts_it_and_puts_back_the_comments_it_rejected(moderator_client, moderator):
    troll = "troll@example.org"
    comment = make_comment(email=troll, status="pending", ip_network="192.0.2.0/24")
    other = make_comment(email=troll, status="pending", open_report_count=1)
    published = make_comment(email=troll)
    answer = ban_in_place(
        moderator_client, comment, ban_network="1", ban_reject="1", ban_days="7"
    ).json()
    assert sorted(answer["decided"]) == [comment.pk, other.pk]
    ban = ModerationLogEntry.objects.get(action=LogAction.BANNED)
    assert answer["undo"] == {"entry": ban.pk, "label": f"Author banned comment {comment.pk}"}

    response = moderator_client.post(UNDO, {"entry": ban.pk}, **JSON)
    assert response.status_code == 200
    assert not BannedEmail.objects.exists() and not BannedNetwork.objects.exists()
    for held in [comment, other]:
        held.refresh_from_db()
        assert (held.status, held.decision_reason, held.decided_by) == ("pending", "", None)
    other.refresh_from_db()
    assert other.open_report_count == 1
    published.refresh_from_db()
    assert published.status == "published"
    restored = {one["comment"]: one["revision"] for one in response.json()["restored"]}
    assert restored == {comment.pk: comment.revision, other.pk: other.revision}
    assert response.json()["counts"]["pending"] == 2
    undone = ModerationLogEntry.objects.filter(action=LogAction.UNDONE, actor=moderator)
    assert sorted(undone.values_list("comment", flat=True)) == sorted(
        [comment.pk, comment.pk, other.pk]
    )
    assert undone.filter(reason="undid “Author banned”: email and network ban lifted").exists()
    # Twice is not once more.
    assert moderator_client.post(UNDO, {"entry": ban.pk}, **JSON).status_code == 409


def test_undo_of_a_ban_lifts_only_the_ban_it_made(moderator_client, moderator):
    troll = "troll@example.org"
    earlier = timezone.now() - timedelta(days=3)
    BannedEmail.objects.create(email=troll, note="Spam run", created_at=earlier)
    comment = make_comment(email=troll, status="pending", ip_network="192.0.2.0/24")
    keeper = BannedNetwork.objects.create(network="198.51.100.0/24", note="Other person")
    ban_in_place(moderator_client, comment, ban_days="1")
    assert BannedEmail.objects.get().expires_at is not None
    entry = ModerationLogEntry.objects.get(action=LogAction.BANNED)
    assert moderator_client.post(UNDO, {"entry": entry.pk}, **JSON).status_code == 200
    # The ban that was there before is back as it was, for good; the other stays.
    ban = BannedEmail.objects.get()
    assert (ban.note, ban.expires_at, ban.created_by) == ("Spam run", None, None)
    assert abs(ban.created_at - earlier) < timedelta(seconds=1)
    assert list(BannedNetwork.objects.all()) == [keeper]


def test_undo_of_a_ban_changed_since_changes_nothing(moderator_client, second_moderator):
    comment = make_comment(email="troll@example.org", status="pending")
    ban_in_place(moderator_client, comment, ban_reject="1")
    other = Client()
    other.force_login(second_moderator)
    comment.refresh_from_db()
    ban_in_place(other, comment, ban_days="30")
    mine = ModerationLogEntry.objects.filter(action=LogAction.BANNED).order_by("pk").first()
    response = moderator_client.post(UNDO, {"entry": mine.pk}, **JSON)
    assert response.status_code == 409
    assert "already lifted or changed since" in response.json()["notes"][0]["text"]
    assert BannedEmail.objects.get().created_by == second_moderator
    comment.refresh_from_db()
    assert comment.status == "rejected"


def test_undo_of_a_ban_without_javascript(moderator_client):
    comment = make_comment(status="pending")
    moderator_client.post(DECIDE, {"card": f"ban:{comment.pk}:0", f"ban_reject-{comment.pk}": "1"})
    entry = ModerationLogEntry.objects.get(action=LogAction.BANNED)
    assert f'name="entry" value="{entry.pk}"' in moderator_client.get(QUEUE).content.decode()
    moderator_client.post(UNDO, {"entry": entry.pk})
    assert not BannedEmail.objects.exists()
    html = moderator_client.get(QUEUE).content.decode()
    assert f"Undone: Author banned comment {comment.pk}; comment {comment.pk} is pending" in html


# Bans are logged as such


def test_comments_rejected_by_a_ban_are_logged_as_author_banned(moderator_client):
    comment = make_comment(status="pending")
    moderator_client.post(
        DECIDE, {"card": f"ban:{comment.pk}:0", f"ban_reject-{comment.pk}": "1"}, **JSON
    )
    comment.refresh_from_db()
    assert comment.get_decision_reason_display() == "Author banned"
    log = moderator_client.get("/moderation/log/", {"action": "rejected"}).content.decode()
    assert "Author banned" in log
    assert "Abuse" not in log.split("<tbody>")[1]


# The commenter's history


def test_history_lists_comments_decisions_bans_and_reports(moderator_client):
    article = make_article(headline="Depot plans")
    troll = "troll@example.org"
    first = make_comment(article=article, email=troll, status="pending", ip_network="192.0.2.0/24")
    second = make_comment(article=article, email=troll, body="Second thoughts", status="pending")
    decide_in_place(moderator_client, first, "reject", **{f"reason-{first.pk}": "abuse"})
    moderator_client.post(DECIDE, {"card": f"ban:{second.pk}:0", f"ban_days-{second.pk}": "7"})
    Report.objects.create(comment=second, reader_key="k1", reason="spam", note="Selling pills")
    html = moderator_client.get(f"/moderation/history/{second.pk}/").content.decode()
    assert "troll@example.org" in html
    assert "2 comments: 1 pending, 1 rejected" in html
    assert "Decisions on their comments: Rejected 1 · Author banned 1" in html
    assert "Second thoughts" in html and "Depot plans" in html
    assert "Moira Mod: Rejected (Abuse)" in html
    assert "<strong>email troll@example.org</strong>: until" in html
    assert "Selling pills" in html  # A report they received.
    panel = moderator_client.get(f"/moderation/history/{second.pk}/", {"panel": 1})
    assert b"<html" not in panel.content and b"troll@example.org" in panel.content


def test_history_lists_exactly_the_reports_the_commenter_made(moderator_client, moderator):
    commenter = make_comment(email="moira@newsroom.example", reader_key="phone", ip_network="")
    make_comment(email=commenter.email, reader_key="laptop", ip_network="192.0.2.0/24")
    targets = [make_comment(name=f"Target {n}") for n in range(5)]
    report = Report.objects.create
    report(comment=targets[0], reader_key="reader:phone", reason="spam")
    report(comment=targets[1], reader_key="reader:laptop", reason="abuse")
    report(comment=targets[2], reader_key=f"user:{moderator.pk}", reason="other")
    # Not theirs: someone else's identity, and a cookie-less client on their network.
    report(comment=targets[3], reader_key="reader:someone", reason="spam")
    report(comment=targets[4], reader_key="address:192.0.2.9", reason="spam", address="192.0.2.9")
    report(comment=commenter, reader_key="reader:someone", reason="abuse")
    html = moderator_client.get(f"/moderation/history/{commenter.pk}/").content.decode()
    assert "1 report received · 3 made" in html
    made = html.split("Reports they made")[1]
    for target in targets[:3]:
        assert f"on comment {target.pk} by {target.name}" in made
    for target in targets[3:]:
        assert f"on comment {target.pk} " not in made


def test_history_counts_and_bans_cover_all_their_comments(moderator_client, moderator, now):
    email = "regular@example.org"
    oldest = make_comment(
        email=email,
        status="pending",
        ip_network="203.0.113.0/24",
        posted_at=now - timedelta(days=9),
    )
    approve(comment=oldest, by=moderator, revision=oldest.revision)
    for n in range(HISTORY_LIMIT):
        make_comment(email=email, posted_at=now - timedelta(minutes=n), ip_network="")
    BannedNetwork.objects.create(network="203.0.113.0/24", expires_at=now - timedelta(days=1))
    BannedDomain.objects.create(domain="example.org")
    html = moderator_client.get(f"/moderation/history/{oldest.pk}/").content.decode()
    assert f"{HISTORY_LIMIT + 1} comments: {HISTORY_LIMIT + 1} published" in html
    assert f"Comments and decisions (the newest {HISTORY_LIMIT})" in html
    assert "Decisions on their comments: Approved 1" in html
    assert "network 203.0.113.0/24: expired" in html  # From a comment beyond the newest 50,
    assert "<strong>domain example.org</strong>: for good" in html
    assert "2 bans" in html


def test_history_query_count_is_fixed(moderator_client, moderator, django_assert_num_queries):
    troll = "troll@example.org"

    def fill():
        comment = make_comment(email=troll, status="pending", reader_key="troll-phone")
        decide_in_place(moderator_client, comment, "approve")
        Report.objects.create(comment=comment, reader_key=f"k{comment.pk}", reason="spam")
        Report.objects.create(
            comment=make_comment(), reader_key="reader:troll-phone", reason="abuse"
        )
        return comment

    comment = fill()
    # 1 session, 2 user, 3-4 permissions, 5 the comment, 6 their comments with articles,
    # 7 their log entries with actors, 8 their comments by status, 9 decisions by action,
    # 10 reports received and made counted, 11-13 bans by email, domain, network,
    # 14 reports received, 15 reports made with their comments, 16 nav
    with django_assert_num_queries(16):
        moderator_client.get(f"/moderation/history/{comment.pk}/")
    for _ in range(4):
        fill()
    BannedEmail.objects.create(email=troll)
    with django_assert_num_queries(16):
        assert moderator_client.get(f"/moderation/history/{comment.pk}/").status_code == 200


def test_history_is_for_moderators(client, reporter):
    comment = make_comment()
    client.force_login(reporter)
    assert client.get(f"/moderation/history/{comment.pk}/").status_code == 403


# Landing


@pytest.fixture
def with_password(django_user_model):
    def make(username, group=None, **extra):
        user = django_user_model.objects.create_user(
            username, f"{username}@example.org", "correct horse", is_staff=True, **extra
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        return user

    return make


def log_in(username):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": "correct horse", "next": "/admin/"},
    )
    return client, response


def test_moderators_land_on_the_desk_after_logging_in(with_password):
    with_password("mona", "Moderator")
    _, response = log_in("mona")
    assert response.status_code == 302 and response["Location"] == QUEUE


@pytest.mark.parametrize("group, superuser", [("Editor", False), (None, True)])
def test_editors_and_superusers_land_on_the_admin(with_password, group, superuser):
    with_password("ed", group, is_superuser=superuser)
    _, response = log_in("ed")
    assert response["Location"] == "/admin/"


def test_a_next_address_is_still_followed(with_password):
    with_password("mona", "Moderator")
    client = Client()
    response = client.post(
        "/admin/login/",
        {"username": "mona", "password": "correct horse", "next": "/admin/comments/"},
    )
    assert response["Location"] == "/admin/comments/"


def test_the_admin_index_links_to_the_desk(moderator_client):
    html = moderator_client.get("/admin/").content.decode()
    assert f'<a href="{QUEUE}"><strong>Moderation desk</strong></a>' in html


def test_wrong_password_still_fails(with_password):
    with_password("mona", "Moderator")
    response = Client().post("/admin/login/", {"username": "mona", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session
