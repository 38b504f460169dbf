"""Lead images as the desk uploads them: checked, decoded once, re-encoded, renamed.

What is stored is never the uploaded file: a polyglot (a GIF that is also a script, a
PNG with HTML appended) loses everything Pillow did not decode, metadata such as a
photographer's GPS position is dropped, and the generated name cannot collide with or
smuggle anything (`../`, `.html`, a misleading extension).
"""

import uuid
from io import BytesIO

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from articles.validators import ACCEPTED_IMAGE_FORMATS, validate_lead_image
from newsroom.logs import security_event

# How each accepted format is written back, and its extension.
ENCODINGS = {
    "JPEG": ("jpg", {"quality": 88, "optimize": True}),
    "PNG": ("png", {"optimize": True}),
    "WEBP": ("webp", {"quality": 88}),
    "GIF": ("gif", {}),
}


def reencode_image(upload):
    """A fresh file holding the upload's first frame, in the upload's own format.

    The upload must already have passed `validate_lead_image` (format and pixel count
    read from the header), so decoding it here is safe.
    """
    with Image.open(upload, formats=ACCEPTED_IMAGE_FORMATS) as image:
        image_format = image.format
        image.seek(0)  # Animations keep their first frame only.
        picture = ImageOps.exif_transpose(image)  # Keep the orientation the EXIF data gave.
    if image_format == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    extension, options = ENCODINGS[image_format]
    output = BytesIO()
    picture.save(output, format=image_format, **options)
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


class LeadImageField(forms.FileField):
    """An upload field that keeps only a re-encoded copy of a real JPEG, PNG, WebP or GIF.

    Django's own ImageField lets Pillow try every format it knows (EPS, PSD, ...); this
    one restricts Pillow to the four formats before it reads a byte.
    """

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            validate_lead_image(upload)
            return reencode_image(upload)
        except (ValidationError, OSError, ValueError) as error:
            security_event(
                "upload_refused", file=upload.name, size=upload.size, reason=_reason(error)
            )
            raise ValidationError(
                "“%(name)s” was refused: %(reason)s",
                params={"name": upload.name, "reason": _reason(error)},
                code="refused_image",
            ) from error

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "accept": "image/jpeg,image/png,image/webp,image/gif",
        }


def _reason(error):
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return "the image could not be decoded. Upload a JPEG, PNG, WebP or GIF image."
