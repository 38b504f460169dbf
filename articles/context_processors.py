from django.conf import settings

from articles import caching
from articles.models import Section
from articles.pages import address
from newsroom.prepared import prepared


def site(request):
    """The publication's name and its featured sections for the masthead (queried if shown)."""
    return {
        "site_name": settings.NEWSROOM_NAME,
        "site_tagline": settings.NEWSROOM_TAGLINE,
        "nav_sections": Section.objects.featured().only("name", "slug"),
    }


@prepared
def _featured_sections():
    return Section.objects.featured().values_list("name", "slug")


def masthead(request):
    """The same for reader pages, as rows read before the page renders (one query, kept as a
    fragment under `sections`, which renames or features a section)."""

    def build():
        nav = [
            {"name": n, "slug": s, "url": address("articles:section", s)}
            for n, s in _featured_sections()
        ]
        return nav, {"sections"}

    [(nav_sections, _)] = caching.fragments({"masthead": build}).values()
    return {
        "site_name": settings.NEWSROOM_NAME,
        "site_tagline": settings.NEWSROOM_TAGLINE,
        "nav_sections": nav_sections,
    }
