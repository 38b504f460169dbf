"""Rendered teasers and comment threads are kept as fragments under their page keys: a page
renewed by one change is assembled from fragments that are still true, and never stale."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

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
    # The page's pinned ten with comments, less the page of threads, the comment counts and
    # the masthead: their fragments are still true.
    with django_assert_num_queries(7):
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


def test_home_page_renewed_by_a_query_string_runs_no_query(django_assert_num_queries):
    make_article(headline="Night buses return")
    get("/")
    # Its own entry is new (the address is), every fragment it is made of is still true.
    with django_assert_num_queries(0):
        html = get("/?utm_source=newsletter")
    assert "Night buses return" in html


def test_article_page_renewed_by_a_query_string_runs_no_query(django_assert_num_queries):
    article = make_article(headline="Ferry timetable changes")
    make_comment(article=article, body="The 7:10 is gone.")
    get(article.get_absolute_url())
    with django_assert_num_queries(0):
        html = get(f"{article.get_absolute_url()}?utm_source=newsletter")
    assert "Ferry timetable changes" in html and "The 7:10 is gone." in html


def test_edit_renews_the_fragments_that_show_the_story_and_only_those(
    django_assert_num_queries,
):
    transport, science = make_section(name="Transport"), make_section(name="Science")
    buses = make_article(headline="Night buses return", section=transport)
    coral = make_article(headline="Coral bleaching slows", section=science)
    make_comment(article=coral, body="Good news for once.")
    for url in ("/", buses.get_absolute_url(), coral.get_absolute_url()):
        get(url)
    buses.headline = "Buses back tonight"
    buses.save()
    assert "Buses back tonight" in get("/")
    assert "Buses back tonight" in get(buses.get_absolute_url())
    # The other story shares nothing with it: its page is assembled from its fragments.
    with django_assert_num_queries(0):
        html = get(f"{coral.get_absolute_url()}?from=home")
    assert "Coral bleaching slows" in html and "Good news for once." in html


def test_approved_comment_renews_the_thread_and_keeps_the_story(
    moderator,  # noqa: F811
    django_assert_num_queries,
):
    article = make_article(headline="Ferry timetable changes")
    make_comment(article=article, body="The 7:10 is gone.")
    get(article.get_absolute_url())
    held = make_comment(article=article, body="And the 8:40.", status="pending")
    decide(comment=held, by=moderator, action="approve", revision=held.revision)
    # 1 the settings with the comment counts, 2 the page of threads; the story, its
    # related stories and the masthead come from their fragments.
    with django_assert_num_queries(2):
        html = get(article.get_absolute_url())
    assert "Ferry timetable changes" in html and "And the 8:40." in html
    assert 'Comments <span class="comments__count">(2)</span>' in html


def test_kept_story_leaves_at_its_unpublish_time_without_any_write():
    gone_at = timezone.now() + timedelta(seconds=3)  # room for a slow first render
    article = make_article(headline="Polls open today", unpublish_at=gone_at)
    assert "Polls open today" in get(article.get_absolute_url())
    time.sleep(max(0, (gone_at - timezone.now()).total_seconds()) + 0.1)
    # A new address too: the story's own fragment is cut at the moment, like the page.
    assert Client().get(f"{article.get_absolute_url()}?late=1").status_code == 404
