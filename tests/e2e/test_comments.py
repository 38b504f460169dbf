"""Comments in Chromium: the form works with JavaScript off and keeps the reader's text when
refused; comment and moderation pages pass axe-core and the Nu HTML Checker."""

import pytest
from django.urls import reverse

from comments.models import Comment, Report
from tests.e2e.conftest import DESKTOP, PASSWORD, PHONE, axe_violations, log_in, screenshot
from tests.e2e.test_accessibility import nu_html_errors
from tests.factories import make_comment

BODY = "The tide gauge at the quay read 6.1 metres.\n\nI watched it from the lifeboat station."


@pytest.fixture
def discussed_article(reader_site):
    article = reader_site
    top = make_comment(
        article=article,
        name="Maya Okafor",
        body="Line one\nline two\n\nThe gauge data: https://example.org/tide",
    )
    make_comment(
        article=article, parent=top, name="Newsroom Desk", is_by_staff=True, body="Thank you."
    )
    held = make_comment(
        article=article,
        name="Sceptic",
        body="This is a scam",
        status="pending",
        rule="suspect_term",
        reason="matched scam",
        matched_terms=["scam"],
        open_report_count=1,
    )
    Report.objects.create(comment=held, reader_key="k", reason="other", note="Unfair")
    return article


@pytest.fixture
def no_script_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


def fill_comment(page, name="Ruth Alder", email="ruth@example.org", body=BODY):
    page.get_by_label("Name shown with your comment").fill(name)
    page.get_by_label("Email (never shown to anyone but our staff)").fill(email)
    page.get_by_label("Your comment (plain text, up to 3,000 characters)").fill(body)


def test_reader_comments_with_javascript_off_and_is_told_it_is_held(
    no_script_page, discussed_article
):
    page = no_script_page
    page.goto(discussed_article.get_absolute_url())
    fill_comment(page)
    page.wait_for_timeout(3200)  # A person takes longer than the form's 3-second minimum.
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url(f"**{discussed_article.get_absolute_url()}*")
    assert "your comment will appear once a moderator approves it" in page.content()
    assert Comment.objects.get(name="Ruth Alder").status == "pending"


def test_refused_comment_comes_back_with_the_readers_text(no_script_page, discussed_article):
    page = no_script_page
    page.goto(discussed_article.get_absolute_url())
    fill_comment(page)
    page.get_by_role("button", name="Post comment").click()  # At once: too fast.
    page.wait_for_url("**/comments/article/**")
    assert "sent too quickly after the page loaded" in page.content()
    field = page.get_by_label("Your comment (plain text, up to 3,000 characters)")
    assert field.input_value() == BODY
    assert page.get_by_label("Name shown with your comment").input_value() == "Ruth Alder"
    assert not Comment.objects.filter(name="Ruth Alder").exists()


def test_comment_pages_have_no_accessibility_violations(page, discussed_article):
    top = Comment.objects.get(name="Maya Okafor")
    pages = {
        "article-with-comments": discussed_article.get_absolute_url(),
        "comment-reply": reverse("comments:reply", args=[top.pk]),
        "comment-report": reverse("comments:report", args=[top.pk]),
    }
    for name, url in pages.items():
        page.goto(url)
        for width, viewport in [("desktop", DESKTOP), ("phone", PHONE)]:
            page.set_viewport_size(viewport)
            assert axe_violations(page) == [], f"{name} at {width} width"
            screenshot(page, f"{name}-{width}")
    page.goto(discussed_article.get_absolute_url())
    page.get_by_role("button", name="Post comment").click()  # Every field empty.
    assert axe_violations(page) == [], "refused comment form"


def test_moderation_pages_have_no_accessibility_violations(
    page, discussed_article, django_user_model
):
    chief = django_user_model.objects.create_superuser("chief", password=PASSWORD)
    log_in(page, chief)
    for name, url in [
        ("moderation-queue", reverse("comments:queue")),
        ("moderation-reported", reverse("comments:queue") + "?tab=reported"),
        ("moderation-log", reverse("comments:log")),
        ("moderation-overview", reverse("comments:overview")),
    ]:
        page.goto(url)
        assert axe_violations(page) == [], name
        screenshot(page, name)


@pytest.mark.django_db
def test_comment_and_moderation_pages_are_valid_html(
    client, discussed_article, django_user_model, tmp_path
):
    top = Comment.objects.get(name="Maya Okafor")
    pages = {
        "article-with-comments": client.get(discussed_article.get_absolute_url()),
        "comment-reply": client.get(reverse("comments:reply", args=[top.pk])),
        "comment-report": client.get(reverse("comments:report", args=[top.pk])),
        "comment-report-refused": client.post(
            reverse("comments:report", args=[top.pk]), {"reason": "other"}
        ),
        "comment-refused": client.post(
            reverse("comments:post", args=[discussed_article.pk]), {"body": BODY}
        ),
    }
    client.force_login(django_user_model.objects.create_superuser("chief"))
    for tab in ["pending", "reported", "published"]:
        pages[f"queue-{tab}"] = client.get(reverse("comments:queue"), {"tab": tab})
    pages["log"] = client.get(reverse("comments:log"))
    pages["overview"] = client.get(reverse("comments:overview"))
    for name, response in pages.items():
        (tmp_path / f"{name}.html").write_bytes(response.content)
    assert nu_html_errors(tmp_path) == []
