"""Reports in Chromium: three fresh browsers (no cookies) from one address are one reader,
so they cannot take a comment down; the comment stays on the page."""

from comments.models import Report
from tests.e2e.conftest import DESKTOP, screenshot
from tests.factories import make_comment


def test_three_cookie_less_clients_from_one_address_cannot_take_a_comment_down(
    browser, live_server, reader_site
):
    comment = make_comment(article=reader_site, name="Blunt Bea", body="The council dithered.")
    for n in range(3):
        context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
        assert context.cookies() == []
        page = context.new_page()
        page.goto(f"/comments/{comment.pk}/report/")
        page.get_by_label("Abuse").check()
        page.get_by_role("button", name="Send the report").click()
        page.wait_for_url(f"**{reader_site.get_absolute_url()}**")
        if n == 2:
            screenshot(page, "report-third-client")
        context.close()
    comment.refresh_from_db()
    assert comment.status == "published"
    assert Report.objects.filter(comment=comment).count() == 1
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    page = context.new_page()
    page.goto(reader_site.get_absolute_url())
    assert "The council dithered." in page.content()
    context.close()
