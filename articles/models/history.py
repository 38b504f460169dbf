"""An article's memory: revisions, corrections, old addresses and shared previews."""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles.caching import PageKeysQuerySet
from articles.models.content import Article


class CorrectionQuerySet(PageKeysQuerySet):
    def on_public_articles(self):
        """Corrections readers may see: those on articles that are published now."""
        return self.filter(article__in=Article.objects.published())

    def newest_first(self):
        return self.order_by("-published_at", "-pk")


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    CLARIFICATION = "clarification", "Clarification"
    UPDATE = "update", "Update"
    EDITORS_NOTE = "editors_note", "Editor’s note"


class Correction(models.Model):
    """A public note on a published article: what was wrong, clarified or added, and when."""

    Kind = CorrectionKind

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=13, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(help_text="What readers are told, in a sentence or two.")
    published_at = models.DateTimeField("time", default=timezone.now)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CorrectionKind.values),
                name="correction_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["-published_at", "-id"], name="correction_newest")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#correction-{self.pk}"

    def page_keys(self, before):
        """Corrections are on the story's page and the corrections page."""
        return {f"article:{self.article_id}", "corrections"}

    def clean(self):
        article = getattr(self, "article", None)
        if article is not None and not article.has_been_published:
            raise ValidationError(
                {"article": "Corrections are for published stories; this one is not published."}
            )


class SlugRedirect(models.Model):
    """An address a published article used to have; readers following it are sent on."""

    old_slug = models.SlugField(max_length=255, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"

    def get_absolute_url(self):
        return reverse("articles:article", args=[self.old_slug])


class Revision(models.Model):
    """What an article said after one save: its editorial fields, bylines, sources and tags.

    articles/revisions.py takes, compares and restores them.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(help_text="1 for the first save, then 2, 3...")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="article_revisions",
    )
    summary = models.CharField(max_length=200, blank=True)
    snapshot = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_once"),
        ]

    def __str__(self):
        return f"Version {self.number} of {self.article}"

    def get_absolute_url(self):
        return reverse("desk:revisions", args=[self.article_id])

    @property
    def author_name(self):
        user = self.created_by
        return (user.get_full_name() or user.get_username()) if user else "Someone"


class PreviewLink(models.Model):
    """A signed, expiring, revocable address at which someone outside the desk reads a draft."""

    SIGNING_SALT = "articles.preview-link"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Preview link for {self.article}"

    def get_absolute_url(self):
        return reverse("articles:shared_preview", args=[self.token])

    @property
    def token(self):
        """The link's id signed with the site's secret: it cannot be guessed or altered."""
        return signing.Signer(salt=self.SIGNING_SALT).sign_object(self.pk)

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()


class PreviewAccess(models.Model):
    """One reading of a shared preview, so editors know where a draft has been seen."""

    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="accesses")
    accessed_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-accessed_at", "-pk"]
        verbose_name_plural = "preview accesses"

    def __str__(self):
        return f"{self.link} read at {self.accessed_at:%Y-%m-%d %H:%M}"
