"""Who a reader is without an account: a random identity in a signed cookie.

Likes, "my comments awaiting review" and fair limits count readers by this identity, never
by network: a newsroom's office or a mobile carrier's gateway puts many readers behind one
address. The cookie is never read by a cached page (articles/caching.py stores only pages
that set no cookie and ignores this one when serving), so pages stay shared.
"""

from django.conf import settings
from django.utils.crypto import get_random_string

COOKIE = "reader"
SALT = "comments.reader"
MAX_AGE = 365 * 24 * 60 * 60


def reader_of(request):
    """The request's signed reader identity, or "" when it has none (or a forged one)."""
    return request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=MAX_AGE)


def identify(request):
    """The reader's identity, made up now if they have none (`remember()` stores it)."""
    if not (reader := reader_of(request)):
        reader = request._new_reader = get_random_string(32)
    return reader


def remember(request, response):
    """Give a newly identified reader their cookie on this response."""
    if reader := getattr(request, "_new_reader", ""):
        response.set_signed_cookie(
            COOKIE,
            reader,
            salt=SALT,
            max_age=MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return response
