"""Real-browser tests: Debian's Chromium, driven by Playwright, against a live server.

One browser serves the whole package; each test gets a fresh context (no cookies carried
over) on pytest-django's live server, whose database is the test's own (transactional).
"""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from PIL import Image
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from articles.models import Article
from articles.roles import sync_role_groups
from articles.views import LIST_PAGE_SIZE
from frontpage import publishing
from frontpage.models import Place
from library.models import Image as LibraryImage
from tests.factories import (
    make_article,
    make_author,
    make_comment,
    make_correction,
    make_section,
    make_staff,
)

CHROMIUM = Path("/usr/bin/chromium")
AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = settings.BASE_DIR / "artifacts" / "screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Staff accounts in these tests log in through the real login form with this password.
PASSWORD = "harbour-wall-spring-tide"


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does).")
    # Playwright's sync API keeps an asyncio loop running in this thread, and Django refuses
    # ORM calls beside a running loop. The test's own ORM calls never run on that loop.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                # Nothing leaves this machine: every host but the live server fails at once.
                args=["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost"],
            )
            yield browser
            browser.close()


def serve_static_through_the_app(app):
    """Leave /static/ to WhiteNoise, as in production."""
    return app


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, with static files served by WhiteNoise as in production.

    Its default static handler looks files up by their source names, so the hashed names
    that the manifest storage puts in pages would answer 404 and every page would lose its
    stylesheet. Media files are served from MEDIA_ROOT as the test has set it.
    """
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = serve_static_through_the_app
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def role_groups(request):
    """A live-server test runs on a database flushed after every such test, which loses the
    role groups a migration made: make them again, as the migrations do."""
    if "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        sync_role_groups()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Comment rate limits count in the cache, and every browser posts from 127.0.0.1."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def save_lead_image(media_root, name="lead/harbour.jpg", size=(1200, 675)):
    path = media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", size, (40, 90, 120)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return name


@pytest.fixture
def reader_site(media_root, now):
    """A small published newsroom with one of everything a reader page can show, and a
    front page arranged by its editors."""
    desk = make_section(name="Climate", slug="climate", description="How the planet is changing.")
    make_section(name="City", slug="city")
    reporter = make_author(name="Ada Reporter", slug="ada-reporter", bio="Covers the coast.")
    article = make_article(
        headline="Harbour wall holds as the spring tide peaks",
        dek="Engineers had warned the 1890s wall might give way.",
        body=(
            "The wall held.\n\n## What the engineers said\n\n"
            "> It did better than we feared.\n\n"
            "* Sandbags on the quay\n* Road closed for six hours\n\n"
            "Read the [council's statement](https://example.org/statement)."
        ),
        excerpt="The 1890s wall held through the highest tide of the year.",
        dateline="NORTHBRIDGE",
        article_type=Article.Type.ANALYSIS,
        section=desk,
        authors=[reporter, make_author(name="Grace Hopper", slug="grace-hopper")],
        sources=2,
        tags=["coast", "flooding"],
        lead_image=LibraryImage.objects.create(
            file=save_lead_image(media_root),
            title="Harbour wall",
            alt="Waves breaking over the harbour wall at dusk",
            caption="The north wall at high water.",
            credit="Photo: Ada Reporter",
        ),
        published_at=now,
        first_published_at=now,
    )
    make_comment(article=article, name="Tom Reader", body="The wall was rebuilt in 1953.")
    make_correction(article, text="An earlier version gave the wall's age as 100 years.")
    make_article(
        headline="Sea wall to be demolished",
        section=desk,
        status=Article.Status.KILLED,
        kill_notice="The council had not decided; we withdrew the story.",
        first_published_at=now,  # readers saw it: its address says it is gone (410)
    )
    # Enough older stories in the section for its page to paginate, and a related story.
    older = [
        make_article(
            headline=f"Older climate story {n}",
            section=desk,
            authors=[reporter],
            tags=["coast"] if n == 0 else (),
        )
        for n in range(21)
    ]
    # A story told in pictures from the library: one of each size, captions and credits.
    beside, across, full = (
        LibraryImage.objects.create(
            file=save_lead_image(media_root, f"library/{name}.jpg", size),
            title=name,
            alt=alt,
            caption=f"The library's caption of the {name}.",
            credit=f"Photo: {name.title()} Desk",
        )
        for name, size, alt in [
            ("sandbags", (800, 1000), "Sandbags stacked against a shop door"),
            ("quay", (1600, 900), "The flooded quay seen from the harbour master's office"),
            ("coastline", (2400, 1000), "The coastline from the air, the wall holding the sea"),
        ]
    )
    in_pictures = make_article(
        headline="The spring tide in pictures",
        section=desk,
        authors=[reporter],
        lead_image=across,
        body=(
            f"Shops stacked sandbags by noon.\n\n[[image {beside.pk} inline]]\n\n"
            f"The quay went under at four.\n\n[[image {across.pk}]]\n\n"
            f"By evening the wall had held.\n\n[[image {full.pk} full | The wall at dusk.]]"
        ),
    )
    # The editors' front page: the pictures lead, an older story is pinned, a banner is up.
    publishing.save_draft(
        layout=publishing.draft(),
        banner={"text": "Storm warning for the coast tonight", "url": "/", "expires_at": None},
        slots={Place.LEAD: [(in_pictures, None)], Place.PINNED: [(older[5], None)]},
    )
    publishing.publish(by=make_staff("Editor"))
    return article


@pytest.fixture
def reader_pages(reader_site):
    """Every kind of reader page, by name."""
    article = reader_site
    comment = article.comments.get()
    in_section = Article.objects.published().filter(section=article.section).newest_first()
    last_on_first_page = in_section[LIST_PAGE_SIZE - 1]
    return {
        "home": reverse("articles:home"),
        "section": article.section.get_absolute_url(),
        "section-older": f"{article.section.get_absolute_url()}?before={last_on_first_page.pk}",
        "tag": reverse("articles:tag", args=["coast"]),
        "author": article.byline_authors[0].get_absolute_url(),
        "article": article.get_absolute_url(),
        "article-pictures": reverse("articles:article", args=["the-spring-tide-in-pictures"]),
        "comment-reply": reverse("comments:reply", args=[comment.pk]),
        "comment-report": reverse("comments:report", args=[comment.pk]),
        "search": reverse("articles:search"),
        "search-results": reverse("articles:search") + "?q=harbour+wall",
        "search-errors": reverse("articles:search") + "?q=wall&published_from=2026-13-45",
        "corrections": reverse("articles:corrections"),
        "killed": reverse("articles:article", args=["sea-wall-to-be-demolished"]),
        "not-found": "/no-such-page/",
    }


def axe_violations(page):
    """Run axe-core in the page at WCAG 2.1 AA; one readable line per violated rule."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs it with npm ci.")
    # Evaluated through the DevTools protocol, so the Content-Security-Policy that refuses
    # inline scripts does not refuse axe (an injected <script> tag would be).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]
    ]


def screenshot(page, name):
    """Keep a full-page picture for CI's artefacts (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def log_in(page, user, password=PASSWORD):
    """Sign in through the desk's login form, as a person would."""
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # Editors land on the admin, reporters on their stories, moderators on their desk.
    page.wait_for_url(lambda url: "/login/" not in url)
