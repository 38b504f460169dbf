from django import template

from articles.renditions import default_rendition, renditions_by_crop

register = template.Library()


@register.inclusion_tag("includes/_picture.html")
def lead_picture(article, *, crop="16:9", sizes="100vw", above_fold=False, css_class=""):
    """The lead image as <picture>: WebP and JPEG srcsets of one crop, lazy below the fold.

    Reads renditions prefetched with the article; before they exist (or for an image too
    small to crop) it falls back to the original file.
    """
    picture = {
        "alt": article.lead_image_alt,
        "sizes": sizes,
        "above_fold": above_fold,
        "css_class": css_class,
    }
    formats = renditions_by_crop(article).get(crop)
    if not formats or "jpeg" not in formats:
        return picture | {
            "src": article.lead_image.url,
            "width": article.lead_image_width,
            "height": article.lead_image_height,
        }
    fallback = default_rendition(formats["jpeg"])
    return picture | {
        "src": fallback.file.url,
        "width": fallback.width,
        "height": fallback.height,
        "jpeg_srcset": srcset(formats["jpeg"]),
        "webp_srcset": srcset(formats.get("webp", [])),
    }


def srcset(renditions):
    return ", ".join(f"{rendition.file.url} {rendition.width}w" for rendition in renditions)
