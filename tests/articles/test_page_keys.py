"""A write renews only the pages that show what it changed (articles/caching.py page keys),
and every process on the machine agrees on what is fresh."""

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from articles.caching import PageKeysQuerySet, _page_keys_of, fragments
from articles.models import Article, Section
from comments.models import Comment
from comments.moderation import decide
from tests.factories import make_article, make_author, make_comment, make_section
from tests.processes import manage

pytestmark = pytest.mark.django_db

PIPELINE = Path(__file__).resolve().parent.parent / "fixtures" / "pipeline"


def get(url):
    """The page as a new anonymous reader gets it."""
    return Client().get(url)


def is_cached(url):
    return get(url)["X-Cache"] == "hit"


def cache_pages(*urls):
    for url in urls:
        get(url)
        assert is_cached(url), url


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_user("moira", is_staff=True)


@pytest.fixture
def two_desks():
    """Two sections with a live story each, nothing in common between them."""
    transport, science = make_section(name="Transport"), make_section(name="Science")
    buses = make_article(headline="Night buses return", section=transport)
    buses.tags.add("buses")
    coral = make_article(headline="Coral bleaching slows", section=science)
    coral.tags.add("reefs")
    return transport, science, buses, coral


def test_approved_comment_renews_its_story_and_nothing_else(two_desks, moderator):
    transport, science, buses, coral = two_desks
    held = make_comment(article=buses, body="Good for nurses.", status="pending")
    pages = [reverse("articles:home"), transport.get_absolute_url(), coral.get_absolute_url()]
    cache_pages(buses.get_absolute_url(), *pages)
    decide(comment=held, by=moderator, action="approve", revision=held.revision)
    assert "Good for nurses." in get(buses.get_absolute_url()).content.decode()
    for url in pages:
        assert is_cached(url), url


def test_edit_renews_the_story_and_the_pages_showing_its_teaser_only(two_desks):
    transport, science, buses, coral = two_desks
    teasers = [reverse("articles:home"), transport.get_absolute_url()]
    others = [science.get_absolute_url(), coral.get_absolute_url()]
    cache_pages(buses.get_absolute_url(), *teasers, *others)
    buses.headline = "Night buses return on Friday"
    buses.save()
    for url in [buses.get_absolute_url(), *teasers]:
        assert "Night buses return on Friday" in get(url).content.decode(), url
    for url in others:
        assert is_cached(url), url


def test_new_story_renews_the_lists_it_enters_only(two_desks):
    transport, science, buses, coral = two_desks
    author = make_author(name="Ada Reporter")
    make_article(headline="Older story by Ada", section=transport, authors=[author])
    unaffected = [science.get_absolute_url(), coral.get_absolute_url()]
    lists = [reverse("articles:home"), transport.get_absolute_url(), author.get_absolute_url()]
    cache_pages(*unaffected, *lists)
    make_article(headline="Tram line approved", section=transport, authors=[author])
    for url in lists:
        assert "Tram line approved" in get(url).content.decode(), url
    for url in unaffected:
        assert is_cached(url), url


def test_new_story_enters_the_related_rail_of_its_weeks_stories(two_desks):
    transport, science, buses, coral = two_desks
    cache_pages(buses.get_absolute_url(), coral.get_absolute_url())
    make_article(headline="Tram line approved", section=transport)
    assert "Tram line approved" in get(buses.get_absolute_url()).content.decode()
    assert is_cached(coral.get_absolute_url())


def test_renamed_author_renews_their_bylines(two_desks):
    transport, _, buses, coral = two_desks
    author = buses.bylines.get().author
    cache_pages(buses.get_absolute_url(), transport.get_absolute_url(), coral.get_absolute_url())
    author.name = "Ada Lovelace"
    author.save()
    assert "Ada Lovelace" in get(buses.get_absolute_url()).content.decode()
    assert "Ada Lovelace" in get(transport.get_absolute_url()).content.decode()
    assert is_cached(coral.get_absolute_url())


def test_queryset_update_renews_pages_like_a_save(two_desks):
    transport, science, buses, coral = two_desks
    cache_pages(buses.get_absolute_url(), coral.get_absolute_url())
    Article.objects.filter(pk=buses.pk).update(headline="Buses back tonight")
    assert "Buses back tonight" in get(buses.get_absolute_url()).content.decode()
    assert is_cached(coral.get_absolute_url())
    Article.objects.filter(pk=buses.pk).update(status=Article.Status.UNPUBLISHED)
    assert "Buses back tonight" not in get(transport.get_absolute_url()).content.decode()


def test_bulk_create_of_a_few_rows_renews_their_pages(two_desks):
    _, _, buses, coral = two_desks
    cache_pages(buses.get_absolute_url(), coral.get_absolute_url())
    Comment.objects.bulk_create(
        [
            Comment(
                article=buses, name="Ada", email="a@example.org", body="Bulk hello.", rule="passed"
            )
        ]
        + [Comment(article=coral, name="Bo", email="b@example.org", body="Held.", rule="passed")]
    )
    Comment.objects.filter(body="Bulk hello.").update(status=Comment.Status.PUBLISHED)
    assert "Bulk hello." in get(buses.get_absolute_url()).content.decode()
    assert is_cached(coral.get_absolute_url())  # a held comment shows nowhere


