import io
import json
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from lxml import html
from PIL import Image

from articles import workflow
from articles.models import Article, Rendition
from articles.renditions import CROPS, crop_box, picture
from tests.articles.change_form import change_form_data, change_url
from tests.discovery.conftest import jpeg
from tests.factories import make_article, make_draft, make_staff

pytestmark = pytest.mark.django_db

RATIOS = {"16:9": 16 / 9, "4:3": 4 / 3, "1:1": 1.0}


def test_every_crop_and_width_in_webp_and_jpeg_with_true_sizes(publish_with_picture, media_root):
    article = publish_with_picture(1600, 1600)
    made = {(r.crop, r.format, r.width) for r in article.renditions.all()}
    assert made == {
        (crop, file_format, width)
        for crop in RATIOS
        for file_format in ("webp", "jpeg")
        for width in (480, 800, 1200, 1600)
    }
    for rendition in article.renditions.all():
        path = Path(media_root) / rendition.file.name
        with Image.open(path) as image:
            assert image.format == {"webp": "WEBP", "jpeg": "JPEG"}[rendition.format]
            assert image.size == (rendition.width, rendition.height)
            assert abs(image.width / image.height - RATIOS[rendition.crop]) < 0.01
        assert rendition.file_size == path.stat().st_size


def test_small_images_are_never_upscaled(publish_with_picture):
    article = publish_with_picture(640, 480)
    widths = {
        crop: sorted({r.width for r in article.renditions.filter(crop=crop)}) for crop in RATIOS
    }
    assert widths == {"16:9": [480], "4:3": [480], "1:1": [480]}
    tiny = publish_with_picture(300, 200)
    assert sorted({r.width for r in tiny.renditions.filter(crop="16:9")}) == [300]


def test_crops_centre_on_the_focal_point_and_stay_inside_the_picture():
    assert crop_box(1600, 1600, CROPS["16:9"], 0.5, 0.5) == (0, 350, 1600, 1250)
    assert crop_box(1600, 1600, CROPS["16:9"], 0.5, 0.1) == (0, 0, 1600, 900)
    assert crop_box(1600, 900, CROPS["1:1"], 0.6, 0.5) == (510, 0, 1410, 900)
    assert crop_box(1600, 900, CROPS["1:1"], 1.0, 0.5) == (700, 0, 1600, 900)


def test_focal_point_decides_what_the_square_crop_keeps(django_capture_on_commit_callbacks):
    # A white picture with a black right third: a square crop on the right is all black.
    picture = Image.new("RGB", (1800, 600), "white")
    picture.paste("black", (1200, 0, 1800, 600))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(
            lead_image=ContentFile(buffer.getvalue(), "split.png"),
            lead_image_alt="Half and half",
            focal_x=0.95,
        )
    square = article.renditions.get(crop="1:1", format="jpeg", width=480)
    with square.file.open("rb") as file, Image.open(file) as image:
        assert image.convert("L").getextrema()[1] < 40  # no white left in it


