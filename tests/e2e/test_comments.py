"""Comments in Chromium, beyond the reader pages and scenarios the other browser tests cover:
a refused comment comes back with the reader's text (JavaScript off), and the moderation
desk's pages pass axe-core and the Nu HTML Checker."""

import pytest

from comments.models import Comment, ModerationLogEntry, Report
from tests.e2e.conftest import DESKTOP, PASSWORD, axe_violations, log_in, screenshot
from tests.e2e.test_accessibility import nu_html_errors
from tests.factories import make_comment

BODY = "The tide gauge at the quay read 6.1 metres.\n\nI watched it from the lifeboat station."
DESK_PAGES = {
    "moderation-queue": "/moderation/",
    "moderation-reported": "/moderation/?tab=reported",
    "moderation-rejected": "/moderation/?tab=rejected",
    "moderation-log": "/moderation/log/",
    "moderation-overview": "/moderation/overview/",
}


def desk_pages(article):
    """The desk's pages, with the history of the held commenter's card."""
    held = article.comments.get(status="pending")
    return {**DESK_PAGES, "moderation-history": f"/moderation/history/{held.pk}/"}


@pytest.fixture
def discussed_article(reader_site):
    """The reader site's article with a reply, a held and reported comment, and a rejected one."""
    article = reader_site
    top = make_comment(article=article, name="Maya Okafor", body="See https://example.org/tide")
    make_comment(article=article, parent=top, name="Newsroom Desk", is_by_staff=True, body="Thanks")
    held = make_comment(
        article=article,
        parent=top,
        name="Sceptic",
        body="This is a scam",
        status="pending",
        rule="suspect_term",
        reason="matched scam",
        matched_terms=["scam"],
        open_report_count=1,
    )
    Report.objects.create(comment=held, reader_key="k", reason="other", note="Unfair")
    make_comment(article=article, name="Angry", body="Rude words", status="rejected")
    ModerationLogEntry.objects.create(
        comment=held, article=article, action="posted", to_status="pending", rule="suspect_term"
    )
    return article


def test_refused_comment_comes_back_with_the_readers_text_with_javascript_off(
    browser, live_server, discussed_article
):
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(discussed_article.get_absolute_url())
    page.get_by_label("Name shown with your comment").fill("Ruth Alder")
    page.get_by_label("Email").fill("ruth@example.org")
    page.get_by_label("Your comment (plain text").fill(BODY)
    page.get_by_role("button", name="Post comment").click()  # At once: faster than a person.
    page.wait_for_url("**/comments/article/**")
    assert "sent too quickly after the page loaded" in page.content()
    assert page.get_by_label("Your comment (plain text").input_value() == BODY
    assert page.get_by_label("Name shown with your comment").input_value() == "Ruth Alder"
    assert not Comment.objects.filter(name="Ruth Alder").exists()
    context.close()


def test_moderation_pages_have_no_accessibility_violations(
    page, discussed_article, django_user_model
):
    log_in(page, django_user_model.objects.create_superuser("chief", password=PASSWORD))
    for name, url in desk_pages(discussed_article).items():
        page.goto(url)
        assert axe_violations(page) == [], name
        screenshot(page, name)


@pytest.mark.django_db
def test_moderation_pages_are_valid_html(client, discussed_article, django_user_model, tmp_path):
    client.force_login(django_user_model.objects.create_superuser("chief"))
    for name, url in desk_pages(discussed_article).items():
        response = client.get(url)
        assert response.status_code == 200, name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    assert nu_html_errors(tmp_path) == []
