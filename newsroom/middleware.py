"""Site-wide middleware: unknown hosts, security headers, malformed requests, database down."""

import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseNotAllowed

from newsroom.errors import error_page
from newsroom.logs import security_event

logger = logging.getLogger("newsroom.errors")

# The site is pages and forms: nothing answers PUT, PATCH, DELETE, TRACE or CONNECT.
ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


class RefuseUnknownHostsMiddleware:
    """400 for a Host outside ALLOWED_HOSTS, on every URL, before anything reads the Host.

    First in the chain: the SSL redirect, the page cache's key and the pages' canonical links
    all build URLs from the Host, and each would raise DisallowedHost again (a 500, a
    traceback and a misleading cache warning). One log line says what was refused.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.get_host()
        except DisallowedHost:
            host = request.META.get("HTTP_HOST", "")
            security_event("host_refused", host=host[:200], path=request.path[:200])
            response = error_page(400)
            response._has_been_logged = True  # the event above is its one line, not two
            return response
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Send Permissions-Policy, which Django's SecurityMiddleware does not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RefuseMalformedRequestsMiddleware:
    """405 for methods the site does not use, 400 for NUL bytes in the URL.

    A NUL byte has no meaning in a path or a query, and PostgreSQL refuses it in a
    string: left to reach a query, it would be a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        if "\x00" in request.path or any(
            "\x00" in key or "\x00" in value
            for key, values in request.GET.lists()
            for value in values
        ):
            raise SuspiciousOperation("NUL byte in the URL")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A friendly 503 instead of a traceback when the database cannot be reached.

    The page is an error page (newsroom/errors.py): base.html would need the database for
    the section navigation.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error(
            "database_unavailable", extra={"fields": {"path": request.path}}, exc_info=exception
        )
        response = error_page(503)
        response["Retry-After"] = "30"
        return response
