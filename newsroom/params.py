"""One way to read a number or a date from a request.

Query strings, form fields, URL parts and the desk's posts all come through here, so that a
value a visitor typed is either a number the database can hold or a 400 naming the field
(a URL part that is not such a number matches no URL: a 404).
`str.isdigit()` is not enough: it accepts Unicode digits ("٣", "²") that `int()` refuses or
misreads, and it knows nothing of the database's integer range.
"""

import re
from datetime import date

from django.core.exceptions import BadRequest

# The largest value a BigAutoField (and PostgreSQL's bigint) holds.
MAX_ID = 2**63 - 1
# Dates a newsroom has any use for; every one of them survives a week's arithmetic either way
# in Python and on both databases.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


class BadParameter(BadRequest):
    """A request value that is not what its field takes; Django answers it with a 400."""

    def __init__(self, field, message):
        self.field = field
        super().__init__(f"{field}: {message}")


def whole_number(raw, *, field, minimum=0, maximum=MAX_ID):
    """Return `raw` (ASCII digits) as an int between `minimum` and `maximum`."""
    raw = "" if raw is None else str(raw).strip()
    if not (raw.isascii() and raw.isdigit()):
        raise BadParameter(field, "expected a whole number written with the digits 0-9.")
    if len(raw) > len(str(maximum)) or not minimum <= int(raw) <= maximum:
        raise BadParameter(field, f"expected a number from {minimum} to {maximum}.")
    return int(raw)


def record_id(raw, *, field):
    """Return `raw` as a primary key the database can hold (1 and up)."""
    return whole_number(raw, field=field, minimum=1)


def is_record_id(raw):
    """Whether `raw` reads as a primary key (for values that are dropped, not refused)."""
    try:
        record_id(raw, field="id")
    except BadParameter:
        return False
    return True


def calendar_month(raw, *, field):
    """Return `raw` (YYYY-MM) as the first day of that month, between the earliest and the
    latest date a newsroom uses."""
    return calendar_date(f"{'' if raw is None else str(raw).strip()}-01", field=field)


def calendar_date(raw, *, field, earliest=EARLIEST_DATE, latest=LATEST_DATE):
    """Return `raw` (YYYY-MM-DD) as a date between `earliest` and `latest`."""
    raw = "" if raw is None else str(raw).strip()
    try:
        # Python's fromisoformat also takes "20260105" and week dates ("2026-W02"), and
        # \d takes any script's digits: only the form the site writes is read.
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
            raise ValueError
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadParameter(field, "expected a date written YYYY-MM-DD.") from None
    if not earliest <= day <= latest:
        raise BadParameter(field, f"expected a date from {earliest} to {latest}.")
    return day


class RecordIdConverter:
    """`<id:pk>` in a URL: a record id the database can hold. Unicode digits, 20 digits or a
    value past the database's bigint match no URL (404) instead of reaching a query."""

    regex = "[0-9]{1,19}"

    def to_python(self, value):
        try:
            return record_id(value, field="id")
        except BadParameter as error:
            raise ValueError(error) from None  # the resolver's "no match"

    def to_url(self, value):
        return str(value)
