"""A prepared query gives the rows its ORM queryset gives, on the database the suite runs on."""

from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import BooleanField, Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Byline
from articles.visibility import live
from comments.models import Comment
from newsroom.prepared import Param, ParamList, prepared
from tests.factories import make_article, make_comment, make_section

pytestmark = pytest.mark.django_db

NOW = Param("now", Article._meta.get_field("published_at"))
SECTION = Param("section", IntegerField())


def stories(now, section):
    """Live stories of a section with the time they stay up and their comment count: a
    datetime that may be NULL, a subquery and a boolean annotation."""
    comments = (
        Comment.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Article.objects.filter(live(now), section=section)
        .annotate(
            comment_count=Coalesce(Subquery(comments), 0),
            is_commenting_open_now=Coalesce(
                "is_commenting_open", True, output_field=BooleanField()
            ),
            section_name=F("section__name"),
        )
        .order_by("-published_at", "-pk")
    )


@prepared
def live_stories():
    return stories(NOW, SECTION).values(
        "pk", "headline", "published_at", "unpublish_at", "is_commenting_open_now",
        "comment_count", "section_name",
    )  # fmt: skip


@prepared
def live_story_ids(limit):
    return stories(NOW, SECTION).values_list("pk", flat=True)[:limit]


@prepared
def bylines_in():
    """Bylines of stories published between two times."""
    around = (Param("start", NOW.output_field), Param("end", NOW.output_field))
    return (
        Byline.objects.filter(article__published_at__range=around, author__slug__gt="")
        .order_by("pk")
        .values_list("article_id", "author__name", "article__published_at")
    )


@pytest.fixture
def section(now):
    section = make_section()
    make_article(section=section, headline="Live", published_at=now - timedelta(hours=2))
    story = make_article(
        section=section,
        headline="Leaving",
        published_at=now - timedelta(hours=1),
        unpublish_at=now + timedelta(hours=1),
        is_commenting_open=False,
    )
    make_comment(article=story)
    make_comment(article=story)
    make_article(section=section, headline="Gone", unpublish_at=now - timedelta(minutes=1))
    make_article(section=section, headline="Later", published_at=now + timedelta(hours=1))
    make_article(headline="Elsewhere")
    return section


def test_prepared_rows_are_the_querysets_rows(section, now):
    expected = list(
        stories(now, section.pk).values(
            "pk",
            "headline",
            "published_at",
            "unpublish_at",
            "is_commenting_open_now",
            "comment_count",
            "section_name",
        )  # fmt: skip
    )
    rows = live_stories(now=now, section=section.pk)
    assert [row["headline"] for row in rows] == ["Leaving", "Live"]
    assert rows == expected
    assert rows[0]["published_at"].tzinfo is not None
    assert rows[0]["is_commenting_open_now"] is False
    assert rows[1]["is_commenting_open_now"] is True
    assert rows[1]["unpublish_at"] is None
    assert [row["comment_count"] for row in rows] == [2, 0]


def test_each_run_takes_its_own_values(section, now):
    later = now + timedelta(hours=2)
    assert live_stories(now=now, section=section.pk) == list(
        stories(now, section.pk).values(*live_stories(now=now, section=section.pk)[0])
    )
    assert [row["headline"] for row in live_stories(now=later, section=section.pk)] == [
        "Later",
        "Live",
    ]
    assert live_stories(now=now, section=section.pk + 1000) == []


def test_flat_values_list_and_a_shape_argument(section, now):
    expected = list(stories(now, section.pk).values_list("pk", flat=True)[:1])
    assert live_story_ids(1, now=now, section=section.pk) == expected
    assert len(live_story_ids(5, now=now, section=section.pk)) == 2


def test_a_range_of_params_gives_tuples(section, now):
    around = (now - timedelta(minutes=90), now + timedelta(minutes=90))
    expected = list(
        Byline.objects.filter(article__published_at__range=around, author__slug__gt="")
        .order_by("pk")
        .values_list("article_id", "author__name", "article__published_at")
    )
    rows = bylines_in(start=around[0], end=around[1])
    assert rows and isinstance(rows[0], tuple)
    assert rows == expected


