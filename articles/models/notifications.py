"""The mail the desk sends about moves, and the kinds each person has turned off.

articles/notifications.py decides who is told what and sends it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from articles.models.desk import EditorialEvent


class NotificationKind(models.TextChoices):
    """What the desk mails people about; each person can turn any of them off."""

    RETURNED = "returned", "My story is returned to me, with the editor’s note"
    APPROVED = "approved", "My story is approved"
    SCHEDULED = "scheduled", "My story is scheduled"
    PUBLISHED = "published", "My story is published"
    ASSIGNED = "assigned", "A story is assigned to me"
    IN_REVIEW = "in_review", "A story enters review on my desk"


class Notification(models.Model):
    """One mail about one move to one person: written with the move, sent after it commits.

    articles/notifications.py makes and sends them; `sent_at` stays empty until the mail
    server has taken the message, and is what keeps a retried send from mailing twice.
    """

    Kind = NotificationKind

    event = models.ForeignKey(
        EditorialEvent, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_notifications"
    )
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-event__created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="notification_once"),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient}"

    def get_absolute_url(self):
        return reverse("admin:articles_article_change", args=[self.event.article_id])


class NotificationOptOut(models.Model):
    """A kind of desk mail someone has turned off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs"
    )
    kind = models.CharField(max_length=12, choices=NotificationKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_opt_out_once"),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="notification_opt_out_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} turned off “{self.get_kind_display()}”"
