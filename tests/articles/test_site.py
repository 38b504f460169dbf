import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from taggit.models import Tag, TaggedItem

from articles.models import COMMON_TAG_STORIES, Article, Author, Byline, RelatedStory, Source
from tests.discovery.conftest import jpeg
from tests.factories import make_article, make_author, make_draft, make_section

pytestmark = pytest.mark.django_db


def test_every_page_type_renders(client):
    author = make_author(name="Ada Reporter", slug="ada")
    article = make_article(
        headline="Council votes on night buses", authors=[author], tags=["buses"]
    )
    for url in [
        reverse("articles:home"),
        article.section.get_absolute_url(),
        reverse("articles:tag", args=["buses"]),
        author.get_absolute_url(),
        article.get_absolute_url(),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Council votes on night buses" in response.content.decode(), url


def test_article_page_shows_headline_once_dek_bylines_sources_and_empty_comments(client):
    authors = [make_author(name="Ada Lovelace"), make_author(name="Grace Hopper")]
    article = make_article(
        headline="Corals recover in shaded lagoons",
        dek="Shade halves the damage.",
        authors=authors,
        sources=2,
        dateline="NORTHBRIDGE",
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("Corals recover in shaded lagoons</h1>") == 1
    assert "Shade halves the damage." in html
    assert 'Ada Lovelace</a> and <a href="/author/' in html and "Grace Hopper" in html
    assert html.count('rel="noopener noreferrer">Source ') == 2
    assert "NORTHBRIDGE" in html
    assert "No comments yet" in html


def test_updated_time_shows_only_after_a_substantive_update(client, now):
    first = now - timedelta(days=2)
    quiet = make_article(published_at=first, first_published_at=first, updated_at=None)
    assert "updated <time" not in client.get(quiet.get_absolute_url()).content.decode()
    updated = make_article(published_at=first, first_published_at=first, updated_at=now)
    assert "updated <time" in client.get(updated.get_absolute_url()).content.decode()


def test_image_prompt_is_never_shown_to_readers(client):
    article = make_article(image_prompt="A lit city bus at an empty stop at night")
    assert "A lit city bus" not in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.APPROVED]
)
def test_reader_cannot_see_unpublished_article_anywhere(client, status):
    author = make_author()
    section = make_section()
    live = make_article(section=section, authors=[author], tags=["climate"])
    hidden = make_draft(
        headline="Secret embargoed story",
        status=status,
        section=section,
        authors=[author],
        tags=["climate"],
    )
    assert client.get(hidden.get_absolute_url()).status_code == 404
    for url in [
        reverse("articles:home"),
        section.get_absolute_url(),
        reverse("articles:tag", args=["climate"]),
        author.get_absolute_url(),
        live.get_absolute_url(),  # related stories
    ]:
        assert "Secret embargoed story" not in client.get(url).content.decode(), url


def test_article_scheduled_for_the_future_is_invisible_until_its_time(client, tomorrow, yesterday):
    future = make_article(status=Article.Status.SCHEDULED, published_at=tomorrow)
    assert client.get(future.get_absolute_url()).status_code == 404
    due = make_article(status=Article.Status.SCHEDULED, published_at=yesterday)
    assert client.get(due.get_absolute_url()).status_code == 200


def test_article_past_its_unpublish_time_is_gone(client, yesterday):
    expired = make_article(unpublish_at=yesterday)
    assert client.get(expired.get_absolute_url()).status_code == 404


def test_body_markdown_is_rendered_and_sanitised(client):
    article = make_article(
        body=(
            "Some **bold** text and [a link](https://example.org).\n\n"
            "<script>alert('x')</script>\n\n"
            '<img src="x" onerror="alert(1)">\n\n'
            "[click me](javascript:alert(1))\n\n"
            '<a href="https://example.org" onclick="alert(2)">plain</a>'
        )
    )
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in html
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html


@pytest.mark.parametrize(
    "before, status",
    [("", 400), ("abc", 400), ("-1", 400), ("1.5", 400), ("9" * 40, 400), ("999999", 404)],
)
def test_bad_older_stories_links_give_400_or_404(client, before, status):
    section = make_section()
    make_article(section=section)
    response = client.get(section.get_absolute_url(), {"before": before})
    assert response.status_code == status


def test_list_pages_go_back_in_time_by_older_stories_links(client, now):
    section = make_section()
    stories = [
        make_article(
            section=section, headline=f"Story {n:02d}", published_at=now - timedelta(hours=n)
        )
        for n in range(1, 46)
    ]
    seen, url = [], section.get_absolute_url()
    while url:
        html = client.get(url).content.decode()
        seen += [story.headline for story in stories if f">{story.headline}</a>" in html]
        older = re.search(r'rel="next" href="\?before=(\d+)"', html)
        url = older and f"{section.get_absolute_url()}?before={older.group(1)}"
    assert seen == [story.headline for story in stories]
    assert "Latest stories" in html


def test_stories_published_at_the_same_moment_all_get_listed_once(client, now):
    section = make_section()
    moment = now - timedelta(hours=1)
    for _ in range(25):
        make_article(section=section, published_at=moment)
    first = client.get(section.get_absolute_url()).content.decode()
    before = re.search(r"\?before=(\d+)", first).group(1)
    second = client.get(section.get_absolute_url(), {"before": before}).content.decode()
    assert first.count('class="teaser"') == 20
    assert second.count('class="teaser"') == 5


def test_unknown_section_tag_author_and_article_give_404(client):
    for name in ["section", "tag", "author", "article"]:
        assert client.get(reverse(f"articles:{name}", args=["nope"])).status_code == 404


