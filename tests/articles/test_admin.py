import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_superuser_opens_every_articles_admin_page(admin_client):
    article = make_article()
    for name in ["article", "section", "author"]:
        assert admin_client.get(reverse(f"admin:articles_{name}_changelist")).status_code == 200
        assert admin_client.get(reverse(f"admin:articles_{name}_add")).status_code == 200
    response = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    assert "Sources" in response.content.decode()


def test_lead_image_without_alt_text_is_refused_naming_the_field():
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    article = make_article()
    article.lead_image = SimpleUploadedFile("x.png", b"not checked here")
    with pytest.raises(ValidationError) as refused:
        article.clean()
    assert "lead_image_alt" in refused.value.message_dict


def test_article_slug_is_derived_from_headline_and_kept_unique():
    first = make_article(headline="Council votes on buses")
    second = make_article(headline="Council votes on buses")
    assert first.slug == "council-votes-on-buses"
    assert second.slug == "council-votes-on-buses-2"


def test_status_outside_the_workflow_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status="oops")
