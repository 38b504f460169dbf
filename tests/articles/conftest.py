import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import make_staff


@pytest.fixture
def editor(db):
    return make_staff("Editor")


@pytest.fixture
def reporter(db):
    """A reporter with their own byline, as reporters have."""
    return make_staff("Reporter", byline=True)


@pytest.fixture
def moderator(db):
    return make_staff("Moderator")


@pytest.fixture
def desk(client, editor):
    """A browser signed in as the editor."""
    client.force_login(editor)
    return client


@pytest.fixture
def lead_image(settings, tmp_path):
    """A real little PNG, stored under a throwaway MEDIA_ROOT."""
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    png = io.BytesIO()
    Image.new("RGB", (8, 6)).save(png, "PNG")
    return SimpleUploadedFile("bus.png", png.getvalue(), content_type="image/png")
