import threading

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.urls import reverse

from articles.models import Article
from tests.articles.change_form import change_url, form_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_presence():
    cache.clear()
    yield
    cache.clear()


def _editor_client(django_user_model, username, first_name):
    user = django_user_model.objects.create_superuser(
        username, f"{username}@example.org", "pw", first_name=first_name, last_name="Editor"
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ana(django_user_model):
    return _editor_client(django_user_model, "ana", "Ana")


@pytest.fixture
def ben(django_user_model):
    return _editor_client(django_user_model, "ben", "Ben")


def test_second_save_is_refused_naming_who_saved_first_and_keeps_the_input(ana, ben):
    article = make_article(headline="Council votes", body="The council met on Monday.")
    ana_form = ana.get(change_url(article))
    ben_form = ben.get(change_url(article))

    response = ben.post(change_url(article), form_data(ben_form, headline="Ben's headline"))
    assert response.status_code == 302

    response = ana.post(
        change_url(article),
        form_data(ana_form, headline="Ana's headline", body="The council met on Tuesday."),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ben Editor saved this article at" in page and "after you opened it" in page
    assert "Your changes have not been saved" in page
    # Ana's input is still in the form...
    assert 'value="Ana&#x27;s headline"' in page
    assert "The council met on Tuesday." in page
    # ...and Ben's change is shown beside it: against the story as Ana opened it.
    assert response.context["revision_panel"]["overtaken"]["revision"].number == 2
    assert "<del>Council votes</del> <ins>Ben&#x27;s headline</ins>" in page
    assert "council met on Monday" not in page.split("revision-diff")[1]
    assert Article.objects.get(pk=article.pk).headline == "Ben's headline"
    assert article.revisions.count() == 2


def test_saving_again_after_the_refusal_is_a_deliberate_overwrite(ana, ben):
    article = make_article()
    ana_form = ana.get(change_url(article))
    ben.post(change_url(article), form_data(ben.get(change_url(article)), headline="Ben's"))
    refused = ana.post(change_url(article), form_data(ana_form, headline="Ana's"))
    assert refused.status_code == 200

    response = ana.post(change_url(article), form_data(refused))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Ana's"
    assert article.revisions.count() == 3


def test_refusal_links_to_the_comparison_of_what_changed(ana, ben):
    article = make_article()
    ana.post(change_url(article), form_data(ana.get(change_url(article))))
    ana_form = ana.get(change_url(article))
    ben.post(change_url(article), form_data(ben.get(change_url(article)), dek="Ben's dek."))
    page = ana.post(change_url(article), form_data(ana_form, dek="Ana's dek.")).content.decode()
    compare = reverse("desk:compare", args=[article.pk]) + "?from=2&amp;to=3"
    assert compare in page
    assert "<del>The dek of story" in page and "<ins>Ben&#x27;s dek.</ins>" in page


def test_saves_one_after_another_are_not_refused(ana):
    article = make_article()
    for headline in ["One", "Two", "Three"]:
        response = ana.post(
            change_url(article), form_data(ana.get(change_url(article)), headline=headline)
        )
        assert response.status_code == 302
    assert article.revisions.count() == 4


def test_change_form_shows_who_else_has_the_article_open(ana, ben):
    article = make_article()
    assert "Also open now" not in ana.get(change_url(article)).content.decode()
    page = ben.get(change_url(article)).content.decode()
    assert "Also open now:</strong> Ana Editor" in page


def test_presence_heartbeat_answers_with_the_others(ana, ben):
    article = make_article()
    ben.get(change_url(article))
    url = reverse("desk:presence", args=[article.pk])
    assert ana.post(url).json() == {"others": ["Ben Editor"]}
    assert ana.get(url).status_code == 405


def test_an_editor_who_saved_is_no_longer_shown_as_present(ana, ben):
    article = make_article()
    ana.post(change_url(article), form_data(ana.get(change_url(article))))
    assert "Also open now" not in ben.get(change_url(article)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_cannot_both_pass(ana, ben):
    article = make_article()
    forms = {
        ana: form_data(ana.get(change_url(article))),
        ben: form_data(ben.get(change_url(article))),
    }
    start, statuses = threading.Barrier(2), []

    def save(client, headline):
        try:
            start.wait()
            response = client.post(change_url(article), {**forms[client], "headline": headline})
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(ana, "Ana's")),
        threading.Thread(target=save, args=(ben, "Ben's")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 302]
    assert article.revisions.count() == 2  # how it stood, and the one save that passed
