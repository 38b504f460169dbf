"""What a page tells machines about itself: canonical URL, Open Graph and Twitter cards,
and schema.org JSON-LD (NewsArticle with its corrections, BreadcrumbList).

Everything here reads objects the page has already loaded; it runs no query of its own.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from articles.templatetags.newsroom import iso
from library.models import Rendition
from library.renditions import by_crop

LOGO = {"path": "img/logo.png", "width": 600, "height": 60}  # Google's publisher-logo size.
DESCRIPTION_LENGTH = 200
# The <meta name="description"> search engines show: shorter than the cards' description.
META_DESCRIPTION_LENGTH = 160

# The escapes of django.utils.html.json_script: nothing in the data can close the
# <script> element or open a comment, whatever a headline contains.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data):
    """A <script type="application/ld+json"> element holding `data`, safe against breaking out."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),
    )


def canonical_url(request, path, query=""):
    """The page's one address: no query string except where a paginated list has got to."""
    return request.build_absolute_uri(f"{path}?{query}" if query else path)


def publisher(request):
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.NEWSROOM_NAME,
        "url": request.build_absolute_uri(reverse("articles:home")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(LOGO["path"])),
            "width": LOGO["width"],
            "height": LOGO["height"],
        },
    }


def breadcrumbs(request, trail):
    """BreadcrumbList JSON-LD for [(name, path), ...] from the home page down."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def lead_images(request, article):
    """(url, width, height) of the lead image in each crop, 16:9 first, for cards and JSON-LD.

    The widest JPEG of each crop; the original file before renditions exist.
    """
    image = article.lead_image
    if image is None:
        return []
    crops = by_crop(image)
    if not crops:
        return [(request.build_absolute_uri(image.file.url), image.width, image.height)]
    images = []
    # The body's own shape is not a card's.
    for crop in [Rendition.Crop.WIDE, Rendition.Crop.STANDARD, Rendition.Crop.SQUARE]:
        jpegs = crops.get(crop, {}).get(Rendition.Format.JPEG)
        if jpegs:
            widest = jpegs[-1]
            images.append(
                (request.build_absolute_uri(widest.file.url), widest.width, widest.height)
            )
    return images


def for_page(request, *, title=None, description=None, page_query="", section=None):
    """Metadata of a home, section, tag or author page."""
    title = title or settings.NEWSROOM_NAME
    description = Truncator(description or settings.NEWSROOM_TAGLINE).chars(DESCRIPTION_LENGTH)
    canonical = canonical_url(request, request.path, page_query)
    home = (settings.NEWSROOM_NAME, reverse("articles:home"))
    return {
        "canonical": canonical,
        "open_graph": [
            ("og:site_name", settings.NEWSROOM_NAME),
            ("og:type", "website"),
            ("og:title", title),
            ("og:description", description),
            ("og:url", canonical),
        ],
        "twitter": [
            ("twitter:card", "summary"),
            ("twitter:title", title),
            ("twitter:description", description),
        ],
        "json_ld": (
            [json_ld(breadcrumbs(request, [home, (section.name, section.get_absolute_url())]))]
            if section
            else []
        ),
    }


def for_article(request, article, parts):
    """Metadata of an article page, NewsArticle and breadcrumbs included, from the article
    and its rows (`articles.pages.story_parts()`)."""
    canonical = canonical_url(request, article.get_absolute_url())
    summary = article.excerpt or article.dek
    description = Truncator(summary).chars(DESCRIPTION_LENGTH)
    authors = parts["bylines"]
    tags = [tag["name"] for tag in parts["tags"]]
    images = lead_images(request, article)
    open_graph = [
        ("og:site_name", settings.NEWSROOM_NAME),
        ("og:type", "article"),
        ("og:title", article.headline),
        ("og:description", description),
        ("og:url", canonical),
        ("article:published_time", iso(article.published_at)),
        ("article:modified_time", iso(article.last_updated_at)),
    ]
    if article.section:
        open_graph.append(("article:section", article.section.name))
    open_graph += [("article:author", request.build_absolute_uri(a["url"])) for a in authors]
    open_graph += [("article:tag", tag) for tag in tags]
    twitter = [
        ("twitter:card", "summary_large_image" if images else "summary"),
        ("twitter:title", article.headline),
        ("twitter:description", description),
    ]
    if images:
        url, width, height = images[0]
        open_graph += [
            ("og:image", url),
            ("og:image:width", str(width)),
            ("og:image:height", str(height)),
            ("og:image:alt", article.lead_alt()),
        ]
        twitter += [("twitter:image", url), ("twitter:image:alt", article.lead_alt())]

    news_article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "headline": article.headline,
        "description": description,
        "author": [
            {
                "@type": "Person",
                "name": author["name"],
                "url": request.build_absolute_uri(author["url"]),
            }
            for author in authors
        ],
        "datePublished": iso(article.published_at),
        "dateModified": iso(article.last_updated_at),
        "keywords": tags,
        "publisher": publisher(request),
    }
    if article.section:
        news_article["articleSection"] = article.section.name
    if images:
        news_article["image"] = [url for url, _width, _height in images]
    if parts["corrections"]:
        news_article["correction"] = [
            {
                "@type": "CorrectionComment",
                "name": correction["label"],
                "text": correction["text"],
                "datePublished": iso(correction["published_at"]),
                "url": f"{canonical}#correction-{correction['pk']}",
            }
            for correction in parts["corrections"]
        ]
    trail = [(settings.NEWSROOM_NAME, reverse("articles:home"))]
    if article.section:
        trail.append((article.section.name, article.section.get_absolute_url()))
    trail.append((article.headline, article.get_absolute_url()))
    return {
        "canonical": canonical,
        "description": Truncator(summary).chars(META_DESCRIPTION_LENGTH),
        "open_graph": open_graph,
        "twitter": twitter,
        "json_ld": [json_ld(news_article), json_ld(breadcrumbs(request, trail))],
    }
