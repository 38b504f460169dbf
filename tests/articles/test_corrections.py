from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Correction
from tests.factories import make_article, make_correction, make_draft

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
