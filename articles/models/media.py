"""Library pictures on stories: the ones named in a story's body."""

from django.db import models

from articles.models.content import Article


class BodyImage(models.Model):
    """A library picture that a story's body shows (kept by Article.save())."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    # PROTECT: deleting a picture from the library must not leave a hole in a story.
    image = models.ForeignKey("library.Image", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "image"], name="body_image_once"),
        ]

    def __str__(self):
        return f"{self.image} in {self.article}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()