def test_404_page_is_the_sites_own(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def _enrich(article, n):
    """Give an article n more bylines, sources and tags."""
    for i in range(n):
        Byline.objects.create(article=article, author=make_author(), position=10 + i)
        Source.objects.create(article=article, title=f"Extra {i}", url=f"https://x.org/{i}")
    article.tags.add(*[f"extra-{article.pk}-{i}" for i in range(n)])


def test_article_page_query_count_is_fixed(client, django_assert_num_queries, settings):
    # Built cold each time: with the cache on, fragments would answer (test_fragments.py).
    settings.READER_CACHE_SECONDS = 0
    section = make_section()
    article = make_article(section=section, tags=["a", "b"])
    for _ in range(3):
        make_article(section=section, tags=["a"])
    # 1 article + section + lead image, 2 bylines + authors, 3 sources, 4 tags,
    # 5 corrections, 6 the editor's related stories, 7 the automatic ones, 8 nav sections,
    # 9 comment settings with the comment counts (no lead-image renditions without a
    # picture; no thread to read: tests/comments/test_reader.py pins the page with comments)
    with django_assert_num_queries(9):
        client.get(article.get_absolute_url())
    _enrich(article, 5)
    for _ in range(5):
        make_article(section=section, tags=["b"])
    for position in range(2):
        RelatedStory.objects.create(article=article, story=make_article(), position=position)
    with django_assert_num_queries(9):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_home_query_count_is_fixed(client, django_assert_num_queries):
    make_article()
    # 1 the live front page (none yet), 2 latest + section, 3 section rails, 4 the bylines
    # of both, 5 nav sections
    with django_assert_num_queries(5):
        client.get(reverse("articles:home"))
    for _ in range(6):
        _enrich(make_article(section=make_section()), 2)
    with django_assert_num_queries(5):
        assert client.get(reverse("articles:home")).status_code == 200
    # 6 the lead's renditions, when it has a picture
    make_article(lead_image=jpeg(1000, 500), lead_image_alt="A reef")
    with django_assert_num_queries(6):
        assert client.get(reverse("articles:home")).status_code == 200


def test_only_featured_sections_are_in_the_masthead_and_get_a_home_rail(client):
    featured = make_section(name="Climate desk", slug="climate")
    quiet = make_section(name="Allotments corner", slug="allotments", is_featured=False)
    make_article(section=featured, headline="Reef survey finds recovery")
    make_article(section=quiet, headline="Marrow contest judged")

    home = client.get(reverse("articles:home")).content.decode()
    nav = re.search(r'<nav class="sections-nav".*?</nav>', home, re.S)[0]
    rails = re.findall(r'<section class="rail".*?</section>', home, re.S)
    assert "Climate desk" in nav
    assert "Allotments corner" not in nav
    assert any("Climate desk" in rail for rail in rails)
    assert not any("Allotments corner" in rail for rail in rails)
    # The section still has its page, and its stories stay in the latest news.
    assert "Marrow contest judged" in home
    section_page = client.get(quiet.get_absolute_url())
    assert section_page.status_code == 200
    assert "Marrow contest judged" in section_page.content.decode()


@pytest.mark.parametrize(("kind", "queries"), [("section", 4), ("tag", 5), ("author", 4)])
@pytest.mark.parametrize("before", [False, True])
def test_list_page_query_count_is_fixed(
    client, django_assert_num_queries, settings, kind, queries, before
):
    settings.READER_CACHE_SECONDS = 0  # built cold each time: no masthead fragment
    section, author = make_section(), make_author()
    first = make_article(section=section, authors=[author], tags=["t"])
    url = {
        "section": section.get_absolute_url(),
        "tag": reverse("articles:tag", args=["t"]),
        "author": author.get_absolute_url(),
    }[kind]
    if before:
        url += f"?before={make_article(section=section, authors=[author], tags=['t']).pk}"
        queries += 1  # the last story seen
    # 1 the section/tag/author, (tag: 2 is it a common tag), 3 page of articles + sections,
    # 4 bylines, 5 nav sections (before the page renders: no query runs in a template)
    with django_assert_num_queries(queries):
        client.get(url)
    _enrich(first, 3)
    for _ in range(5):
        _enrich(make_article(section=section, authors=[author, make_author()], tags=["t"]), 2)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_author_page_lists_only_their_published_work(client):
    author = Author.objects.create(name="Ada", slug="ada", bio="Covers the council.")
    mine = make_article(headline="Mine", authors=[author])
    make_article(headline="Someone else's")
    html = client.get(author.get_absolute_url()).content.decode()
    assert mine.headline in html and "Someone else" not in html
    assert "Covers the council." in html


def test_common_tag_page_lists_its_newest_stories(client, now):
    """A tag on more than COMMON_TAG_STORIES stories is read from the newest stories down."""
    tagged = [
        make_article(
            headline=f"Tagged {n}", tags=["weather"], published_at=now - timedelta(hours=n)
        )
        for n in range(1, 4)
    ]
    make_article(headline="Untagged and newest", published_at=now - timedelta(minutes=1))
    tag = Tag.objects.get(slug="weather")
    # Taggings of long-deleted stories make the tag common without building a thousand stories.
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tag, content_type=ContentType.objects.get_for_model(Article), object_id=n)
        for n in range(10**6, 10**6 + COMMON_TAG_STORIES)
    )
    html = client.get(reverse("articles:tag", args=["weather"])).content.decode()
    assert [story.headline for story in tagged if story.headline in html] == [
        "Tagged 1",
        "Tagged 2",
        "Tagged 3",
    ]
    assert html.index("Tagged 1") < html.index("Tagged 2") < html.index("Tagged 3")
    assert "Untagged and newest" not in html
