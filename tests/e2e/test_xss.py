"""The XSS corpus in a real browser: Chromium loads every page that shows a payload, and none runs.

The HTML-source tests (tests/security/test_xss.py) read what we send; these read what the
browser built from it, after its own parsing (where mutation XSS lives) and after every
script on the page ran. The Content-Security-Policy is bypassed here on purpose: escaping
alone must hold, the policy is a second wall.
"""

import json
from urllib.parse import urlencode

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse

from articles.models import Article
from tests.e2e.conftest import PASSWORD, log_in, save_lead_image
from tests.xss import PAYLOADS, hostile_markup, seed_hostile_newsroom

# window.print opens no dialog in headless Chromium; make it leave a mark instead.
TRAP_PRINT = "window.print = () => { window.__xss = 'print'; };"


@pytest.fixture
def hostile_newsroom(media_root):
    newsroom = seed_hostile_newsroom()
    for article in newsroom.articles:  # Their pictures exist, as they would on the site.
        save_lead_image(media_root, article.lead_image.file.name, size=(80, 45))
    return newsroom


@pytest.fixture
def watched_page(browser, live_server):
    """A page that records every dialog and every request leaving the site."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.add_init_script(TRAP_PRINT)
    page = context.new_page()
    page.ran = []
    page.on("dialog", lambda dialog: (page.ran.append(f"{dialog.type} dialog"), dialog.dismiss()))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url)
            else page.ran.append(f"request to {request.url}")
        ),
    )
    yield page
    context.close()


def what_ran(page, urls, *, then=None):
    """{url: [what ran or was injected]} for every page that is not clean.

    `then` is a script to run in each loaded page before looking again.
    """
    found = {}
    for url in urls:
        page.ran.clear()
        response = page.goto(url)
        assert response.status == 200, url
        problems = what_ran_here(page)
        if then:
            assert page.evaluate(then), url
            problems += what_ran_here(page)
        if problems:
            found[url] = problems
    return found


def what_ran_here(page):
    marked, dom = page.evaluate("() => [window.__xss, document.documentElement.outerHTML]")
    problems = page.ran + ([f"window.__xss = {marked!r}"] if marked else [])
    return problems + hostile_markup(dom)


def test_no_payload_runs_on_reader_pages(watched_page, hostile_newsroom):
    assert what_ran(watched_page, hostile_newsroom.reader_urls()) == {}
    search = reverse("articles:search")
    searches = [f"{search}?{urlencode({'q': payload})}" for payload in PAYLOADS]
    assert what_ran(watched_page, searches) == {}
    # The payloads did reach the reader, as text.
    watched_page.goto(hostile_newsroom.articles[0].get_absolute_url())
    assert watched_page.get_by_role("heading", level=1).inner_text() == PAYLOADS[0]


# What a feed reader does with a feed: parse the XML and show each item's HTML (RSS
# <description>, Atom <summary>/<content>) as HTML, then let its pictures load or fail.
READ_LIKE_A_FEED_READER = """async () => {
    const feed = new DOMParser().parseFromString(document.body.textContent, "application/xml");
    if (feed.querySelector("parsererror")) return false;
    const items = feed.querySelectorAll("item > description, entry > summary, entry > content");
    document.body.innerHTML = [...items].map(item => `<article>${item.textContent}</article>`)
        .join("");
    await Promise.all([...document.images].map(image => image.complete || new Promise(done => {
        image.addEventListener("load", done);
        image.addEventListener("error", done);
    })));
    return items.length > 0;
}"""


def test_no_payload_runs_in_feeds_nor_in_a_feed_reader(watched_page, hostile_newsroom):
    feeds = [reverse("articles:feed_rss"), reverse("articles:feed_atom")]
    for section, author in zip(hostile_newsroom.sections, hostile_newsroom.authors, strict=True):
        feeds.append(reverse("articles:section_feed_rss", args=[section.slug]))
        feeds.append(reverse("articles:author_feed_atom", args=[author.slug]))
    # Chromium shows a feed as text, then the page reads it as a feed reader would.
    assert what_ran(watched_page, feeds, then=READ_LIKE_A_FEED_READER) == {}


def test_no_payload_runs_on_desk_pages(watched_page, hostile_newsroom, django_user_model):
    chief = django_user_model.objects.create_superuser("chief", password=PASSWORD)
    # History pages and the desk's "recent actions" show change messages too.
    for payload in PAYLOADS[:20]:
        LogEntry.objects.log_actions(
            user_id=chief.pk,
            queryset=Article.objects.all(),
            action_flag=CHANGE,
            change_message=json.dumps([{"changed": {"fields": [payload]}}]),
        )
    log_in(watched_page, chief)
    # Every change list, and each article's change form, history and delete confirmation.
    assert what_ran(watched_page, hostile_newsroom.admin_urls()) == {}


def test_the_watch_sees_a_payload_that_runs(watched_page, live_server):
    """The checks above can fail: markup that runs is caught every way they look."""
    watched_page.goto(reverse("articles:home"))
    watched_page.set_content(
        '<img src=x onerror="alert(1)"><script>window.__xss = 1</script>'
        '<script src="https://evil.example/x.js"></script>'
    )
    assert "alert dialog" in watched_page.ran
    assert "request to https://evil.example/x.js" in watched_page.ran
    assert watched_page.evaluate("() => window.__xss") == 1
    assert hostile_markup(watched_page.content())
