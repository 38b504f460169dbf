"""Pictures made from an article's lead image."""

from django.db import models

from articles.caching import PageKeysQuerySet
from articles.models.content import Article


class Rendition(models.Model):
    """One resized, cropped copy of an article's lead image (articles/renditions.py makes them)."""

    class Crop(models.TextChoices):
        WIDE = "16:9", "16:9"
        STANDARD = "4:3", "4:3"
        SQUARE = "1:1", "1:1"

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="renditions")
    crop = models.CharField(max_length=4, choices=Crop.choices)
    format = models.CharField(max_length=4, choices=Format.choices)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file = models.FileField(max_length=300)
    # In bytes, known when the file is written: feeds give it as the enclosure's length
    # without asking storage about every story.
    file_size = models.PositiveIntegerField()
    # The lead image and focal point it was made from; a change makes the set stale.
    source_key = models.CharField(max_length=400)

    objects = PageKeysQuerySet.as_manager()

    class Meta:
        ordering = ["crop", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "crop", "format", "width"], name="rendition_once"
            ),
        ]

    def __str__(self):
        return f"{self.article} {self.crop} {self.width}w {self.format}"

    def get_absolute_url(self):
        return self.file.url

    def page_keys(self, before):
        """The story's pictures are on its page and lead teaser, and in feeds."""
        return {f"article:{self.article_id}", "feeds"}
