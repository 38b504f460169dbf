import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, SlugRedirect
from tests.factories import make_article, make_draft

pytestmark = pytest.mark.django_db


def _rename(article, slug):
    article.slug = slug
    article.save()


def test_old_address_of_published_article_redirects_permanently_to_the_new_one(client):
    article = make_article(slug="council-votes")
    _rename(article, "council-votes-on-buses")
    response = client.get("/article/council-votes/")
    assert response.status_code == 301
    assert response["Location"] == "/article/council-votes-on-buses/"
    assert client.get(response["Location"]).status_code == 200


def test_every_former_address_leads_to_the_current_one(client):
    article = make_article(slug="first")
    _rename(article, "second")
    _rename(article, "third")
    for old in ["first", "second"]:
        response = client.get(f"/article/{old}/")
        assert (response.status_code, response["Location"]) == (301, "/article/third/")


def test_changing_back_to_an_old_slug_serves_the_article_there_again(client):
    article = make_article(slug="first")
    _rename(article, "second")
    _rename(article, "first")
    assert client.get("/article/first/").status_code == 200
    response = client.get("/article/second/")
    assert (response.status_code, response["Location"]) == (301, "/article/first/")


def test_renaming_a_draft_keeps_no_history():
    article = make_draft(slug="working-title")
    _rename(article, "final-title")
    assert not SlugRedirect.objects.exists()


def test_old_address_of_an_article_no_longer_published_is_not_found(client):
    article = make_article(slug="first")
    _rename(article, "second")
    article.status = article.Status.UNPUBLISHED
    article.save()
    assert client.get("/article/first/").status_code == 404


def test_an_article_now_at_an_old_address_wins_over_the_redirect(client):
    moved = make_article(slug="first")
    _rename(moved, "second")
    newcomer = make_article(slug="first", headline="A different story")
    response = client.get("/article/first/")
    assert response.status_code == 200
    assert f'<h1 class="story__headline">{newcomer.headline}</h1>' in response.content.decode()


def test_unknown_address_is_still_not_found(client):
    assert client.get(reverse("articles:article", args=["never-was"])).status_code == 404


def test_redirect_costs_one_indexed_lookup_after_the_miss(client, django_assert_num_queries):
    article = make_article(slug="first")
    _rename(article, "second")
    # 1 the article at this slug (missing), 2 a killed story there? (no), 3 the slug history
    # joined to its article
    with django_assert_num_queries(3):
        assert client.get("/article/first/").status_code == 301


def test_a_status_only_save_does_not_look_up_the_slug_history():
    article = Article.objects.get(pk=make_article(slug="steady").pk)
    article.status = Article.Status.UNPUBLISHED
    with CaptureQueriesContext(connection) as saved:
        article.save(update_fields=["status"])
    # The update, then the page cache's look at the next scheduled change (two queries).
    statements = [query["sql"] for query in saved.captured_queries]
    assert [sql.split()[0] for sql in statements] == ["UPDATE", "SELECT", "SELECT"]
    assert not any("slug" in sql for sql in statements[1:])


def test_the_body_is_rendered_when_it_changes_and_only_then():
    article = Article.objects.get(pk=make_article(body="Plain words.").pk)
    article.body = "Now **bold**."
    article.save()
    stored = Article.objects.get(pk=article.pk)
    assert "<strong>bold</strong>" in stored.body_html
    assert stored.body_text == "Now bold."
    # A save that leaves the body alone keeps what was rendered (no second rendering).
    stored.body_html, stored.headline = "<p>kept</p>", "A new headline"
    stored.save()
    assert Article.objects.get(pk=article.pk).body_html == "<p>kept</p>"
