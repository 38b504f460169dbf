import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from tests.factories import make_staff


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Library pictures and their renditions go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def editor(db):
    return make_staff("Editor")


def picture_bytes(width=64, height=48, image_format="JPEG", colour=(200, 40, 40)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, image_format)
    return buffer.getvalue()


def picture_upload(name="harbour.jpg", **kwargs):
    return SimpleUploadedFile(name, picture_bytes(**kwargs), content_type="image/jpeg")


def picture_file(name="harbour.jpg", **kwargs):
    return ContentFile(picture_bytes(**kwargs), name=name)
