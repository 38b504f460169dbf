"""Responsive lead images: crops at 16:9, 4:3 and 1:1 around the editor's focal point, each
at several widths, in WebP with a JPEG fallback.

They are made once, when a live article's lead image or focal point changes (the
post_save receiver below), written through Django's storage API (so S3-compatible
storage works), and never on a reader's request. Drafts get none: their pictures stay
out of the public renditions folder until the story goes live, and a story taken down
loses them.
"""

import logging
from fractions import Fraction

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.crypto import salted_hmac
from PIL import Image, ImageOps

from articles.models import Article, Rendition
from library.pictures import picture_of
from library.renditions import DEFAULT_WIDTH, by_crop, crop_box, encode, widths_for

logger = logging.getLogger(__name__)

CROPS = {crop: Fraction(*map(int, crop.split(":"))) for crop in Rendition.Crop.values}


def source_key(article):
    """What the renditions are made from; they are remade when this changes."""
    return f"{article.lead_image.name}|{article.focal_x:.4f}|{article.focal_y:.4f}"


def wants_renditions(article):
    return bool(article.lead_image) and article.status in Article.VISIBLE_STATUSES


@transaction.atomic
def make_renditions(article):
    """Replace the article's renditions with a fresh set made from its lead image."""
    remove_renditions(article)
    key = source_key(article)
    # Unguessable folder: a file name never reveals the story before it is live.
    folder = f"renditions/{salted_hmac('rendition', f'{article.pk}|{key}').hexdigest()[:20]}"
    with article.lead_image.open("rb") as source, Image.open(source) as original:
        picture = ImageOps.exif_transpose(original).convert("RGB")
    for crop, ratio in CROPS.items():
        box = crop_box(*picture.size, ratio, article.focal_x, article.focal_y)
        # Widest first, each made from the one before: far cheaper than from the full crop.
        resized = picture.crop(box)
        for width in sorted(widths_for(resized.width), reverse=True):
            height = round(width / ratio)
            resized = resized.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            for file_format in Rendition.Format.values:
                encoded = encode(resized, file_format)
                rendition = Rendition(
                    article=article,
                    crop=crop,
                    format=file_format,
                    width=width,
                    height=height,
                    file_size=len(encoded),
                    source_key=key,
                )
                name = f"{folder}/{crop.replace(':', 'x')}-{width}.{file_format}"
                rendition.file.save(name, ContentFile(encoded), save=False)
                rendition.save()


def remove_renditions(article):
    """Delete the article's renditions (rendition_deleted removes their files)."""
    article.renditions.all().delete()


def sync_renditions(article):
    """Make, keep or remove renditions so they match what readers may see of the article."""
    if not wants_renditions(article):
        if article.renditions.exists():
            remove_renditions(article)
        return
    keys = set(article.renditions.values_list("source_key", flat=True))
    if keys != {source_key(article)}:
        make_renditions(article)


def article_saved(sender, instance, raw=False, **kwargs):
    """post_save receiver (connected in articles/apps.py): renditions follow the article."""
    if not raw:
        transaction.on_commit(lambda: sync_after_save(instance))


def sync_after_save(article):
    """The story is saved whatever happens here: a broken picture costs only its renditions."""
    try:
        sync_renditions(article)
    except (OSError, ValueError, Image.DecompressionBombError):
        logger.exception("Could not make the renditions of article %s", article.pk)


def picture(article, *, crop="16:9", **shown):
    """The lead image as a <picture> (templates/jinja2/includes/_picture.html) reads it,
    from renditions prefetched with the article; the original until they exist."""
    original = (article.lead_image.url, article.lead_image_width, article.lead_image_height)
    return picture_of(
        by_crop(article).get(crop), original=original, alt=article.lead_image_alt, **shown
    )


def with_default_jpeg(articles, crop):
    """Annotate each article with `default_jpeg`, the file name of the JPEG of `crop` that
    default_rendition() would pick (None before renditions exist), and `default_jpeg_size`,
    its bytes: subqueries in the list's own query, not a query per story.
    """
    # Every set has a width up to DEFAULT_WIDTH: 480 is made, or the crop's own if smaller.
    widest = Rendition.objects.filter(
        article=OuterRef("pk"),
        crop=crop,
        format=Rendition.Format.JPEG,
        width__lte=DEFAULT_WIDTH,
    ).order_by("-width")
    return articles.annotate(
        default_jpeg=Subquery(widest.values("file")[:1]),
        default_jpeg_size=Subquery(widest.values("file_size")[:1]),
    )
