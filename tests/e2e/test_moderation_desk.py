"""The moderation desk at keyboard speed, in Chromium: a moderator logs in, lands on the
queue and clears 50 comments without touching the mouse, then undoes one; a ban and its
undo by keyboard."""

import time

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from comments import moderation
from comments.desk import QUEUE_PAGE_SIZE
from comments.models import BannedEmail, Comment, LogAction, ModerationLogEntry, Report
from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, SCREENSHOTS, log_in, screenshot
from tests.factories import make_article, make_comment

QUEUE_SIZE = 50


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        "moira", "moira@example.org", PASSWORD, is_staff=True, first_name="Moira"
    )
    user.groups.add(Group.objects.get(name="Moderator"))
    return user


@pytest.fixture
def full_queue():
    article = make_article(headline="Night buses return to the harbour route")
    return [
        make_comment(
            article=article,
            name=f"Reader {n}",
            email=f"reader{n % 7}@example.org",
            body=f"Held comment number {n} about the night buses.",
            status="pending",
            rule="newcomer",
            reader_key=f"reader-{n % 7}",
            reason="a newcomer's first comments are reviewed",
        )
        for n in range(QUEUE_SIZE)
    ]


def test_a_moderator_clears_fifty_comments_with_the_keyboard_and_undoes_one(
    page, moderator, full_queue
):
    log_in(page, moderator)
    assert page.url.endswith("/moderation/")  # Moderators land on their desk.
    keys = page.locator("#desk-keys")
    expect(keys).to_contain_text("next card")
    cards = page.locator(".card")
    expect(cards.first).to_be_focused()  # Ready for the keyboard at once.
    started = time.monotonic()
    for n in range(QUEUE_SIZE):
        focused = page.locator(".card:focus")
        expect(focused).to_have_count(1)
        if n % 10 == 3:
            page.keyboard.press("r")
            expect(page.locator("select[data-action=reason]:focus")).to_have_count(1)
            page.keyboard.press("2")  # Off-topic.
        elif n % 10 == 7:
            page.keyboard.press("s")
        else:
            page.keyboard.press("a")
        expect(page.locator("#desk-status")).not_to_be_empty()
        expect(page.locator("[data-count=pending]")).to_have_text(str(QUEUE_SIZE - n - 1))
    elapsed = time.monotonic() - started
    expect(page.locator(".card")).to_have_count(0)
    assert not Comment.objects.filter(status="pending").exists()
    assert Comment.objects.filter(status="rejected", decision_reason="off_topic").count() == 5
    assert Comment.objects.filter(status="spam").count() == 5
    print(f"\n{QUEUE_SIZE} comments decided by keyboard in {elapsed:.1f} s")

    last = ModerationLogEntry.objects.filter(actor=moderator).order_by("-pk").first()
    page.keyboard.press("u")
    expect(page.locator("#desk-status")).to_contain_text("is pending again")
    expect(page.locator("[data-count=pending]")).to_have_text("1")
    comment = Comment.objects.get(pk=last.comment_id)
    assert comment.status == "pending"
    assert ModerationLogEntry.objects.filter(action=LogAction.UNDONE, actor=moderator).count() == 1


def test_undo_puts_the_card_back_and_it_can_be_decided_again(page, moderator, full_queue):
    log_in(page, moderator)
    first = full_queue[0]
    expect(page.locator(f"#card-{first.pk}")).to_be_focused()
    page.keyboard.press("a")
    expect(page.locator(f"#card-{first.pk}")).to_have_count(0)
    expect(page.locator(f"#card-{full_queue[1].pk}")).to_be_focused()
    page.keyboard.press("u")
    expect(page.locator(f"#card-{first.pk}")).to_be_focused()
    page.keyboard.press("s")  # The card's buttons carry the revision the undo left.
    expect(page.locator(f"#card-{first.pk}")).to_have_count(0)
    first.refresh_from_db()
    assert first.status == "spam"


