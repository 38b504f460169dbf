"""Previews follow the change form's rule: who may open a story at the desk may preview it,
nobody else; a shared link shows its one story. Every role against every kind of story."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from articles.models import Article, Desk
from articles.previews import create_link
from tests.factories import make_article, make_draft, make_section, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom(tomorrow):
    """Two reporters, a desk editor for one section, an editor on no desk, a moderator, a
    superuser; and stories in every state, on two sections."""
    ours, theirs = make_section(), make_section()
    people = {
        "reporter": make_staff("Reporter", byline=True),
        "other_reporter": make_staff("Reporter", byline=True),
        "desk_editor": make_staff("Editor"),
        "editor": make_staff("Editor"),
        "moderator": make_staff("Moderator"),
        "superuser": User.objects.create_superuser("chief"),
    }
    desk = Desk.objects.create(name="Our desk")
    desk.sections.add(ours)
    desk.editors.add(people["desk_editor"])
    reporter, other = people["reporter"].author, people["other_reporter"].author
    stories = {
        "own_draft": make_draft(section=ours, authors=[reporter]),
        "own_in_review": make_draft(section=ours, authors=[reporter], status="in_review"),
        "filed_by_reporter": make_draft(section=theirs, authors=[], created_by=people["reporter"]),
        "others_draft": make_draft(section=ours, authors=[other]),
        "scheduled_on_other_desk": make_article(
            section=theirs, status="scheduled", published_at=tomorrow
        ),
        "killed_on_our_desk": make_article(section=ours, status="killed"),
        "published_on_other_desk": make_article(section=theirs),
    }
    return people, stories


def change_form_opens(browser, article):
    return browser.get(reverse("admin:articles_article_change", args=[article.pk])).status_code


@pytest.mark.parametrize(
    "person",
    ["reporter", "other_reporter", "desk_editor", "editor", "moderator", "superuser"],
)
class TestPreviewMatchesTheChangeForm:
    def test_previews_exactly_what_the_change_form_opens(self, newsroom, person):
        people, stories = newsroom
        browser = Client()
        browser.force_login(people[person])
        for name, article in stories.items():
            preview = browser.get(reverse("articles:preview", args=[article.pk]))
            opens = change_form_opens(browser, article) == 200
            assert (preview.status_code == 200) == opens, (person, name, preview.status_code)
            if not opens:
                assert preview.status_code in (403, 404)
                assert article.headline not in preview.content.decode()


def test_the_matrix_is_the_one_the_desk_expects(newsroom):
    """The rule the comparison above relies on, spelt out for a few cells."""
    people, stories = newsroom
    expected = {
        ("reporter", "own_draft"): 200,
        ("reporter", "own_in_review"): 200,
        ("reporter", "filed_by_reporter"): 200,
        ("reporter", "others_draft"): 404,
        ("reporter", "scheduled_on_other_desk"): 404,
        ("desk_editor", "others_draft"): 200,
        ("desk_editor", "killed_on_our_desk"): 200,
        ("desk_editor", "scheduled_on_other_desk"): 404,
        ("desk_editor", "published_on_other_desk"): 404,
        ("editor", "scheduled_on_other_desk"): 200,
        ("moderator", "own_draft"): 403,
        ("superuser", "others_draft"): 200,
    }
    for (person, story), status in expected.items():
        browser = Client()
        browser.force_login(people[person])
        response = browser.get(reverse("articles:preview", args=[stories[story].pk]))
        assert response.status_code == status, (person, story)


def test_readers_are_sent_to_sign_in(client, newsroom):
    _, stories = newsroom
    response = client.get(reverse("articles:preview", args=[stories["own_draft"].pk]))
    assert response.status_code == 302
    assert stories["own_draft"].headline not in response.content.decode()


class TestSharedLinkShowsOneStory:
    def test_a_link_shows_its_story_and_no_other(self, client, newsroom):
        people, stories = newsroom
        link = create_link(stories["others_draft"], by=people["superuser"])
        page = client.get(link.get_absolute_url()).content.decode()
        assert stories["others_draft"].headline in page
        for name, article in stories.items():
            if name != "others_draft" and article.status != Article.Status.PUBLISHED:
                assert article.headline not in page, name

    def test_holding_a_link_opens_no_staff_preview(self, client, newsroom):
        people, stories = newsroom
        link = create_link(stories["own_draft"], by=people["superuser"])
        assert client.get(link.get_absolute_url()).status_code == 200
        for article in stories.values():
            response = client.get(reverse("articles:preview", args=[article.pk]))
            assert response.status_code == 302
