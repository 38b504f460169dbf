"""A tiny run of the benchmark generator and runner, so that neither can rot.

The real benchmark is not a test: see BENCHMARKS.md. These check that the generator builds a
consistent archive and that the runner measures every page type within the query budgets.
"""

import pytest

from articles.models import Article, Byline, Section, Source
from bench.generate import MARKED_COMMENT_COUNTS, generate
from bench.run import run
from comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    generate(
        articles=60, sections=4, tags=12, authors=6, sources=3, comments=2000, out=lambda _: None
    )


def test_generator_builds_a_published_archive_with_sources_bylines_and_tags(archive):
    assert Article.objects.published().count() == 60
    assert Section.objects.count() == 4
    assert Source.objects.count() == 180
    assert Byline.objects.filter(article__isnull=False).count() >= 60
    assert all(article.tags.exists() for article in Article.objects.all()[:10])
    for count in MARKED_COMMENT_COUNTS:
        article = Article.objects.published().get(slug=f"bench-comments-{count}")
        assert article.comments.published().count() == count
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.count() >= 2000


def test_runner_measures_every_page_type_within_the_query_budget(archive):
    results = run(repeat=2, out=lambda _: None)
    assert {"home", "section p1", "tag", "author"} <= set(results)
    assert any(label.startswith("section p") and label != "section p1" for label in results)
    assert any(label.startswith("article") for label in results)
    assert {"search, rare name", "feed (RSS)", "sitemap index", "news sitemap"} <= set(results)
    assert "sitemap, latest month" in results
    budgets = {"home": 12, "article": 11}
    for label, row in results.items():
        assert row["queries"] <= budgets.get(label.split(",")[0], 8), label
        median, p95 = row["uncached"]
        assert 0 < median <= p95
        assert row["cached"][0] < median, label