def test_a_ban_by_keyboard_and_its_undo_put_the_authors_cards_back(page, moderator, full_queue):
    log_in(page, moderator)
    first = full_queue[0]
    theirs = [c for c in full_queue if c.email == first.email]
    expect(page.locator(f"#card-{first.pk}")).to_be_focused()
    page.keyboard.press("b")  # Opens the ban panel on its button: for good, and
    page.keyboard.press("Enter")  # their pending comments rejected with it.
    expect(page.locator("#desk-status")).to_contain_text("is banned")
    expect(page.locator("[data-count=pending]")).to_have_text(str(QUEUE_SIZE - len(theirs)))
    for comment in theirs:
        expect(page.locator(f"#card-{comment.pk}")).to_have_count(0)
    expect(page.locator(f"#card-{full_queue[1].pk}")).to_be_focused()
    assert BannedEmail.objects.filter(email=first.email).exists()

    page.keyboard.press("u")
    expect(page.locator("#desk-status")).to_contain_text("Undone: Author banned")
    expect(page.locator("[data-count=pending]")).to_have_text(str(QUEUE_SIZE))
    expect(page.locator(".card")).to_have_count(QUEUE_PAGE_SIZE)
    expect(page.locator(f"#card-{first.pk}")).to_be_focused()
    expect(page.locator("#desk-undo")).to_be_hidden()
    assert not BannedEmail.objects.exists()
    assert Comment.objects.filter(status="pending").count() == QUEUE_SIZE
    order = page.locator(".card").evaluate_all("cards => cards.map(c => +c.dataset.comment)")
    assert order == [c.pk for c in full_queue[:QUEUE_PAGE_SIZE]]  # Each back in its place.


def test_a_ban_from_a_published_card_keeps_it_and_takes_the_authors_held_ones(page, moderator):
    troll, other = "troll@example.org", "other@example.org"
    published = make_comment(email=troll, open_report_count=1)
    held = make_comment(email=troll, status="pending", open_report_count=1)
    bystander = make_comment(email=other, status="pending", open_report_count=1)
    log_in(page, moderator)
    page.goto("/moderation/?tab=reported")
    expect(page.locator(f"#card-{published.pk}")).to_be_focused()
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    expect(page.locator("#desk-status")).to_contain_text("1 of their pending comments rejected")
    expect(page.locator(f"#card-{held.pk}")).to_have_count(0)
    expect(page.locator(f"#card-{published.pk}")).to_be_focused()  # Still there to decide.
    expect(page.locator(f"#card-{bystander.pk}")).to_have_count(1)
    page.keyboard.press("u")
    expect(page.locator(f"#card-{held.pk}")).to_be_focused()


def test_history_opens_beside_the_card_and_the_desk_is_photographed(
    browser, live_server, moderator, full_queue
):
    for name, viewport in [("1280", DESKTOP), ("390", PHONE)]:
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        log_in(page, moderator)
        page.keyboard.press("j")  # The second card: the first has focus on arrival.
        page.keyboard.press("h")
        panel = page.locator("#desk-history")
        expect(panel).to_be_visible()
        expect(panel).to_contain_text(full_queue[1].email)
        if viewport is DESKTOP:
            card = page.locator(".card").first.bounding_box()
            beside = panel.bounding_box()
            assert beside["x"] > card["x"] + card["width"]  # Beside, not below.
        screenshot(page, f"moderation-desk-{name}")
        # What the moderator sees: the phone's panel is fixed over the lower half.
        page.screenshot(path=SCREENSHOTS / f"moderation-desk-{name}-viewport.png")
        context.close()


def test_the_commenters_history_is_photographed(browser, live_server, moderator, full_queue):
    troll = full_queue[0]
    for comment in full_queue[7:15:7]:
        moderation.reject(comment=comment, by=moderator, revision=0, reason="abuse")
    moderation.ban_author(comment=troll, by=moderator, include_network=True)
    Report.objects.create(comment=troll, reader_key="reader:k", reason="abuse", note="Rude")
    for victim in full_queue[1:4]:
        Report.objects.create(
            comment=victim, reader_key=f"reader:{troll.reader_key}", reason="spam"
        )
    for name, viewport in [("1280", DESKTOP), ("390", PHONE)]:
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        log_in(page, moderator)
        page.goto(f"/moderation/history/{troll.pk}/")
        expect(page.locator(".history__summary")).to_contain_text("1 report received · 3 made")
        screenshot(page, f"commenter-history-{name}")
        context.close()


def test_the_desk_works_without_javascript(browser, live_server, moderator, full_queue):
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, moderator)
    first = full_queue[0]
    page.locator(f"#card-{first.pk}").get_by_role("button", name="Approve").click()
    expect(page.locator("body")).to_contain_text("1 comment(s) approved.")
    expect(page.locator(f"#card-{first.pk}")).to_have_count(0)
    page.get_by_role("button", name="Undo").click()
    expect(page.locator(f"#card-{first.pk}")).to_have_count(1)
    context.close()
