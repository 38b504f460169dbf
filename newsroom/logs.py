"""Structured logging: one key=value line per record, and the security events.

Log collectors (journald, Loki, CloudWatch) parse key=value without configuration, and
a person can still read it. Security events go to the `newsroom.security` logger with
an event name and their fields, e.g.

    time=2026-01-05T10:00:00 level=WARNING logger=newsroom.security event=login_failed
    username="editor" ip=203.0.113.9
"""

import logging

security_logger = logging.getLogger("newsroom.security")


def security_event(event, **fields):
    """Log a security event (failed login, lockout, refused upload, rate limit) with its fields."""
    security_logger.warning(event, extra={"fields": fields})


def _quoted(value):
    text = str(value)
    if text and not any(ch.isspace() or ch in '"=' for ch in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class KeyValueFormatter(logging.Formatter):
    """time=... level=... logger=..., then event=... and its fields, or message=..."""

    def format(self, record):
        pairs = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields is None:
            pairs["message"] = record.getMessage()
        else:
            pairs["event"] = record.getMessage()
            pairs.update(fields)
        line = " ".join(f"{key}={_quoted(value)}" for key, value in pairs.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line
