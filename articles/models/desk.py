"""Who runs which sections, and the audit log of every move on the desk."""

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone

from articles.models.states import ArticleStatus, EditorialAction

# A story still on its way to readers: the desk plans, assigns and chases these.
UNFINISHED_STATUSES = (
    ArticleStatus.DRAFT,
    ArticleStatus.IN_REVIEW,
    ArticleStatus.APPROVED,
    ArticleStatus.SCHEDULED,
)


class DeskQuerySet(models.QuerySet):
    def on_desk_of(self, user):
        """The stories a staff member works with: editors their desks', reporters their own."""
        if user.is_superuser:
            return self
        if user.has_perm("articles.edit_any_article"):
            sections = Desk.section_ids_for(user)
            return self if sections is None else self.filter(section__in=sections)
        return self.filter(self._filed_by(user))

    def concerning(self, user, *, published_since):
        """A staff member's own desk: stories they filed or are bylined on (`is_mine`), stories
        assigned to them and, for an editor, stories in review on their desk
        (`is_waiting_for_user`). Killed and unpublished stories are left out, and published
        ones from before `published_since`."""
        mine = self._filed_by(user)
        concerns = mine | Q(assignee=user)
        waiting = Value(False)
        if user.is_superuser or user.has_perm("articles.publish_article"):
            sections = Desk.section_ids_for(user)
            waiting = Q(status=ArticleStatus.IN_REVIEW)
            if sections is not None:
                waiting &= Q(section__in=sections)
            concerns |= waiting
        return (
            self.filter(concerns)
            .filter(
                Q(status__in=UNFINISHED_STATUSES)
                | Q(status=ArticleStatus.PUBLISHED, published_at__gte=published_since)
            )
            .annotate(
                is_mine=ExpressionWrapper(mine, output_field=models.BooleanField()),
                is_waiting_for_user=ExpressionWrapper(waiting, output_field=models.BooleanField()),
            )
            .order_by(F("due_at").asc(nulls_last=True), "-modified_at", "-pk")
        )

    def with_last_move(self):
        """Each story's latest move, assignments aside (`last_move`), with its note, time and
        who made it: a draft whose last move is a return is back with its reporter."""
        moves = (
            EditorialEvent.objects.filter(article=OuterRef("pk"))
            .exclude(action=EditorialAction.ASSIGN)
            .order_by("-created_at", "-pk")
        )
        columns = {"": "action", "_note": "note", "_at": "created_at", "_by": "actor__username"}
        return self.annotate(
            **{
                f"last_move{name}": Subquery(moves.values(column)[:1])
                for name, column in columns.items()
            }
        )

    def needing_action_first(self, now):
        """Stories in review, then returned to their reporter, then overdue, then the rest
        (`action_rank` 0 to 3), each group most recently changed first. Needs with_last_move().
        `state_rank` orders the states as the workflow runs, for sorting by state."""
        overdue = Q(due_at__lt=now, status__in=UNFINISHED_STATUSES) & ~Q(
            status=ArticleStatus.SCHEDULED, published_at__lte=now
        )
        return self.annotate(
            action_rank=Case(
                When(status=ArticleStatus.IN_REVIEW, then=0),
                When(status=ArticleStatus.DRAFT, last_move=EditorialAction.RETURN, then=1),
                When(overdue, then=2),
                default=3,
            ),
            state_rank=Case(
                *(When(status=state, then=rank) for rank, state in enumerate(ArticleStatus)),
            ),
        ).order_by("action_rank", "-modified_at", "-pk")

    def _filed_by(self, user):
        bylines = self.model.bylines.rel.related_model.objects
        bylined = bylines.filter(article=OuterRef("pk"), author__user=user)
        return Q(created_by=user) | Q(Exists(bylined))


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
