"""Preparing and publishing the front page: the one path from the editors' draft to readers."""

from django.db import transaction
from django.utils import timezone

from articles.models import EditorialAction, EditorialEvent
from frontpage.models import Layout, Place, Slot


@transaction.atomic
def draft(*, now=None):
    """The editors' draft, started from the live front page (what is still up) when none."""
    layout = Layout.objects.drafts().first()
    if layout is not None:
        return layout
    now = now or timezone.now()
    live = Layout.objects.live().first()
    layout = Layout.objects.create()
    if live is None:
        return layout
    if live.banner(now):
        layout.banner_text, layout.banner_url = live.banner_text, live.banner_url
        layout.banner_expires_at = live.banner_expires_at
        layout.save()
    Slot.objects.bulk_create(
        Slot(
            layout=layout,
            place=slot.place,
            position=slot.position,
            article_id=slot.article_id,
            expires_at=slot.expires_at,
        )
        for slot in live.slots.showing(now)
    )
    return layout


@transaction.atomic
def save_draft(*, layout, banner, slots):
    """Replace the draft's banner (text, url, expires_at) and its stories: `slots` is
    {place: [(article, expires_at), ...] in order}."""
    layout.banner_text = banner["text"]
    layout.banner_url = banner["url"]
    layout.banner_expires_at = banner["expires_at"]
    layout.save()
    layout.slots.all().delete()
    Slot.objects.bulk_create(
        Slot(layout=layout, place=place, position=position, article=article, expires_at=expires)
        for place, chosen in slots.items()
        for position, (article, expires) in enumerate(chosen, start=1)
    )


def summary(layout):
    """The arrangement in one line, for the audit log."""
    names = dict(Place.choices)
    slots = layout.slots.select_related("article").order_by("place", "position")
    parts = [f"{names[slot.place]} {slot.position}: {slot.article.headline}" for slot in slots]
    if layout.banner_text:
        parts.append(f"Banner: {layout.banner_text}")
    return "; ".join(parts) or "Automatic order, no banner"


@transaction.atomic
def publish(*, by, now=None):
    """Put the draft live for readers' next request, and log who did it."""
    now = now or timezone.now()
    layout = draft(now=now)
    layout.published_at, layout.published_by = now, by
    layout.save()  # Its page key (`front`) renews the home page.
    EditorialEvent.objects.create(
        headline="Front page",
        actor=by,
        action=EditorialAction.FRONT_PAGE,
        note=summary(layout),
        created_at=now,
    )
    return layout
