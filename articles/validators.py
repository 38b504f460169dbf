from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image

ACCEPTED_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def validate_lead_image(upload):
    """Accept only real JPEG, PNG, WebP or GIF images of a sane size.

    The one check of an image upload (LeadImageField, before it re-encodes the file). Pillow
    opens the file restricted to those formats and checks the pixel count from the header,
    so a decompression bomb is refused before anything is decoded.
    """
    if upload.size > settings.LEAD_IMAGE_MAX_BYTES:
        raise ValidationError(
            "The image is %(size)s; the limit is %(limit)s.",
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.LEAD_IMAGE_MAX_BYTES),
            },
            code="too_large",
        )
    upload.seek(0)
    try:
        with Image.open(upload, formats=ACCEPTED_IMAGE_FORMATS) as image:
            width, height = image.size
            if width * height > settings.LEAD_IMAGE_MAX_PIXELS:
                raise ValidationError(
                    "The image is %(width)s×%(height)s pixels, more than this site accepts.",
                    params={"width": width, "height": height},
                    code="too_many_pixels",
                )
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError as error:
        raise ValidationError(
            "The image has more pixels than this site accepts.", code="too_many_pixels"
        ) from error
    except Exception as error:
        raise ValidationError(
            "Upload a JPEG, PNG, WebP or GIF image. This file is not one.", code="invalid_image"
        ) from error
    finally:
        upload.seek(0)
