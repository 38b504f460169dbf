from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso(value):
    """An ISO 8601 time to the second with its offset, as HTML's <time datetime> accepts."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(timespec="seconds")
