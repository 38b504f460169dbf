from django.conf import settings

from articles.models import Section


def site(request):
    """The publication's name and its featured sections for the masthead (queried if shown)."""
    return {
        "site_name": settings.NEWSROOM_NAME,
        "site_tagline": settings.NEWSROOM_TAGLINE,
        "nav_sections": Section.objects.featured().only("name", "slug"),
    }
