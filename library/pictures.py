"""What a page needs to show a library image: the <picture> values and the desk's thumbnails.

Everything is read from renditions prefetched with the image; before they exist (or for a
picture too small to crop) the original file stands in, at its own width and height.
"""

from django.db.models import OuterRef, Subquery

from library.models import Rendition
from library.renditions import DEFAULT_WIDTH, by_crop, default_rendition

THUMBNAIL_SIZE = 80


def picture(image, *, crop, alt, **shown):
    """The values includes/_picture.html renders for a library image."""
    original = (image.file.url, image.width, image.height)
    return picture_of(by_crop(image).get(crop), original=original, alt=alt, **shown)


def picture_of(formats, *, original, alt, sizes="100vw", above_fold=False, css_class=""):
    """WebP and JPEG srcsets of one crop's renditions ({format: [narrowest first]}), lazy
    below the fold; the `original` (url, width, height) while there are none."""
    values = {"alt": alt, "sizes": sizes, "above_fold": above_fold, "css_class": css_class}
    if not formats or Rendition.Format.JPEG not in formats:
        src, width, height = original
        return values | {"src": src, "width": width, "height": height}
    fallback = default_rendition(formats[Rendition.Format.JPEG])
    return values | {
        "src": fallback.file.url,
        "width": fallback.width,
        "height": fallback.height,
        "jpeg_srcset": srcset(formats[Rendition.Format.JPEG]),
        "webp_srcset": srcset(formats.get(Rendition.Format.WEBP, [])),
    }


def srcset(renditions):
    return ", ".join(f"{rendition.file.url} {rendition.width}w" for rendition in renditions)


def social_rendition(image, crop=Rendition.Crop.WIDE):
    """The JPEG that feeds and social cards show (None before renditions exist)."""
    jpegs = by_crop(image).get(crop, {}).get(Rendition.Format.JPEG)
    return default_rendition(jpegs) if jpegs else None


def thumbnail(image):
    """(url, width, height) of a small square for the desk's lists: the narrowest square
    rendition, or the original scaled into the square until renditions exist."""
    squares = by_crop(image).get(Rendition.Crop.SQUARE, {}).get(Rendition.Format.JPEG)
    if squares:
        return squares[0].file.url, THUMBNAIL_SIZE, THUMBNAIL_SIZE
    scale = THUMBNAIL_SIZE / max(image.width, image.height, 1)
    return image.file.url, max(round(image.width * scale), 1), max(round(image.height * scale), 1)


def with_default_jpeg(rows, *, image_field, crop=Rendition.Crop.WIDE):
    """Annotate each row with `default_jpeg`, the file name of the JPEG of `crop` of its
    library image `image_field` that default_rendition() would pick (None before renditions
    exist), and `default_jpeg_size`, its bytes: subqueries in the list's own query, not a
    query per row (feeds list fifty stories).
    """
    # Every set has a width up to DEFAULT_WIDTH: 480 is made, or the crop's own if smaller.
    widest = Rendition.objects.filter(
        image=OuterRef(image_field),
        crop=crop,
        format=Rendition.Format.JPEG,
        width__lte=DEFAULT_WIDTH,
    ).order_by("-width")
    return rows.annotate(
        default_jpeg=Subquery(widest.values("file")[:1]),
        default_jpeg_size=Subquery(widest.values("file_size")[:1]),
    )
