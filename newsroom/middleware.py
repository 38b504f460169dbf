"""Site-wide middleware: security headers and refusing requests no page of ours can take."""

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseNotAllowed

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
