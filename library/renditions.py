"""Responsive pictures: crops at 16:9, 4:3 and 1:1 around the image's focal point, and its
own shape for pictures in a story's body, each at several widths, in WebP with a JPEG
fallback.

They are made by a background task (library/tasks.py) after the save that changed the
picture or its focal point has committed, so the desk never waits for them, and written
through Django's storage API. Until they exist, pages show the original at its own size.
"""

import io
import logging
from fractions import Fraction

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.crypto import salted_hmac
from PIL import Image as PILImage
from PIL import ImageOps

from library.models import Image, Rendition

logger = logging.getLogger(__name__)

WIDTHS = (480, 800, 1200, 1600)
QUALITY = {Rendition.Format.WEBP: 80, Rendition.Format.JPEG: 82}
PIL_FORMATS = {Rendition.Format.WEBP: "WEBP", Rendition.Format.JPEG: "JPEG"}
# The width a plain <img src> and social cards use when it exists.
DEFAULT_WIDTH = 1200


def crop_ratio(crop, width, height):
    if crop == Rendition.Crop.ORIGINAL:
        return Fraction(width, height)
    return Fraction(*map(int, crop.split(":")))


def crop_box(width, height, ratio, focal_x, focal_y):
    """The largest box of `ratio` inside width×height, centred on the focal point if it fits."""
    if Fraction(width, height) > ratio:
        box_width, box_height = round(height * ratio), height
    else:
        box_width, box_height = width, round(width / ratio)
    left = min(max(round(focal_x * width - box_width / 2), 0), width - box_width)
    top = min(max(round(focal_y * height - box_height / 2), 0), height - box_height)
    return left, top, left + box_width, top + box_height


def widths_for(box_width):
    """The srcset widths a crop can fill without upscaling (its own width if it is smaller)."""
    return [width for width in WIDTHS if width <= box_width] or [box_width]


def encode(picture, file_format):
    buffer = io.BytesIO()
    if file_format == Rendition.Format.JPEG:
        picture.save(buffer, "JPEG", quality=QUALITY[file_format], optimize=True, progressive=True)
    else:
        # method=2: a third of the encoding time of the default 4 for a few % more bytes.
        picture.save(buffer, PIL_FORMATS[file_format], quality=QUALITY[file_format], method=2)
    return buffer.getvalue()


def is_current(image):
    """Whether the image has a complete set made from its present picture and focal point."""
    keys = set(image.renditions.values_list("source_key", flat=True))
    return keys == {image.source_key()}


def make_renditions(image):
    """Give the image a fresh set of renditions, unless it already has a current one.

    Files are written first, under names fixed by the image and its source key, and the
    rows replace the old set in one transaction at the end: a job killed half-way leaves
    the old set (or none) in place, and running it again overwrites the same files.
    """
    if is_current(image):
        return False
    key = image.source_key()
    # Unguessable folder: a file name never reveals a picture before a story uses it.
    folder = f"renditions/{salted_hmac('rendition', f'{image.pk}|{key}').hexdigest()[:20]}"
    with image.file.open("rb") as source, PILImage.open(source) as original:
        picture = ImageOps.exif_transpose(original).convert("RGB")
    storage = Rendition._meta.get_field("file").storage
    renditions = []
    for crop in Rendition.Crop.values:
        ratio = crop_ratio(crop, *picture.size)
        resized = picture.crop(crop_box(*picture.size, ratio, image.focal_x, image.focal_y))
        # Widest first, each made from the one before: far cheaper than from the full crop.
        for width in sorted(widths_for(resized.width), reverse=True):
            height = round(width / ratio)
            resized = resized.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
            for file_format in Rendition.Format.values:
                encoded = encode(resized, file_format)
                name = f"{folder}/{crop.replace(':', 'x')}-{width}.{file_format}"
                storage.delete(name)  # Left by a job that died before its rows were written.
                renditions.append(
                    Rendition(
                        image=image,
                        crop=crop,
                        format=file_format,
                        width=width,
                        height=height,
                        file=storage.save(name, ContentFile(encoded)),
                        file_size=len(encoded),
                        source_key=key,
                    )
                )
    with transaction.atomic():
        # The image's row is the lock: two jobs for one image write its set one after the other.
        locked = Image.objects.select_for_update().filter(pk=image.pk).first()
        if locked is None or locked.source_key() != key:
            # Deleted or changed meanwhile: the job queued by that change makes the right set.
            transaction.on_commit(lambda: [storage.delete(r.file.name) for r in renditions])
            return False
        if is_current(locked):
            return False  # Another job finished first with the same files.
        for rendition in locked.renditions.all():
            rendition.delete()
        Rendition.objects.bulk_create(renditions)
    return True


def image_saved(sender, instance, raw=False, **kwargs):
    """post_save receiver (connected in library/apps.py): renditions follow the picture."""
    if not raw:
        from library.tasks import make_image_renditions

        pk = instance.pk
        transaction.on_commit(lambda: make_image_renditions.enqueue(pk))


def rendition_deleted(sender, instance, **kwargs):
    """post_delete receiver (library/apps.py): the file goes with its row, also when the
    image it was made from does."""
    file = instance.file
    transaction.on_commit(lambda: file.storage.delete(file.name))


def by_crop(source):
    """{crop: {format: [renditions narrowest first]}} from a library image's prefetched
    renditions."""
    grouped = {}
    for rendition in source.renditions.all():
        grouped.setdefault(rendition.crop, {}).setdefault(rendition.format, []).append(rendition)
    for formats in grouped.values():
        for renditions in formats.values():
            renditions.sort(key=lambda rendition: rendition.width)
    return grouped


def default_rendition(renditions):
    """The widest rendition up to DEFAULT_WIDTH, else the narrowest."""
    fitting = [rendition for rendition in renditions if rendition.width <= DEFAULT_WIDTH]
    return fitting[-1] if fitting else renditions[0]
