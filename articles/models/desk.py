"""Who runs which sections, and the audit log of every move on the desk."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from articles.models.states import ArticleStatus, EditorialAction


class DeskQuerySet(models.QuerySet):
    def on_desk_of(self, user):
        """The stories a staff member works with: editors their desks', reporters their own."""
        if user.is_superuser:
            return self
        if user.has_perm("articles.edit_any_article"):
            sections = Desk.section_ids_for(user)
            return self if sections is None else self.filter(section__in=sections)
        bylines = self.model.bylines.rel.related_model.objects
        bylined = bylines.filter(article=OuterRef("pk"), author__user=user)
        return self.filter(Q(created_by=user) | Q(Exists(bylined)))


class Desk(models.Model):
    """A group of sections some editors run; an editor on no desk works on every section."""

    name = models.CharField(max_length=80, unique=True)
    sections = models.ManyToManyField("articles.Section", related_name="desks")
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="desks")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @classmethod
    def section_ids_for(cls, user):
        """The sections an editor's desks cover, or None when they are on no desk (all)."""
        if not hasattr(user, "_desk_section_ids"):
            rows = list(cls.objects.filter(editors=user).values_list("sections", flat=True))
            user._desk_section_ids = {pk for pk in rows if pk is not None} if rows else None
        return user._desk_section_ids


class EditorialEvent(models.Model):
    """One line of the audit log: who did what to which story, from which state to which."""

    Action = EditorialAction

    article = models.ForeignKey(
        "articles.Article", null=True, on_delete=models.SET_NULL, related_name="editorial_events"
    )
    # Kept so that the log still reads after an article is deleted.
    headline = models.CharField(max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty: the system (importer, scheduler).",
    )
    action = models.CharField(max_length=12, choices=EditorialAction.choices)
    from_state = models.CharField(max_length=12, choices=ArticleStatus.choices, blank=True)
    to_state = models.CharField(max_length=12, choices=ArticleStatus.choices, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["article", "-created_at"], name="event_article_recent")]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self):
        return f"{self.get_action_display()}: {self.headline}"

    def get_absolute_url(self):
        return reverse("admin:articles_editorialevent_change", args=[self.pk])

    @property
    def actor_name(self):
        return self.actor.get_username() if self.actor else "system"
