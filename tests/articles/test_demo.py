import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles.models import Article, Byline, Section, Source

pytestmark = pytest.mark.django_db

DEMO_SECTIONS = {"ai", "science", "local", "business", "culture"}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def snapshot():
    """Everything load_demo writes, to show a second run changes none of it."""
    return {
        "sections": list(Section.objects.values_list("slug", "name", "description", "position")),
        "articles": list(
            Article.objects.order_by("pk").values_list(
                "pk", "slug", "status", "published_at", "modified_at", "lead_image"
            )
        ),
        "bylines": list(Byline.objects.values_list("article", "author", "position")),
        "sources": Source.objects.count(),
        "users": list(get_user_model().objects.values_list("username", "password")),
    }


def test_demo_fills_every_section_with_published_illustrated_stories(client):
    load_demo()
    assert set(Section.objects.values_list("slug", flat=True)) >= DEMO_SECTIONS
    for section in Section.objects.filter(slug__in=DEMO_SECTIONS):
        assert section.description
        assert Article.objects.published().filter(section=section).count() >= 2
    articles = Article.objects.published()
    assert articles.count() == Article.objects.count() - 1 >= 14
    for article in Article.objects.all():
        assert article.bylines.exists(), article
        assert article.lead_image and article.lead_alt() and article.lead_credit()
    buses = Article.objects.get(headline__startswith="Northbridge Approves Year-Long Pilot")
    page = client.get(buses.get_absolute_url()).content.decode()
    assert buses.lead_image.file.url in page and buses.lead_alt() in page
    home = client.get("/").content.decode()
    assert "Northbridge Approves Year-Long Pilot" in home  # The newest story leads.


def test_demo_leaves_the_story_without_sources_in_review_for_the_desk(client):
    out = load_demo()
    karpathy = Article.objects.get(headline__startswith="Karpathy Joins Anthropic")
    assert karpathy.status == Article.Status.IN_REVIEW and not karpathy.sources.exists()
    assert f"Filed for review: {karpathy.headline}" in out
    assert client.get(karpathy.get_absolute_url()).status_code == 404
    assert karpathy.revisions.get().author_name.startswith("the demo, from karpathy")


def test_running_the_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    load_demo()
    before = snapshot()
    out = load_demo()
    assert snapshot() == before
    assert out.count("Already loaded: ") == 15 and "Filed" not in out


def test_demo_staff_accounts_get_generated_passwords_and_desk_groups(settings, client):
    settings.DEBUG = True
    out = load_demo()
    passwords = dict(re.findall(r"Demo staff account '(\w+)': password (\S+)", out))
    assert set(passwords) == {"admin", "editor", "reporter", "moderator"}
    assert len(set(passwords.values())) == 4
    for username, password in passwords.items():
        assert client.login(username=username, password=password), username
        client.logout()
    User = get_user_model()
    assert User.objects.get(username="admin").is_superuser
    for username, role in [
        ("editor", "Editor"),
        ("reporter", "Reporter"),
        ("moderator", "Moderator"),
    ]:
        assert list(User.objects.get(username=username).groups.values_list("name", flat=True)) == [
            role
        ]
    assert User.objects.get(username="reporter").author.slug == "priya-raman"
    # A second run prints no password and keeps the first ones.
    again = load_demo()
    assert "its password is unchanged" in again and "password " + passwords["admin"] not in again
    assert client.login(username="admin", password=passwords["admin"])


def test_demo_refuses_staff_accounts_with_debug_off(settings):
    settings.DEBUG = False
    out = load_demo()
    assert "DEBUG is off: no demo staff accounts created" in out
    assert not get_user_model().objects.exists()
    assert Article.objects.published().exists()
