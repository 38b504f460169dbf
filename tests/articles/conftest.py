import pytest

from tests.factories import make_image, make_staff


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
    """A library picture, stored under a throwaway MEDIA_ROOT, not yet described: the story
    gives it alt text and a credit."""
    settings.MEDIA_ROOT = tmp_path
    return make_image(alt="", credit="")
