"""A story readers never saw does not exist for them: its address, the tags and authors known
only from it, and a keyset cursor naming it all answer as if it never was."""

import pytest
from django.urls import reverse

from tests.factories import make_article, make_author, make_draft, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def unseen(tomorrow, yesterday):
    """One story in every state readers cannot see now, none of them ever published."""
    return {
        "draft": make_draft(),
        "in_review": make_draft(status="in_review"),
        "approved": make_draft(status="approved"),
        "scheduled": make_article(status="scheduled", published_at=tomorrow),
        "unpublished": make_draft(status="unpublished", published_at=yesterday),
        "killed": make_draft(status="killed", kill_notice="Source retracted; legal advice."),
    }


class TestAStoryReadersNeverSaw:
    def test_its_address_is_not_found_without_its_headline_or_notes(self, client, unseen):
        for state, article in unseen.items():
            response = client.get(article.get_absolute_url())
            assert response.status_code == 404, state
            page = response.content.decode()
            assert article.headline not in page, state
            assert "legal advice" not in page, state

    def test_a_story_killed_after_it_was_published_is_gone_with_the_notice(self, client):
        article = make_article()
        article.status, article.kill_notice = "killed", "Withdrawn at the request of its subject."
        article.save()
        response = client.get(article.get_absolute_url())
        assert response.status_code == 410
        assert "Withdrawn at the request of its subject." in response.content.decode()


class TestHeadingsKnownOnlyFromUnpublishedStories:
    FEEDS = ["{}_feed_rss", "{}_feed_atom"]

    def urls(self, scope, slug):
        return [reverse(f"articles:{scope}", args=[slug])] + [
            reverse(f"articles:{name.format(scope)}", args=[slug]) for name in self.FEEDS
        ]

    def test_a_tag_only_on_unpublished_stories_is_not_found(self, client, unseen):
        for article in unseen.values():
            article.tags.add("secret-merger")
        for url in self.urls("tag", "secret-merger"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert "secret-merger" not in response.content.decode()

    def test_an_author_only_on_unpublished_stories_is_not_found(self, client, unseen, tomorrow):
        author = make_author(name="Freelance Mole")
        make_draft(authors=[author])
        make_article(authors=[author], status="scheduled", published_at=tomorrow)
        for url in self.urls("author", author.slug):
            response = client.get(url)
            assert response.status_code == 404, url
            assert "Freelance Mole" not in response.content.decode()

    def test_they_open_once_a_published_story_carries_them(self, client):
        author = make_author()
        make_article(authors=[author], tags=["budget"])
        for url in self.urls("tag", "budget") + self.urls("author", author.slug):
            assert client.get(url).status_code == 200, url

    def test_a_section_opens_before_its_first_story(self, client):
        section = make_section()
        assert client.get(section.get_absolute_url()).status_code == 200
        assert (
            client.get(reverse("articles:section_feed_rss", args=[section.slug])).status_code == 200
        )

    def test_the_sitemap_lists_no_such_heading(self, client, unseen):
        unseen["draft"].tags.add("secret-merger")
        make_article(tags=["budget"])
        page = client.get("/sitemap-tags.xml").content.decode()
        assert "/tag/budget/" in page
        assert "secret-merger" not in page


class TestOlderStoriesCursor:
    def test_every_unseen_story_is_not_found_alike(self, client, unseen):
        section = make_section()
        published = make_article(section=section)
        assert client.get(section.get_absolute_url(), {"before": published.pk}).status_code == 200
        for state, article in unseen.items():
            response = client.get(section.get_absolute_url(), {"before": article.pk})
            assert response.status_code == 404, state
