"""The error pages: 400, 403, 404, 410, 429, 500 and 503, rendered so that they cannot fail.

Each renders templates/errors/<status>.html with the site's name and nothing from the
request: no context processor (the masthead's sections are a query), no absolute URL (an
unknown Host makes `build_absolute_uri()` raise again), so a page answers whatever the
request was and whether or not the database is up. Should even that template fail, a plain
line of text still answers with the right status.
"""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

from newsroom.params import BadParameter

logger = logging.getLogger("newsroom.errors")

PLAIN = {
    400: "Bad request.",
    403: "Forbidden.",
    404: "Not found.",
    410: "Gone.",
    429: "Too many requests.",
    500: "Server error.",
    503: "Service unavailable.",
}


def error_page(status, context=None):
    """The error page for `status`, never cached by anyone but the visitor."""
    page = {"site_name": settings.NEWSROOM_NAME, **(context or {})}
    try:
        response = HttpResponse(render_to_string(f"errors/{status}.html", page), status=status)
    except Exception:
        logger.exception("error page %s failed to render", status)
        response = HttpResponse(PLAIN[status], status=status, content_type="text/plain")
    add_never_cache_headers(response)
    return response


def bad_request(request, exception=None):
    """The 400 page; for a value that is not what its field takes, which field and why."""
    if isinstance(exception, BadParameter):
        return error_page(400, {"problem": str(exception)})
    return error_page(400)


def permission_denied(request, exception=None):
    return error_page(403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the 403 page, saying the form has to be sent again."""
    return error_page(403, {"is_form_expired": True})


def page_not_found(request, exception=None):
    return error_page(404)


def server_error(request):
    return error_page(500)
