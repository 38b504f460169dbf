import pytest
from django.core.signals import request_finished, request_started
from django.db import connection

# Autocommit as in production: inside a test transaction Django would close the connection
# at the end of a request whatever CONN_MAX_AGE says.
pytestmark = pytest.mark.django_db(transaction=True)


def serve_a_request():
    """The signals a server sends around every request, which open and close connections."""
    request_started.send(sender=None)
    connection.ensure_connection()
    request_finished.send(sender=None)


def test_database_connection_outlives_a_request():
    serve_a_request()
    opened = connection.connection
    serve_a_request()
    assert opened is not None
    assert connection.connection is opened


def test_connection_is_reopened_once_its_age_is_up(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    serve_a_request()
    assert connection.connection is None
