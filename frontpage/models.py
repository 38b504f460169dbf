"""The front page as the editors arrange it: a draft they prepare, and the versions they
published (the live one is the newest). A published arrangement is never changed again."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles import visibility
from articles.caching import PageKeysQuerySet


class Place(models.TextChoices):
    LEAD = "lead", "Lead"
    TOP = "top", "Top stories"
    PINNED = "pinned", "Pinned in Latest"


# How many stories each place holds.
PLACE_SIZES = {Place.LEAD: 1, Place.TOP: 4, Place.PINNED: 6}


def showing(now, via=""):
    """The condition for "this slot is still up at `now`" (`via`: the path to the slot)."""
    return Q(**{f"{via}expires_at__isnull": True}) | Q(**{f"{via}expires_at__gt": now})


class LayoutQuerySet(PageKeysQuerySet):
    def live(self):
        """Published arrangements, the one readers see first."""
        return self.filter(published_at__isnull=False).order_by("-published_at", "-pk")

    def drafts(self):
        """Unpublished arrangements, the editors' one first (a second is a race's leftover)."""
        return self.filter(published_at__isnull=True).order_by("pk")


class Layout(models.Model):
    banner_text = models.CharField("breaking-news banner", max_length=200, blank=True)
    banner_url = models.CharField(
        "banner link",
        max_length=500,
        blank=True,
        help_text="A story's address on this site (/news/...) or an https:// link.",
    )
    banner_expires_at = models.DateTimeField("banner comes down at", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = LayoutQuerySet.as_manager()

    class Meta:
        permissions = [("arrange_front_page", "Can arrange and publish the front page")]

    def __str__(self):
        if self.published_at is None:
            return "Front page draft"
        return f"Front page of {timezone.localtime(self.published_at):%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("frontpage:edit")

    def page_keys(self, before):
        """A published arrangement is the home page; a draft is no reader's page."""
        return {"front"} if self.published_at else set()

    def banner(self, now):
        """The banner readers see at `now`, or None."""
        if not self.banner_text or (self.banner_expires_at and self.banner_expires_at <= now):
            return None
        return {"text": self.banner_text, "url": self.banner_url}


def readers_see():
    """The stories a chooser offers: those readers see now (autocomplete and form alike)."""
    return visibility.live(timezone.now())


class SlotQuerySet(models.QuerySet):
    def showing(self, now):
        return self.filter(showing(now))


class Slot(models.Model):
    """One story the editors put in one place of an arrangement, up until `expires_at`."""

    layout = models.ForeignKey(Layout, on_delete=models.CASCADE, related_name="slots")
    place = models.CharField(max_length=8, choices=Place.choices)
    position = models.PositiveSmallIntegerField()
    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="front_page_slots",
        limit_choices_to=readers_see,
    )
    expires_at = models.DateTimeField("comes down at", null=True, blank=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["layout", "place", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(place__in=Place.values), name="frontpage_slot_place_valid"
            ),
            models.UniqueConstraint(
                fields=["layout", "place", "position"], name="frontpage_slot_one_story_a_place"
            ),
            models.UniqueConstraint(
                fields=["layout", "article"], name="frontpage_slot_story_shown_once"
            ),
        ]

    def __str__(self):
        return f"{self.get_place_display()} {self.position}: {self.article_id}"

    def get_absolute_url(self):
        return reverse("frontpage:edit")
