from django import template
from django.utils import timezone

from articles import search

register = template.Library()


@register.filter
def iso(value):
    """An ISO 8601 time to the second with its offset, as HTML's <time datetime> accepts."""
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(timespec="seconds")


@register.filter
def highlight(snippet):
    """A search snippet, escaped, with the matched words in <mark>."""
    return search.highlight(snippet)


@register.filter
def web_link(url):
    """The URL when it is an http(s) link, else "".

    Source URLs can arrive without form validation (the pipeline importer), and a stored
    javascript: or data: URL must never become a link.
    """
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    return url if scheme in {"http", "https"} else ""
