"""Who a reader is without an account: a random id in a signed cookie.

Given when a reader posts a comment or a report (answers that are never cached) and read
by the per-reader rate limits. Cached pages stay shared: the page cache never stores an
answer that sets a cookie, and this cookie does not take a reader out of the cache.
"""

import secrets
from datetime import timedelta

from django.conf import settings

READER_COOKIE = "newsroom_reader"
READER_SALT = "comments.reader"
READER_MAX_AGE = timedelta(days=365)


def known_reader(request):
    """The reader's id from their signed cookie, or None."""
    return request.get_signed_cookie(
        READER_COOKIE, default=None, salt=READER_SALT, max_age=READER_MAX_AGE
    )


def reader_of(request):
    """The reader's id from their signed cookie, else a new one (given by `remember`)."""
    return known_reader(request) or secrets.token_urlsafe(16)


def remember(response, reader):
    response.set_signed_cookie(
        READER_COOKIE,
        reader,
        salt=READER_SALT,
        max_age=int(READER_MAX_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
