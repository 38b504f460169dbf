"""Pictures put into the library through the admin: only real images, re-encoded under a new
name; a story leads with one and saves again without re-judging it."""

import io
import logging
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from library.models import Image as LibraryImage
from tests.articles.change_form import change_form_data, change_url
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def image_bytes(image_format, size=(32, 24), **save_options):
    output = io.BytesIO()
    Image.new("RGB", size, "teal").save(output, format=image_format, **save_options)
    return output.getvalue()


def upload(admin_client, name, content):
    """The library's add form, as the desk fills it in."""
    data = {
        "file": SimpleUploadedFile(name, content),
        "title": "Teal square",
        "alt": "A teal square",
        "focal_x": "0.5",
        "focal_y": "0.5",
        "tags": "",
    }
    return admin_client.post(reverse("admin:library_image_add"), data)


def stored():
    return LibraryImage.objects.latest("pk")


@pytest.mark.parametrize(
    "image_format, extension", [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")]
)
def test_accepted_image_is_reencoded_under_a_generated_name(
    admin_client, media_root, image_format, extension
):
    original = image_bytes(image_format) + b"<script>alert(1)</script>"  # A polyglot's tail.
    response = upload(admin_client, "../../evil.html.png", original)
    assert response.status_code == 302
    picture = stored()
    path = Path(picture.file.path)
    assert path.is_relative_to(media_root / "library")
    assert path.suffix == f".{extension}"
    assert len(path.stem) == 32 and "evil" not in path.name
    assert b"<script>" not in path.read_bytes()
    assert (picture.width, picture.height) == (32, 24)
    with Image.open(path) as image:
        assert image.format == image_format


def test_jpeg_metadata_is_dropped(admin_client):
    exif = Image.Exif()
    exif[0x010E] = "shot at the reporter's home address"  # ImageDescription
    upload(admin_client, "photo.jpg", image_bytes("JPEG", exif=exif.tobytes()))
    with Image.open(stored().file.path) as image:
        assert not image.getexif()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.mark.parametrize(
    "name, content",
    [
        ("logo.svg", SVG),
        ("logo.png", SVG),
        ("page.html", HTML),
        ("page.jpg", HTML),
        ("photo.png", image_bytes("BMP")),  # A real image in a format we do not take.
        ("photo.tiff", image_bytes("TIFF")),
        ("truncated.png", image_bytes("PNG")[:40]),
        ("empty.gif", b"GIF89a"),
    ],
)
def test_anything_but_a_real_jpeg_png_webp_or_gif_is_refused(admin_client, name, content, caplog):
    with caplog.at_level(logging.WARNING, logger="newsroom.security"):
        response = upload(admin_client, name, content)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert f"“{name}” was refused" in errors["file"][0]
    assert "JPEG, PNG, WebP or GIF" in errors["file"][0]
    assert response.context["adminform"].form["title"].value() == "Teal square"  # kept
    assert not LibraryImage.objects.exists()
    refused = [r for r in caplog.records if r.getMessage() == "upload_refused"]
    assert refused and refused[0].fields["file"] == name


def png_claiming(width, height):
    """A tiny PNG whose header claims width × height pixels: a decompression bomb's shape."""
    png = bytearray(image_bytes("PNG", size=(1, 1)))
    png[16:24] = struct.pack(">II", width, height)  # IHDR data starts at byte 16.
    png[29:33] = struct.pack(">I", zlib.crc32(bytes(png[12:29])))
    return bytes(png)


@pytest.mark.parametrize("side", [2_000, 20_000])
def test_decompression_bomb_is_refused_before_decoding(admin_client, settings, side):
    settings.LEAD_IMAGE_MAX_PIXELS = 1_000_000
    response = upload(admin_client, "bomb.png", png_claiming(side, side))
    error = response.context["adminform"].form.errors["file"][0]
    assert "than this site accepts" in error


def test_oversized_file_is_refused_naming_the_limit(admin_client, settings):
    settings.LEAD_IMAGE_MAX_BYTES = 1024
    response = upload(admin_client, "big.png", image_bytes("PNG", size=(400, 400)) + bytes(2048))
    error = response.context["adminform"].form.errors["file"][0]
    assert "the limit is 1.0" in error


def test_an_illustrated_story_saves_again_without_a_new_upload(admin_client):
    assert upload(admin_client, "square.png", image_bytes("PNG")).status_code == 302
    picture = stored()
    article = make_article(lead_image=picture)
    data = change_form_data(admin_client, article, headline="Re-saved with its picture")
    assert data["lead_image"] == [str(picture.pk)]
    assert admin_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Re-saved with its picture" and article.lead_image == picture
    picture.full_clean()  # The stored picture is not re-validated as if it were an upload.


def noisy_jpeg(size, quality):
    """A photo-like JPEG saved at a low quality: re-encoded at ours, it grows."""
    output = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(output, format="JPEG", quality=quality)
    return output.getvalue()


class TestOneValidationPoint:
    """The upload is judged once (format, bytes, pixels); the re-encoded copy is not again."""

    def test_an_upload_within_the_limit_is_kept_though_its_copy_is_larger(
        self, admin_client, settings
    ):
        content = noisy_jpeg((400, 300), quality=30)
        settings.LEAD_IMAGE_MAX_BYTES = len(content)
        assert upload(admin_client, "photo.jpg", content).status_code == 302
        assert Path(stored().file.path).stat().st_size > settings.LEAD_IMAGE_MAX_BYTES

    def test_a_40_megapixel_jpeg_is_accepted(self, admin_client, settings):
        width, height = 7300, 5479  # 39,996,700 pixels: at the limit of 40,000,000
        assert width * height <= settings.LEAD_IMAGE_MAX_PIXELS
        content = image_bytes("JPEG", size=(width, height), quality=95)
        assert upload(admin_client, "wide.jpg", content).status_code == 302
        assert (stored().width, stored().height) == (width, height)

    def test_the_stored_copy_is_not_judged_by_later_limits(self, admin_client, settings):
        assert upload(admin_client, "photo.jpg", noisy_jpeg((400, 300), 30)).status_code == 302
        article = make_article(lead_image=stored())
        settings.LEAD_IMAGE_MAX_BYTES, settings.LEAD_IMAGE_MAX_PIXELS = 1, 1
        data = change_form_data(admin_client, article, headline="Saved under new limits")
        assert admin_client.post(change_url(article), data).status_code == 302
        article.refresh_from_db()
        assert article.headline == "Saved under new limits" and article.lead_image