def test_bulk_load_renews_every_page(two_desks):
    _, _, buses, coral = two_desks
    cache_pages(buses.get_absolute_url(), coral.get_absolute_url())
    Section.objects.bulk_create([Section(name=f"Desk {n}", slug=f"desk-{n}") for n in range(101)])
    assert not is_cached(buses.get_absolute_url())
    assert not is_cached(coral.get_absolute_url())


def test_every_model_with_page_keys_updates_through_the_same_path():
    """update() and bulk_create() send no signals: a model whose rows pages show must route
    them through PageKeysQuerySet, else its writes would leave pages stale."""
    keyed = [model for model in apps.get_models() if _page_keys_of(model) is not None]
    assert {"articles.article", "comments.comment", "taggit.taggeditem"} <= {
        model._meta.label_lower for model in keyed
    }
    ours = [model for model in keyed if model._meta.app_label in {"articles", "comments"}]
    for model in ours:
        assert isinstance(model._default_manager.all(), PageKeysQuerySet), model


def test_reader_pages_record_no_key_of_a_draft(two_desks):
    """Pages that do not show a story are not renewed by its writes."""
    transport, *_ = two_desks
    cache_pages(transport.get_absolute_url())
    draft = make_article(
        headline="Still a draft", section=transport, status=Article.Status.DRAFT, published_at=None
    )
    draft.headline = "Still a draft, renamed"
    draft.save()
    assert is_cached(transport.get_absolute_url())


def test_rate_limit_counters_live_apart_from_pages():
    limits, pages = caches["ratelimit"], caches["default"]
    limits.set("probe", 1)
    pages.clear()
    assert limits.get("probe") == 1


@pytest.mark.django_db(transaction=True)
def test_uncommitted_edit_is_seen_by_nobody_else_and_by_everyone_once_committed(two_desks):
    _, _, buses, _ = two_desks
    url = buses.get_absolute_url()
    cache_pages(url)

    def read_elsewhere():
        """The page as a reader on another connection (another thread) gets it."""
        result = {}
        thread = threading.Thread(target=lambda: result.update(html=get(url).content.decode()))
        thread.start()
        thread.join()
        return result["html"]

    with transaction.atomic():
        Article.objects.filter(pk=buses.pk).update(headline="Buses back tonight")
        # This connection sees its own write at once; other readers see the committed page.
        assert "Buses back tonight" in get(url).content.decode()
        assert "Buses back tonight" not in read_elsewhere()
    assert "Buses back tonight" in read_elsewhere()
    assert not connection.in_atomic_block


@pytest.mark.django_db(transaction=True)
def test_command_in_another_process_renews_the_pages_of_this_one():
    """`make run` in one terminal, `import_articles --publish` in another: the home page
    shows the story at the next request, because both processes share the cache's SQLite files."""
    home = reverse("articles:home")
    make_article(headline="Already here", section=make_section(name="Science", slug="science"))
    make_author(name="Ada Reporter", slug="ada")
    cache_pages(home)
    manage(
        "import_articles",
        "--publish",
        "--byline",
        "ada",
        str(PIPELINE / "coral-reef-heat-survey.json"),
    )
    assert "Reef Corals Recovering" in get(home).content.decode()


@pytest.mark.django_db(transaction=True)
def test_erasure_in_another_process_takes_the_words_off_cached_pages():
    story = make_article(headline="Night buses return")
    make_comment(article=story, name="Gone Reader", email="gone@example.org", body="Was here.")
    cache_pages(story.get_absolute_url())
    manage("erase_commenter", "gone@example.org", "--reference", "GDPR-17")
    html = get(story.get_absolute_url()).content.decode()
    assert "Was here." not in html and "Gone Reader" not in html


@pytest.mark.django_db(transaction=True)
def test_scheduled_publication_by_command_in_another_process(now):
    story = make_article(
        headline="Budget announced",
        status=Article.Status.SCHEDULED,
        published_at=now + timedelta(days=1),
    )
    home = reverse("articles:home")
    cache_pages(home)
    Article.objects.filter(pk=story.pk).update(published_at=now)  # its time has come
    manage("publish_scheduled")
    assert "Budget announced" in get(home).content.decode()


def test_fragments_are_kept_while_their_keys_are_unchanged(two_desks):
    _, _, buses, coral = two_desks
    builds = []

    def teaser(story):
        def build():
            builds.append(story.pk)
            story.refresh_from_db()
            return f"<h3>{story.headline}</h3>", {f"article:{story.pk}"}

        return build

    def render():
        return fragments({"buses": teaser(buses), "coral": teaser(coral)})

    first = render()
    assert first["buses"] == ("<h3>Night buses return</h3>", {f"article:{buses.pk}"})
    assert render() == first and len(builds) == 2  # both from the cache
    Article.objects.filter(pk=buses.pk).update(headline="Buses back tonight")
    again = render()
    assert again["buses"][0] == "<h3>Buses back tonight</h3>"
    assert again["coral"] == first["coral"] and builds == [buses.pk, coral.pk, buses.pk]


def test_lost_freshness_data_renews_every_page(two_desks):
    """The clock and the versions may be lost (a cleared or restarted cache): no page filed
    before may then be served, since a change it missed may have gone with them."""
    transport, _, buses, _ = two_desks
    cache_pages(buses.get_absolute_url(), transport.get_absolute_url())
    caches["freshness"].clear()
    assert not is_cached(buses.get_absolute_url())
    assert not is_cached(transport.get_absolute_url())
    assert is_cached(buses.get_absolute_url())  # and filed again from then on
