"""The media library: a picture stored once, described once, used by many stories."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Trim
from django.urls import reverse
from django.utils import timezone
from taggit.managers import TaggableManager

from articles.caching import PageKeysQuerySet


class ImageQuerySet(PageKeysQuerySet):
    def with_renditions(self):
        """Images with every rendition a <picture> needs, in one more query."""
        return self.prefetch_related("renditions")

    def undescribed(self, field):
        """Images whose `field` ("alt" or "credit") is empty: a story cannot go out with them
        until someone writes it (Image.has_alt_text, has_credit)."""
        return self.alias(written=Trim(field)).filter(written="")

    def unused(self):
        """Images no story shows, as its lead image or in its body."""
        from articles.models import Article

        in_bodies = Article.objects.filter(body_images=models.OuterRef("pk"))
        return self.filter(stories__isnull=True).exclude(models.Exists(in_bodies)).distinct()


class Image(models.Model):
    file = models.ImageField(
        "picture",
        upload_to="library/%Y/%m/",
        width_field="width",
        height_field="height",
        max_length=200,
    )
    # Stored so that pages can give <img> its size without opening the file.
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    title = models.CharField(
        max_length=200, help_text="How the desk finds it; not shown to readers."
    )
    # Blank only until someone describes it: a story cannot go out with an undescribed picture.
    alt = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(
        max_length=200, blank=True, help_text="e.g. Photo: Ada Byron / Reuters"
    )
    source = models.CharField(
        "source or licence",
        max_length=300,
        blank=True,
        help_text="Where it came from, and on what terms.",
    )
    # Where the picture's subject is, as fractions of its width and height: crops keep it in view.
    focal_x = models.FloatField(
        "focal point across",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the left edge, 1 the right. Click the picture to set both.",
    )
    focal_y = models.FloatField(
        "focal point down",
        default=0.5,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="0 is the top edge, 1 the bottom.",
    )
    tags = TaggableManager(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploaded_images",
        editable=False,
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("admin:library_image_change", args=[self.pk])

    def page_keys(self, before):
        """Pages show it by its key (articles/models/content.py `page_view_keys`), feeds too."""
        return {f"image:{self.pk}", "feeds"}

    def used_in(self):
        """The stories that show it, as their lead image or in their body, newest first."""
        from articles.models import Article

        return (
            Article.objects.filter(models.Q(lead_image=self) | models.Q(body_images=self))
            .distinct()
            .order_by("-created_at", "-pk")
        )

    def has_alt_text(self):
        return bool(self.alt.strip())

    def has_credit(self):
        return bool(self.credit.strip())

    def source_key(self):
        """What the renditions are made from; they are remade when this changes."""
        return f"{self.file.name}|{self.focal_x:.4f}|{self.focal_y:.4f}"


class Rendition(models.Model):
    """One resized, cropped copy of a library image (library/renditions.py makes them)."""

    class Crop(models.TextChoices):
        WIDE = "16:9", "16:9"
        STANDARD = "4:3", "4:3"
        SQUARE = "1:1", "1:1"
        # The picture's own shape, for pictures in the body of a story.
        ORIGINAL = "orig", "original"

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    crop = models.CharField(max_length=4, choices=Crop.choices)
    format = models.CharField(max_length=4, choices=Format.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.FileField(max_length=300)
    # In bytes, known when the file is written: feeds give it as the enclosure's length.
    file_size = models.PositiveIntegerField()
    # The picture and focal point it was made from; a change makes the set stale.
    source_key = models.CharField(max_length=400)

    objects = PageKeysQuerySet.as_manager()

    class Meta:
        ordering = ["crop", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["image", "crop", "format", "width"], name="library_rendition_once"
            ),
        ]

    def __str__(self):
        return f"{self.image} {self.crop} {self.width}w {self.format}"

    def get_absolute_url(self):
        return self.file.url

    def page_keys(self, before):
        """A new set changes every page that shows its image."""
        return {f"image:{self.image_id}", "feeds"}
