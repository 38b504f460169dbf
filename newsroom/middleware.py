"""Site-wide middleware: security headers, refusing malformed requests, the database-down page."""

import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string

logger = logging.getLogger("newsroom.errors")

# The site is pages and forms: nothing answers PUT, PATCH, DELETE, TRACE or CONNECT.
ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


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

    The page is standalone (templates/503.html): rendering base.html would need the
    database for the section navigation.
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
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
