"""The home page's stories: the editors' arrangement first, the automatic order (newest
first) in every place they left empty, no story twice."""

from django.db.models import F
from django.utils import timezone

from articles import pages
from articles.models import Article
from frontpage.models import PLACE_SIZES, Place, Slot, showing
from newsroom.prepared import Param, ParamList, prepared

LATEST_COUNT = 10
PER_SECTION = 3
LEAD_PICTURE = {
    "css_class": "teaser__image",
    "sizes": "(min-width: 48rem) 40rem, 100vw",
    "above_fold": True,
}
EXTRA_FIELDS = ("place", "position", "slot_expires_at", *pages.LEAD_FIELDS)


def curated(layout, now):
    """The arranged stories readers may see now, with their `place`, `position` and
    `slot_expires_at`. A story unpublished or killed since, or whose pin came down, is not
    among them: its place is filled automatically."""
    # One filter(): both conditions on the same slot row (one join).
    return (
        Article.objects.live_at(now)
        .filter(showing(now, via="front_page_slots__"), front_page_slots__layout=layout)
        .annotate(
            place=F("front_page_slots__place"),
            position=F("front_page_slots__position"),
            slot_expires_at=F("front_page_slots__expires_at"),
        )
        .order_by("position")
    )


@prepared
def curated_rows():
    """Teaser rows (with EXTRA_FIELDS) of `curated(layout, now)`."""
    return pages.teaser_values(
        curated(Param("layout", Slot.layout.field), pages.NOW), *EXTRA_FIELDS
    )


@prepared
def newest_rows(chosen, wanted):
    """Teaser rows (with the lead's picture) of the `wanted` newest stories live at `now`
    but the `chosen` ones (a list of that many ids)."""
    automatic = Article.objects.live_at(pages.NOW).exclude(
        pk__in=ParamList("chosen", Article._meta.pk, chosen)
    )
    return pages.teaser_values(automatic.newest_first()[:wanted], *pages.LEAD_FIELDS)


def home_page(layout, *, latest_count=LATEST_COUNT, per_section=PER_SECTION):
    """The home page of `layout` (None: the automatic order alone): its context, its page
    keys and the moment it changes by itself (a pin or the banner coming down)."""
    now = timezone.now()
    chosen = curated_rows(now=now, layout=layout.pk) if layout else []
    places = {place: {} for place in Place}
    for row in chosen:
        places[row["place"]][row["position"]] = row
    wanted = (
        PLACE_SIZES[Place.LEAD]
        + PLACE_SIZES[Place.TOP]
        + latest_count
        - len(places[Place.LEAD])
        - len(places[Place.TOP])
        - min(len(places[Place.PINNED]), latest_count)
    )
    chosen_ids = [row["pk"] for row in chosen]
    newest, rails = pages.teasers(
        [*chosen, *newest_rows(len(chosen_ids), wanted, now=now, chosen=chosen_ids)],
        # The newest few stories of every featured section, in display order.
        pages.newest_per_section(per_section, now=now),
    )
    shown = {story["pk"]: story for story in newest}
    fill = iter(shown[row["pk"]] for row in newest[len(chosen) :])

    def place(name, count):
        arranged = places[name]
        return [
            story
            for story in (
                shown[arranged[n]["pk"]] if n in arranged else next(fill, None)
                for n in range(1, count + 1)
            )
            if story
        ]

    [lead] = place(Place.LEAD, 1) or [None]
    top = place(Place.TOP, PLACE_SIZES[Place.TOP])
    pinned = [shown[row["pk"]] for _, row in sorted(places[Place.PINNED].items())]
    latest = (pinned + list(fill))[:latest_count]
    banner = layout and layout.banner(now)
    ends = [row["slot_expires_at"] for row in chosen if row["slot_expires_at"]]
    if banner and layout.banner_expires_at:
        ends.append(layout.banner_expires_at)
    return {
        "context": {
            "lead": lead and pages.with_lead_picture(lead, **LEAD_PICTURE),
            "top_stories": top,
            "latest": latest,
            "section_rails": pages.by_section(rails),
            "banner": banner,
        },
        # `sections`: the featured sections choose the rails.
        "page_keys": {"front", "sections"} | pages.teaser_keys([*newest, *rails]),
        "expires_at": min(ends, default=None),
    }
