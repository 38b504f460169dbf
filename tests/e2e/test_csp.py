"""The strict Content-Security-Policy breaks nothing: Chromium reports no violation on
reader pages or on the desk, while the desk's widgets are used."""

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.e2e.conftest import PASSWORD, log_in
from tests.factories import make_comment

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => window.__csp.push(
    `${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`
));
"""


@pytest.fixture
def watched(context):
    context.add_init_script(RECORD_VIOLATIONS)
    return context.new_page()


def violations(page):
    page.wait_for_load_state("load")
    return page.evaluate("window.__csp")


def test_reader_pages_run_under_the_policy(watched, reader_pages):
    for name, url in reader_pages.items():
        watched.goto(url)
        assert violations(watched) == [], name


def test_desk_runs_under_the_policy_widgets_included(watched, reader_site, django_user_model):
    make_comment(article=reader_site, status=Comment.Status.PENDING)
    chief = django_user_model.objects.create_superuser("chief", password=PASSWORD)
    log_in(watched, chief)
    change = reverse("admin:articles_article_change", args=[reader_site.pk])
    for url in [
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("desk:index"),
        reverse("desk:calendar"),
        reverse("admin:auth_user_change", args=[chief.pk]),
        reverse("comments:queue"),
        reverse("comments:log"),
        reverse("comments:overview"),
    ]:
        watched.goto(url)
        assert violations(watched) == [], url
    for url in [reverse("admin:articles_article_add"), change]:
        watched.goto(url)
        watched.get_by_label("Headline").fill("A headline typed into the desk")  # Slug script.
        watched.locator(".select2-selection").first.click()  # Autocomplete.
        watched.keyboard.press("Escape")
        # "Today"/"Now" shortcuts, some of them in folded fieldsets: unfold those first.
        watched.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        watched.locator(".datetimeshortcuts a >> visible=true").first.click()
        assert violations(watched) == [], url
