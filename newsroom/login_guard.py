"""Password guessing against the desk's login: django-axes, keyed by username and address.

After LOGIN_FAILURE_LIMIT wrong passwords for one username from one address, that pair
is locked out for LOGIN_COOLOFF_MINUTES and gets the 429 page (templates/errors/429.html).
Every failure and every locked-out attempt is a `newsroom.security` event.
"""

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from django.conf import settings
from django.contrib.auth import get_user_model

from newsroom.errors import error_page
from newsroom.logs import security_event


class LoginGuardBackend(AxesStandaloneBackend):
    """Axes' check, for logins that come over HTTP.

    Guessing happens through a request; code that authenticates without one (management
    commands, the test client's login()) is not a guess and skips the check.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class LoggingDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler, logging each failure and each locked-out attempt."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        locked_out = getattr(request, "axes_locked_out", False)
        security_event(
            "login_locked_out" if locked_out else "login_failed",
            username=get_client_username(request, credentials) or "",
            ip=getattr(request, "axes_ip_address", ""),
            path=request.path,
        )


def client_address(request):
    """The visitor's address; behind our TLS proxy, the one that proxy appended last."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and forwarded:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def client_username(request, credentials=None):
    """The username a login tried, as long as an account's can be.

    Django's login form hands `authenticate()` whatever was typed, however long, and the
    attempt log's column holds 255 characters (PostgreSQL refused a longer name with a 500).
    A longer name is no account's, so its cut keys the lockout as well."""
    source = credentials or request.POST
    longest = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD).max_length
    return str(source.get("username") or "")[:longest]


def locked_out(request, original_response=None, credentials=None):
    """The friendly page a locked-out pair gets, with 429 Too Many Requests."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return error_page(429, context)
