from django.conf import settings

from articles.models import Section
from articles.pages import address


def site(request):
    """The publication's name and its featured sections for the masthead (queried if shown)."""
    return {
        "site_name": settings.NEWSROOM_NAME,
        "site_tagline": settings.NEWSROOM_TAGLINE,
        "nav_sections": Section.objects.featured().only("name", "slug"),
    }


def masthead(request):
    """The same for reader pages, as rows read before the page renders (one query)."""
    return {
        "site_name": settings.NEWSROOM_NAME,
        "site_tagline": settings.NEWSROOM_TAGLINE,
        "nav_sections": [
            {"name": name, "slug": slug, "url": address("articles:section", slug)}
            for name, slug in Section.objects.featured().values_list("name", "slug")
        ],
    }
