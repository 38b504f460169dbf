"""Putting pictures into the library: each file checked and re-encoded as lead images are."""

from pathlib import PurePath

from django.core.exceptions import ValidationError

from articles.images import LeadImageField
from library.models import Image


def add_to_library(upload, *, by):
    """Store one uploaded picture as a library image, or raise ValidationError naming the file."""
    picture = LeadImageField().clean(upload)
    title = PurePath(upload.name).stem.replace("_", " ").replace("-", " ").strip()
    image = Image(file=picture, title=title[:200] or "Untitled picture", uploaded_by=by)
    image.full_clean()
    image.save()
    return image


def add_many(uploads, *, by):
    """Store every acceptable file; a refused one costs no other. Returns (images, errors)."""
    images, errors = [], []
    for upload in uploads:
        try:
            images.append(add_to_library(upload, by=by))
        except ValidationError as error:
            errors.append((upload.name, " ".join(error.messages)))
    return images, errors
