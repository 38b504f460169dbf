"""Library pictures on stories: the lead image, pictures in the body, deleting one in use."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from lxml import html as lxml_html

from tests.factories import make_article, make_image

pytestmark = pytest.mark.django_db


def figures(client, article):
    page = lxml_html.fromstring(client.get(article.get_absolute_url()).content)
    return page.xpath('//div[contains(@class, "story__body")]//figure')


def with_renditions(django_capture_on_commit_callbacks, **overrides):
    """A library picture whose renditions the (immediate) task backend has made."""
    with django_capture_on_commit_callbacks(execute=True):
        return make_image(**overrides)


def test_a_body_picture_is_a_lazy_figure_with_its_renditions_caption_and_credit(
    client, django_capture_on_commit_callbacks
):
    image = with_renditions(
        django_capture_on_commit_callbacks, size=(900, 600), alt="A tram", caption="Library's"
    )
    article = make_article(body=f"Before.\n\n[[image {image.pk} full | <b>Ours</b>]]\n\nAfter.")
    (figure,) = figures(client, article)
    assert figure.get("class") == "body-picture body-picture--full"
    source = figure.xpath(".//picture/source")[0]
    assert source.get("type") == "image/webp" and "800w" in source.get("srcset")
    img = figure.xpath(".//picture//img")[0]  # libxml2 nests it in <source>
    assert (img.get("width"), img.get("height")) == ("800", "533")  # the picture's own shape
    assert img.get("loading") == "lazy" and img.get("alt") == "A tram"
    assert "/renditions/" in img.get("src") and "480w" in img.get("srcset")
    caption = figure.xpath(".//figcaption")[0]
    assert caption.text_content() == f"<b>Ours</b> {image.credit}"  # typed text, not markup
    assert caption.xpath('.//span[@class="credit"]')[0].text == image.credit


def test_without_a_caption_or_size_the_library_caption_and_the_text_width_are_used(client):
    image = make_image(caption="The harbour at dawn")
    article = make_article(body=f"[[image {image.pk}]]")
    (figure,) = figures(client, article)
    assert "body-picture--wide" in figure.get("class")
    assert figure.xpath(".//figcaption")[0].text.strip() == "The harbour at dawn"
    # No renditions yet: the original, at its own size.
    img = figure.xpath(".//img")[0]
    assert img.get("src") == image.file.url and img.get("width") == "64"


def test_an_unknown_picture_or_a_missing_file_leaves_the_story_readable(client):
    gone = make_image()
    gone.file.storage.delete(gone.file.name)
    article = make_article(body=f"One.\n\n[[image 999999]]\n\n[[image {gone.pk} inline]]\n\nTwo.")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    body = lxml_html.fromstring(response.content).xpath('//div[contains(@class, "story__body")]')[0]
    assert not body.xpath(".//figure | .//img")
    assert "One." in body.text_content() and "Two." in body.text_content()


def test_a_body_cannot_forge_a_picture_placeholder(client):
    image = make_image()
    forged = f'<figure data-image="{image.pk}" data-size="wide"></figure>'
    article = make_article(body=f"{forged}\n\nText.")
    assert "data-image" not in article.body_html
    assert not figures(client, article)


def test_an_article_with_three_body_pictures_has_a_fixed_query_count(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    lead, *body = [with_renditions(django_capture_on_commit_callbacks) for _ in range(4)]
    article = make_article(
        lead_image=lead,
        body="\n\n".join(f"Paragraph.\n\n[[image {image.pk}]]" for image in body),
    )
    # 1 article + section + lead image, 2 the lead image's renditions, 3 bylines + authors,
    # 4 sources, 5 tags, 6 corrections, 7 the editor's related stories, 8 the automatic ones,
    # 9 nav sections, 10 comment settings, 11 the body's pictures, 12 their renditions
    # (whatever their number); no comment threads
    # to read without comments
    with django_assert_num_queries(12):
        response = client.get(article.get_absolute_url())
    assert (
        len(
            lxml_html.fromstring(response.content).xpath(
                '//div[contains(@class, "story__body")]//picture'
            )
        )
        == 3
    )


def test_a_picture_in_use_cannot_be_deleted_and_the_library_lists_its_stories(admin_client):
    lead, body = make_image(), make_image()
    leading = make_article(headline="Led by it", lead_image=lead)
    showing = make_article(headline="Shows it", body=f"[[image {body.pk}]]")
    for image in (lead, body):
        with pytest.raises(ProtectedError):
            image.delete()
    assert list(lead.used_in()) == [leading] and list(body.used_in()) == [showing]
    page = admin_client.get(reverse("admin:library_image_change", args=[body.pk]))
    assert "Shows it" in page.content.decode()
    refused = admin_client.get(reverse("admin:library_image_delete", args=[lead.pk]))
    assert "Cannot delete" in refused.content.decode() or "would require deleting" in (
        refused.content.decode()
    )
    unused = make_image(title="Nobody uses me")
    listed = admin_client.get(reverse("admin:library_image_changelist") + "?use=unused")
    assert [image.pk for image in listed.context["cl"].result_list] == [unused.pk]


def test_a_new_alt_text_in_the_library_reaches_the_cached_page(client, settings):
    image = make_image(alt="Before")
    article = make_article(lead_image=image, body=f"[[image {image.pk}]]")
    assert client.get(article.get_absolute_url()).content.decode().count('alt="Before"') == 2
    image.alt = "After"
    image.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="Before"' not in page and page.count('alt="After"') == 2


def test_the_story_overrides_the_library_alt_text_and_credit(client):
    image = make_image(alt="Library alt", credit="Library credit")
    article = make_article(lead_image=image, lead_image_alt="Story alt")
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'alt="Story alt"' in page and "Library credit" in page and "Library alt" not in page


def test_the_body_preview_shows_the_pictures(admin_client):
    image = make_image(alt="In the preview")
    response = admin_client.post(reverse("desk:body_preview"), {"body": f"[[image {image.pk}]]"})
    assert 'alt="In the preview"' in response.json()["html"]
