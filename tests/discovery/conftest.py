import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from tests.factories import make_article


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded lead images and their renditions go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(width=1600, height=900, name="lead.jpg"):
    """A real JPEG of the given size, ready to assign to Article.lead_image."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name=name)


@pytest.fixture
def publish_with_picture(django_capture_on_commit_callbacks):
    """Save an article with a lead image and run what happens after the commit."""

    def publish(width=1600, height=900, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(
                lead_image=jpeg(width, height), lead_image_alt="A reef at dawn", **overrides
            )

    return publish
