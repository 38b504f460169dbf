"""Related stories an editor picks for an article: first, in order, readers' only; the
automatic ones fill the rest; the page renews when a pick or a picked story changes."""

import re
from datetime import timedelta

import pytest

from articles.models import Article, RelatedStory
from tests.articles.change_form import change_form_data, change_url
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db


def related(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    part = html.split('id="related-heading"', 1)[1].split("</aside>", 1)[0]
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', part)


def pick(article, *stories):
    for position, story in enumerate(stories):
        RelatedStory.objects.create(article=article, story=story, position=position)


def test_picked_stories_come_first_in_order_and_the_automatic_fill_the_rest(client, now):
    metro = make_section()
    article = make_article(section=metro, published_at=now - timedelta(hours=1))
    nearby = [
        make_article(headline=f"Nearby {n}", section=metro, published_at=now - timedelta(hours=n))
        for n in range(2, 6)
    ]
    # A year old: never among the automatic ones (they come from around the same weeks).
    archive = make_article(headline="From the archive", published_at=now - timedelta(days=365))
    pick(article, archive, nearby[3])
    assert related(client, article) == ["From the archive", "Nearby 5", "Nearby 2", "Nearby 3"]


def test_readers_see_only_picked_stories_they_may_open(client, now):
    article = make_article()
    killed = make_article(headline="Killed pick", status=Article.Status.KILLED)
    draft = make_article(headline="Draft pick", status=Article.Status.DRAFT, published_at=None)
    live = make_article(headline="Live pick", section=make_section())
    pick(article, killed, draft, live)
    assert related(client, article) == ["Live pick"]


def test_a_picked_story_renamed_renews_the_page_that_shows_it(client):
    article = make_article()
    story = make_article(headline="Ferry returns", section=make_section())
    pick(article, story)
    assert related(client, article) == ["Ferry returns"]
    assert client.get(article.get_absolute_url())["X-Cache"] == "hit"
    story.headline = "Ferry returns on Monday"
    story.save()
    assert client.get(article.get_absolute_url())["X-Cache"] == "miss"
    assert related(client, article) == ["Ferry returns on Monday"]


def test_a_new_pick_renews_the_page(client):
    article = make_article()
    story = make_article(headline="Ferry returns", section=make_section())
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Cache"] == "hit"
    pick(article, story)
    assert client.get(article.get_absolute_url())["X-Cache"] == "miss"


def test_an_editor_picks_related_stories_on_the_change_form(desk, editor):
    article = make_article()
    first, second = make_article(headline="First pick"), make_article(headline="Second pick")
    prefix = "curated_related"
    data = change_form_data(desk, article)
    data |= {
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-0-story": str(second.pk),
        f"{prefix}-0-position": "1",
        f"{prefix}-0-article": str(article.pk),
        f"{prefix}-1-story": str(first.pk),
        f"{prefix}-1-position": "0",
        f"{prefix}-1-article": str(article.pk),
    }
    response = desk.post(change_url(article), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert [r.story for r in RelatedStory.objects.filter(article=article)] == [first, second]
