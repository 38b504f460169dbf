"""The words of the workflow: an article's states and the desk's actions."""

from django.db import models


class ArticleStatus(models.TextChoices):
    """Where an article stands in the editorial workflow (articles/workflow.py moves it)."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    UNPUBLISHED = "unpublished", "Unpublished"
    KILLED = "killed", "Killed"


# Statuses whose articles readers see once their publication time has come.
VISIBLE_STATUSES = (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)


class EditorialAction(models.TextChoices):
    SUBMIT = "submit", "Submitted for review"
    RETURN = "return", "Returned to reporter"
    APPROVE = "approve", "Approved"
    SCHEDULE = "schedule", "Scheduled"
    PUBLISH = "publish", "Published"
    UNPUBLISH = "unpublish", "Unpublished"
    KILL = "kill", "Killed"
    ASSIGN = "assign", "Assigned"
    # Not a story's move: the editors published an arrangement of the front page.
    FRONT_PAGE = "front_page", "Front page published"
