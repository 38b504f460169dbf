"""What a reader gets back, in Chromium: the confirmation where they are, their held comment
marked for them alone, likes in place, a remembered name, and reply emails they can stop."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from articles.models import ModerationMode
from comments import moderation
from comments.models import Comment, ConfirmedEmail
from comments.moderation import HELD_MESSAGE
from tests.e2e.conftest import DESKTOP, PHONE, axe_violations, screenshot
from tests.e2e.test_scenarios import post_comment
from tests.factories import make_article, make_comment


@pytest.fixture
def thread_article():
    """A pre-moderated article with a deep thread, a pick and likes."""
    article = make_article(
        headline="Ferry timetable changes in May", moderation_mode=ModerationMode.PRE
    )
    top = make_comment(article=article, name="Ada Quay", body="The 7:10 is gone.", like_count=4)
    moderation.feature(comment=top, by=None)
    reply = make_comment(article=article, parent=top, name="Ben Deck", body="It moves to 7:25.")
    deep = make_comment(article=article, parent=reply, name="Cy Pier", body="Too late for work.")
    make_comment(article=article, parent=deep, name="Di Dock", body="Ask the council.")
    for n in range(3):
        make_comment(article=article, name=f"Reader {n}", body=f"Another view, number {n}.")
    return article


def test_reader_sees_the_confirmation_where_they_are_and_their_held_comment_marked(
    browser, live_server, thread_article
):
    body = "Please keep one early sailing for shift workers."
    for viewport, width in [(DESKTOP, 1280), (PHONE, 390)]:
        Comment.objects.filter(body=body).delete()
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        reader = context.new_page()
        reader.goto(thread_article.get_absolute_url())
        # One address per pass: a person may post once in ten seconds, and both passes can
        # fall in one window.
        post_comment(reader, name="Sam Ferry", email=f"sam.{width}@example.org", body=body)
        status = reader.locator("#comment-status")
        expect(status.get_by_text(HELD_MESSAGE)).to_be_in_viewport()
        held = status.locator(".comment--held", has_text=body)
        expect(held).to_be_visible()
        expect(held).to_contain_text("Awaiting review")
        assert axe_violations(reader) == []
        screenshot(reader, f"comments-held-for-the-reader-{width}")
        # Back on the page later (shared and cached): their comment is fetched for them alone.
        reader.goto(thread_article.get_absolute_url())
        expect(reader.locator("#comment-status .comment--held", has_text=body)).to_be_visible()
        other = browser.new_context(base_url=live_server.url, viewport=viewport).new_page()
        other.goto(thread_article.get_absolute_url())
        expect(other.locator("#comments")).not_to_contain_text(body)
        other.context.close()
        context.close()


def test_threads_picks_and_likes_in_the_browser(page, thread_article):
    page.goto(thread_article.get_absolute_url())
    comments = page.locator("#comments")
    expect(comments.locator(".comment").first).to_contain_text("Editors' pick")
    expect(comments).not_to_contain_text("Ask the council.")
    page.get_by_role("link", name=re.compile("Continue this thread")).click()
    expect(page.locator("main")).to_contain_text("Ask the council.")
    page.go_back()
    # Collapse a thread: a <details> the reader closes.
    summary = comments.locator("summary").first
    summary.click()
    expect(comments.get_by_text("It moves to 7:25.")).to_be_hidden()
    summary.click()
    like = comments.locator(".comment", has_text="Another view, number 0.").get_by_role(
        "button", name=re.compile("^Like")
    )
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like.locator(".comment__likes")).to_have_text("1")
    assert page.url.endswith(thread_article.get_absolute_url())  # No page load.
    page.get_by_role("link", name="Most liked").click()
    expect(comments.locator(".comment-list > li > .comment").first).to_contain_text("The 7:10")
    assert axe_violations(page) == []
    screenshot(page, "comments-threads-1280")
    page.set_viewport_size(PHONE)
    screenshot(page, "comments-threads-390")
    page.get_by_role("link", name=re.compile("Editors' picks")).click()
    expect(comments.locator(".comment")).to_have_count(1)
    assert axe_violations(page) == []


def test_a_regular_keeps_their_name_between_visits(page, thread_article):
    page.goto(thread_article.get_absolute_url())
    page.get_by_label("Remember my name and address on this device").check()
    post_comment(page, name="Rae Regular", email="rae@example.org", body="Noted, thank you.")
    expect(page.locator("#comment-status")).to_contain_text("Noted, thank you.")
    another = make_article(headline="Another story").get_absolute_url()
    page.goto(another)
    expect(page.get_by_label("Name shown with your comment")).to_have_value("Rae Regular")
    expect(page.get_by_label("Email")).to_have_value("rae@example.org")
    # The page itself never carries them: it is shared by every reader.
    assert "rae@example.org" not in page.request.get(another).text()


def test_reply_notification_arrives_and_its_unsubscribe_link_works(page, live_server, settings):
    settings.SITE_URL = live_server.url
    article = make_article(headline="Pier reopens")
    ConfirmedEmail.objects.create(email="ada@example.org")
    parent = make_comment(
        article=article, name="Ada", email="ada@example.org", wants_reply_emails=True
    )
    for n in range(2):  # Bea is a regular: her reply is published at once.
        make_comment(article=article, email="bea@example.org", body=f"Earlier {n}")
    mail.outbox.clear()
    page.goto(f"/comments/{parent.pk}/reply/")
    post_comment(page, name="Bea", email="bea@example.org", body="Welcome back, pier!")
    expect(page.locator("#comments")).to_contain_text("Welcome back, pier!")
    [message] = mail.outbox
    assert message.to == ["ada@example.org"] and "Welcome back, pier!" in message.body
    unsubscribe = re.search(r"http://\S+/comments/replies/unsubscribe/\S+/", message.body)[0]
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    page.goto(unsubscribe)
    page.get_by_role("button", name="Stop reply emails").click()
    expect(page.get_by_text("we will not email you about replies any more")).to_be_visible()
    parent.refresh_from_db()
    assert not parent.wants_reply_emails


def test_new_comments_since_the_page_loaded_are_counted_with_a_link(page, thread_article):
    page.clock.install()
    page.goto(thread_article.get_absolute_url())
    notice = page.locator("#comments-new")
    expect(notice).to_be_hidden()
    make_comment(article=thread_article, name="Late Reader", body="Just landed: the 7:25 ran.")
    make_comment(article=thread_article, body="Held, so not counted", status="pending")
    page.clock.run_for(61_000)  # The page asks once a minute.
    expect(notice).to_have_text(re.compile("^1 new comment since you opened this page"))
    notice.get_by_role("link", name="Show it").click()
    top_level = page.locator("#comments > .comment-list > li > .comment")
    expect(top_level.nth(1)).to_contain_text("the 7:25 ran")
