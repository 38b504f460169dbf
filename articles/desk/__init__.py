"""The desk's own pages (the queue, the calendar, revisions, presence, preview links), with
their views and URLs; ArticleAdmin keeps the article list and the change form."""

from django.utils import timezone
from django.utils.formats import date_format


def desk_time(at):
    """A moment as the desk writes it (lists, messages, mails): short, in the newsroom's zone."""
    return date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")
