"""Rendered teasers and comment threads are kept as fragments under their page keys: a page
renewed by one change is assembled from fragments that are still true, and never stale."""

import pytest
from django.test import Client

from comments.moderation import decide
from tests.comments.conftest import moderator  # noqa: F401
from tests.factories import make_article, make_comment, make_section

pytestmark = pytest.mark.django_db


def get(url):
    return Client().get(url).content.decode()


def test_edited_headline_shows_at_once_where_its_teaser_was_kept():
    section = make_section(name="Transport")
    buses = make_article(headline="Night buses return", section=section)
    make_article(headline="Trams run late", section=section)
    for url in ("/", section.get_absolute_url()):
        assert "Night buses return" in get(url)
    buses.headline = "Buses back tonight"
    buses.save()
    for url in ("/", section.get_absolute_url()):
        html = get(url)
        assert "Buses back tonight" in html and "Night buses return" not in html
        assert "Trams run late" in html  # its teaser, kept, still shows


def test_renamed_section_shows_at_once_on_kept_teasers():
    section = make_section(name="Transport")
    make_article(headline="Night buses return", section=section)
    assert ">Transport<" in get("/")
    section.name = "Getting around"
    section.save()
    assert ">Getting around<" in get("/")


def test_approved_comment_shows_at_once_in_a_kept_thread(moderator):  # noqa: F811
    article = make_article()
    make_comment(article=article, body="First view.")
    assert "First view." in get(article.get_absolute_url())
    held = make_comment(article=article, body="Second view.", status="pending")
    decide(comment=held, by=moderator, action="approve", revision=held.revision)
    assert "Second view." in get(article.get_absolute_url())


def test_story_edit_reuses_its_thread_and_shows_the_edit(django_assert_num_queries):
    article = make_article(headline="Ferry timetable changes")
    make_comment(article=article, body="The 7:10 is gone.")
    get(article.get_absolute_url())
    article.headline = "Ferry timetable changes in May"
    article.save()
    # The page's pinned ten with comments, less the page of threads: its fragment is still
    # true.
    with django_assert_num_queries(9):
        html = get(article.get_absolute_url())
    assert "Ferry timetable changes in May" in html and "The 7:10 is gone." in html


def test_a_moderators_pick_buttons_never_reach_the_shared_thread(moderator):  # noqa: F811
    article = make_article()
    make_comment(article=article, body="Worth a pick.")
    staff = Client()
    staff.force_login(moderator)
    assert "Make editors' pick" in staff.get(article.get_absolute_url()).content.decode()
    html = get(article.get_absolute_url())
    assert "Worth a pick." in html
    assert "Make editors" not in html and "csrfmiddlewaretoken" not in html
