"""Log lines are key=value, security events carry their fields, errors their traceback."""

import logging
import sys

from newsroom.logs import KeyValueFormatter


def record(message, fields=None, exc_info=None):
    made = logging.LogRecord(
        "newsroom.security", logging.WARNING, __file__, 1, message, (), exc_info
    )
    if fields is not None:
        made.fields = fields
    return made


def test_security_event_is_one_key_value_line():
    line = KeyValueFormatter().format(
        record("login_failed", {"username": 'ed "the" editor', "ip": "203.0.113.9"})
    )
    assert line.startswith("time=")
    assert line.endswith(
        "level=WARNING logger=newsroom.security event=login_failed "
        'username="ed \\"the\\" editor" ip=203.0.113.9'
    )


def test_plain_message_is_quoted_and_kept_on_one_line():
    line = KeyValueFormatter().format(record("Not Found: /a b\nforged=line"))
    assert line.endswith('message="Not Found: /a b\\nforged=line"')
    assert "\n" not in line


def test_error_keeps_its_traceback_below_the_line():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        line = KeyValueFormatter().format(record("Internal Server Error", exc_info=sys.exc_info()))
    first, *traceback = line.splitlines()
    assert first.endswith('message="Internal Server Error"')
    assert traceback[-1] == "RuntimeError: boom"