def test_renditions_are_made_once_and_remade_when_the_focal_point_moves(
    publish_with_picture, django_capture_on_commit_callbacks
):
    article = publish_with_picture()
    first = sorted(article.renditions.values_list("file", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        article.headline = "A new headline"
        article.save()
    assert sorted(article.renditions.values_list("file", flat=True)) == first
    with django_capture_on_commit_callbacks(execute=True):
        article.focal_x = 0.2
        article.save()
    again = sorted(article.renditions.values_list("file", flat=True))
    assert len(again) == len(first) and set(again).isdisjoint(first)
    assert not Path(
        article.renditions.model._meta.get_field("file").storage.path(first[0])
    ).exists()


def test_drafts_get_no_renditions_and_a_taken_down_story_loses_them(
    django_capture_on_commit_callbacks, publish_with_picture
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(lead_image=jpeg(), lead_image_alt="Embargoed")
    assert not draft.renditions.exists()
    article = publish_with_picture()
    files = [r.file.path for r in article.renditions.all()]
    with django_capture_on_commit_callbacks(execute=True):
        article.status = Article.Status.KILLED
        article.save()
    assert not article.renditions.exists()
    assert not any(Path(path).exists() for path in files)


def test_rendition_file_names_do_not_reveal_the_story(publish_with_picture):
    article = publish_with_picture()
    for rendition in article.renditions.all():
        assert re.fullmatch(
            r"renditions/[0-9a-f]{20}/\d+x\d+-\d+\.(webp|jpeg)", rendition.file.name
        )


def test_article_page_serves_a_picture_with_srcsets_sizes_and_dimensions(
    client, publish_with_picture
):
    article = publish_with_picture()
    tree = html.fromstring(client.get(article.get_absolute_url()).content)
    (picture,) = tree.xpath('//figure[@class="story__figure"]/picture')
    (source,) = picture.xpath("source")
    (img,) = picture.xpath(".//img")  # libxml2 does not know <source> is void
    assert source.get("type") == "image/webp"
    assert [entry.split()[1] for entry in source.get("srcset").split(", ")] == [
        "480w",
        "800w",
        "1200w",
        "1600w",
    ]
    assert img.get("srcset").count(".jpeg ") == 4
    assert img.get("sizes") == source.get("sizes") == "(min-width: 44rem) 42rem, 100vw"
    assert (img.get("width"), img.get("height")) == ("1200", "675")
    assert img.get("alt") == "A reef at dawn"
    assert img.get("fetchpriority") == "high" and img.get("loading") is None
    assert client.get(img.get("src")).status_code in (200, 404)  # served by the web server


def test_pictures_below_the_fold_load_lazily(publish_with_picture):
    article = Article.objects.for_reading().get(pk=publish_with_picture().pk)
    rendered = render_to_string(
        "includes/_picture.html", {"picture": picture(article, crop="1:1", sizes="10rem")}
    )
    img = html.fromstring(rendered).xpath("//img")[0]
    assert img.get("loading") == "lazy"
    assert (img.get("width"), img.get("height")) == ("800", "800")  # a 900px square fills 800
    assert img.get("sizes") == "10rem"


def test_without_renditions_the_original_image_is_shown(client):
    article = make_article(lead_image=jpeg(1000, 500), lead_image_alt="Original")
    tree = html.fromstring(client.get(article.get_absolute_url()).content)
    (img,) = tree.xpath("//figure//img")
    assert img.get("src") == article.lead_image.url
    assert (img.get("width"), img.get("height")) == ("1000", "500")
    assert img.get("srcset") is None


def test_json_ld_lists_the_three_crops(client, publish_with_picture):
    article = publish_with_picture()
    tree = html.fromstring(client.get(article.get_absolute_url()).content)
    news = json.loads(tree.xpath('//script[@type="application/ld+json"]')[0].text)
    assert [url.rsplit("/", 1)[1] for url in news["image"]] == [
        "16x9-1600.jpeg",
        "4x3-1200.jpeg",
        "1x1-800.jpeg",
    ]


def test_home_lead_uses_the_picture(client, publish_with_picture):
    publish_with_picture()
    tree = html.fromstring(client.get(reverse("articles:home")).content)
    assert tree.xpath('//picture[@class="teaser__image"]/source[@type="image/webp"]')


def test_command_backfills_live_stories_and_clears_taken_down_ones(publish_with_picture):
    live = make_article(lead_image=jpeg(), lead_image_alt="Before the feature")
    gone = publish_with_picture()
    Article.objects.filter(pk=gone.pk).update(status=Article.Status.UNPUBLISHED)
    call_command("make_renditions", stdout=io.StringIO())
    # From 1600×900: 16:9 at four widths, 4:3 at three, 1:1 at two; each in two formats
    assert live.renditions.count() == 18
    assert not gone.renditions.exists()
    assert Rendition.objects.count() == 18


def test_editor_sets_the_focal_point_in_admin_and_bad_values_are_named(admin_client):
    article = make_article()
    data = change_form_data(admin_client, article, focal_x="0.25", focal_y="0.8")
    assert admin_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.focal_x, article.focal_y) == (0.25, 0.8)
    data = change_form_data(admin_client, article, focal_x="1.5", focal_y="")
    response = admin_client.post(change_url(article), data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["focal_x"]
    assert 'value="1.5"' in response.content.decode()
    data = change_form_data(admin_client, article, focal_x="", focal_y="")
    assert admin_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.focal_x, article.focal_y) == (0.5, 0.5)  # blank is the centre


def test_publishing_through_the_desk_makes_them_and_unpublishing_removes_them(
    django_capture_on_commit_callbacks,
):
    editor = make_staff("Editor")
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(
            status=Article.Status.APPROVED,
            lead_image=jpeg(),
            lead_image_alt="A bus",
            lead_image_credit="Ann",
        )
    assert not draft.renditions.exists()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(draft, by=editor, action="publish")
    assert draft.renditions.count() == 18
    with django_capture_on_commit_callbacks(execute=True):
        workflow.move(draft, by=editor, action="unpublish")
    assert not draft.renditions.exists()


def test_deleting_an_article_deletes_its_rendition_files(
    publish_with_picture, django_capture_on_commit_callbacks
):
    article = publish_with_picture()
    files = [Path(r.file.path) for r in article.renditions.all()]
    assert files and all(path.exists() for path in files)
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert not any(path.exists() for path in files)


def test_a_broken_picture_leaves_the_story_saved_without_renditions(
    django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(
            lead_image=ContentFile(b"not an image", "broken.jpg"), lead_image_alt="Broken"
        )
    assert Article.objects.filter(pk=article.pk).exists()
    assert not article.renditions.exists()
    assert f"Could not make the renditions of article {article.pk}" in caplog.text
