from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Correction
from tests.articles.change_form import form_data
from tests.factories import make_article, make_correction, make_draft, make_staff

pytestmark = pytest.mark.django_db


def test_reader_sees_corrections_on_the_article_in_order(client, now):
    article = make_article()
    make_correction(article, text="Second note.", kind="update", published_at=now)
    make_correction(article, text="First note.", published_at=now - timedelta(hours=1))
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Corrections and updates" in page
    assert page.index("First note.") < page.index("Second note.")
    assert "Correction," in page and "Update," in page


def test_article_without_corrections_has_no_corrections_heading(client):
    article = make_article()
    assert "Corrections and updates" not in client.get(article.get_absolute_url()).content.decode()


def test_corrections_page_lists_every_correction_newest_first_with_its_story(client, now):
    older = make_article(headline="Bus fares rise")
    newer = make_article(headline="Library reopens")
    make_correction(older, text="The fare is £2, not £3.", published_at=now - timedelta(days=2))
    make_correction(
        newer, kind="clarification", text="The library is in Northbridge.", published_at=now
    )
    response = client.get(reverse("articles:corrections"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("The library is in Northbridge.") < page.index("The fare is £2, not £3.")
    assert "Library reopens" in page and "Bus fares rise" in page
    assert "Clarification" in page
    correction = newer.corrections.get()
    assert f'href="{newer.get_absolute_url()}#correction-{correction.pk}"' in page


def test_corrections_page_leaves_out_stories_readers_cannot_see(client):
    pulled = make_article()
    make_correction(pulled, text="Noted on a story since pulled.")
    pulled.status = pulled.Status.UNPUBLISHED
    pulled.save()
    assert "since pulled" not in client.get(reverse("articles:corrections")).content.decode()


def test_corrections_page_is_paginated(client, now):
    article = make_article()
    for n in range(25):
        make_correction(article, text=f"Note {n:02}.", published_at=now - timedelta(minutes=n))
    first = client.get(reverse("articles:corrections")).content.decode()
    second = client.get(reverse("articles:corrections") + "?page=2").content.decode()
    assert "Note 00." in first and "Note 24." not in first
    assert "Note 24." in second and "Page 2 of 2" in second


def test_corrections_page_query_count_is_fixed(client, django_assert_num_queries):
    make_correction(make_article())
    # 1 count, 2 corrections + their articles, 3 nav sections
    with django_assert_num_queries(3):
        client.get(reverse("articles:corrections"))
    for _ in range(5):
        article = make_article()
        make_correction(article)
        make_correction(article, kind="update")
    with django_assert_num_queries(3):
        assert client.get(reverse("articles:corrections")).status_code == 200


def test_correction_on_an_unpublished_draft_is_refused_naming_the_article():
    correction = Correction(article=make_draft(), text="Nothing to correct yet.")
    with pytest.raises(ValidationError) as refused:
        correction.full_clean()
    assert "article" in refused.value.message_dict


def test_kind_outside_the_list_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    correction = make_correction(make_article())
    with pytest.raises(IntegrityError), transaction.atomic():
        Correction.objects.filter(pk=correction.pk).update(kind="retraction")


def test_site_footer_links_to_the_corrections_page(client):
    page = client.get(reverse("articles:home")).content.decode()
    assert f'href="{reverse("articles:corrections")}"' in page


@pytest.fixture
def desk(admin_client):
    return admin_client


def _change(desk, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = desk.post(url, form_data(desk.get(url), **changes))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(pk=article.pk)


def test_correction_added_on_the_change_form_is_shown_and_bumps_updated_at(desk, client):
    article = make_article()
    assert not article.was_updated
    article = _change(
        desk,
        article,
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "correction",
            "corrections-0-text": "An earlier version gave the wrong date.",
            "corrections-0-published_at_0": timezone.localtime().strftime("%d/%m/%Y"),
            "corrections-0-published_at_1": timezone.localtime().strftime("%H:%M:%S"),
        },
    )
    assert article.was_updated
    page = client.get(article.get_absolute_url()).content.decode()
    assert "An earlier version gave the wrong date." in page
    assert "updated <time" in page


def test_drafts_have_no_corrections_on_their_change_form(desk):
    draft = make_draft()
    page = desk.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert "corrections-TOTAL_FORMS" not in page
    published = make_article()
    page = desk.get(reverse("admin:articles_article_change", args=[published.pk])).content.decode()
    assert "corrections-TOTAL_FORMS" in page


def test_correction_added_from_the_corrections_list_bumps_updated_at(desk):
    article = make_article()
    response = desk.post(
        reverse("admin:articles_correction_add"),
        {
            "article": article.pk,
            "kind": "editors_note",
            "text": "This story has been updated with the council's reply.",
            "published_at_0": timezone.localtime().strftime("%d/%m/%Y"),
            "published_at_1": timezone.localtime().strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).was_updated
    assert desk.get(reverse("admin:articles_correction_changelist")).status_code == 200


def test_correction_on_a_draft_from_the_corrections_list_is_refused_naming_the_article(desk):
    draft = make_draft()
    response = desk.post(
        reverse("admin:articles_correction_add"),
        {"article": draft.pk, "kind": "correction", "text": "Premature."},
    )
    assert response.status_code == 200
    assert "article" in response.context["adminform"].form.errors
    assert not Correction.objects.exists()


def test_substantive_update_box_is_offered_on_published_stories_only(desk):
    published, draft = make_article(), make_draft()
    for article, offered in [(published, True), (draft, False)]:
        url = reverse("admin:articles_article_change", args=[article.pk])
        assert ('name="is_substantive_update"' in desk.get(url).content.decode()) is offered


def test_substantive_update_bumps_updated_at_and_a_typo_fix_does_not(desk, client):
    article = make_article(body="The councill met.")
    article = _change(desk, article, body="The council met.")
    assert article.updated_at is None
    assert "updated <time" not in client.get(article.get_absolute_url()).content.decode()

    article = _change(desk, article, body="The council met and voted.", is_substantive_update="on")
    assert article.was_updated
    assert "updated <time" in client.get(article.get_absolute_url()).content.decode()


def test_editing_a_published_article_keeps_it_live(desk, client):
    article = _change(desk, make_article(), headline="A sharper headline")
    assert client.get(article.get_absolute_url()).status_code == 200


def test_an_editor_adds_a_correction_on_the_change_form(client):
    client.force_login(make_staff("Editor"))
    article = _change(
        client,
        make_article(),
        **{
            "corrections-TOTAL_FORMS": "1",
            "corrections-0-kind": "clarification",
            "corrections-0-text": "The vote was on Tuesday evening.",
            "corrections-0-published_at_0": timezone.localtime().strftime("%d/%m/%Y"),
            "corrections-0-published_at_1": timezone.localtime().strftime("%H:%M:%S"),
        },
    )
    assert article.corrections.get().kind == "clarification"