def test_a_run_is_one_query_and_compiles_once(section, now, django_assert_num_queries):
    live_stories(now=now, section=section.pk)
    with django_assert_num_queries(1), CaptureQueriesContext(connection) as first:
        live_stories(now=now, section=section.pk)
    with CaptureQueriesContext(connection) as second:
        live_stories(now=now + timedelta(seconds=1), section=section.pk)
    assert first[0]["sql"] != second[0]["sql"]  # the values differ, the statement does not
    assert list(live_stories.statements[connections[DEFAULT_DB_ALIAS]]) == [()]


def test_a_query_must_be_given_every_value(section, now):
    with pytest.raises(TypeError, match="section"):
        live_stories(now=now)


def test_a_list_that_can_match_nothing_runs_no_query(django_assert_num_queries):
    @prepared
    def none_of(ids):
        return Article.objects.filter(Q(pk__in=ids)).values("pk")

    with django_assert_num_queries(0):
        assert none_of(()) == []


@prepared
def live_but(count):
    """Live stories of a section but `count` of them (a list's length is a shape)."""
    others = ParamList("others", Article._meta.pk, count)
    return stories(NOW, SECTION).exclude(pk__in=others).values_list("headline", flat=True)


def test_a_list_of_values_takes_one_statement_per_length(section, now):
    ids = list(stories(now, section.pk).values_list("pk", flat=True))
    for others in ([], ids[:1], ids):
        expected = list(
            stories(now, section.pk).exclude(pk__in=others).values_list("headline", flat=True)
        )
        assert live_but(len(others), now=now, section=section.pk, others=others) == expected
    assert live_but(0, now=now, section=section.pk, others=[]) == ["Leaving", "Live"]
    with pytest.raises(TypeError, match="others takes 1 values"):
        live_but(1, now=now, section=section.pk, others=ids)


def test_reader_queries_give_the_orms_rows(section, now):
    """The prepared reader queries against their querysets on the same rows."""
    from articles import pages
    from comments.models import CommentSettings
    from tests.factories import make_correction

    story = Article.objects.get(headline="Leaving")
    story.tags.add("budget", "rail")
    make_correction(story)
    neighbour = make_article(section=section, published_at=now - timedelta(days=3))
    neighbour.tags.add("rail")
    make_article(published_at=now - timedelta(days=30), tags=["rail"])
    parts = pages.story_parts(story)
    assert parts["sources"] == list(
        story.sources.values("title", "publisher", "url", "published_on", "note")
    )
    assert parts["sources"][0]["published_on"] is None
    assert sorted(tag["pk"] for tag in parts["tags"]) == sorted(
        story.tags.values_list("pk", flat=True)
    )
    assert [row["pk"] for row in parts["corrections"]] == list(
        story.corrections.values_list("pk", flat=True)
    )
    assert pages.newest_per_section(2, now=now) == pages.rows(
        Article.objects.newest_per_section(2, now=now)
    )
    tag_ids = [tag["pk"] for tag in parts["tags"]]
    start, end = story.related_window()
    related = Article.objects.live_at(now).related_to(
        pk=story.pk, section_id=section.pk, around=(start, end), tag_ids=tag_ids
    )
    rows = pages.automatic_related(
        4, len(tag_ids), 0, True,
        now=now, article=story.pk, section=section.pk, start=start, end=end, tags=tag_ids,
        chosen=[],
    )  # fmt: skip
    assert rows[0][0] == neighbour.pk
    assert rows == list(pages.link_values(related[:4]))
    desk = CommentSettings.load_with_counts(story)
    assert (desk.comment_total, desk.thread_total, desk.pick_total) == (2, 2, 0)
    assert desk.threads_per_page == CommentSettings.load().threads_per_page


def test_only_the_most_recently_used_shapes_are_kept(section, now):
    """A shape may be a page's offset, which readers choose: the statements kept are bounded."""
    from newsroom.prepared import SHAPES_KEPT

    for limit in range(1, SHAPES_KEPT + 11):
        live_story_ids(limit, now=now, section=section.pk)
    live_story_ids(11, now=now, section=section.pk)  # used again: kept as the newest
    live_story_ids(SHAPES_KEPT + 11, now=now, section=section.pk)
    kept = list(live_story_ids.statements[connections[DEFAULT_DB_ALIAS]])
    assert len(kept) == SHAPES_KEPT
    assert (1,) not in kept and (11,) in kept and kept[-1] == (SHAPES_KEPT + 11,)
