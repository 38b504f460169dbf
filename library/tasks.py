"""Work on library images that the task worker (`manage.py db_worker`) runs, never a request."""

import logging

from django_tasks import task
from PIL import Image as PILImage

from library.models import Image
from library.renditions import make_renditions

logger = logging.getLogger(__name__)


@task()
def make_image_renditions(image_id):
    """Make the image's renditions if they are missing or stale; a no-op when they are current.

    A picture that cannot be read costs only its renditions: pages keep the original.
    """
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return False  # Deleted before the worker got to it.
    try:
        return make_renditions(image)
    except (OSError, ValueError, PILImage.DecompressionBombError):
        logger.exception(
            "renditions_failed", extra={"fields": {"image": image.pk, "file": image.file.name}}
        )
        return False
