import pytest

from tests.factories import make_article, make_image


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded lead images and their renditions go to a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def jpeg(width=1600, height=900):
    """A library picture of a real JPEG of the given size, ready to lead a story."""
    return make_image(size=(width, height))


@pytest.fixture
def publish_with_picture(django_capture_on_commit_callbacks):
    """Save an article with a library lead image and run what happens after the commit (the
    picture's renditions are made)."""

    def publish(width=1600, height=900, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return make_article(
                lead_image=jpeg(width, height), lead_image_alt="A reef at dawn", **overrides
            )

    return publish
