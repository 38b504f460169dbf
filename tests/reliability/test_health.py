"""/healthz and the database-down page, against a real unreachable database and cache."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_reports_database_and_cache_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def get_in_a_fresh_process(path, **env_overrides):
    """GET `path` with Django's test client in a new process with these settings."""
    env = {**os.environ, "SECRET_KEY": "k", "ALLOWED_HOSTS": "testserver", **env_overrides}
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        f"r = Client(raise_request_exception=False).get({path!r});"
        "print(json.dumps({'status': r.status_code, 'retry': r.get('Retry-After'),"
        " 'body': r.content.decode()}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        env={**env, "DJANGO_SETTINGS_MODULE": "newsroom.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def unreachable_database_url():
    """The same kind of database as the suite's, somewhere it cannot be reached."""
    if connection.vendor == "postgresql":
        return "postgres://postgres@127.0.0.1:9/newsroom"
    return "sqlite:////nonexistent-directory/newsroom.sqlite3"


def test_reader_gets_a_friendly_503_when_the_database_is_down():
    response, log = get_in_a_fresh_process("/", DATABASE_URL=unreachable_database_url())
    assert response["status"] == 503
    assert response["retry"] == "30"
    assert "We’ll be back in a moment" in response["body"]
    assert "Traceback" not in response["body"]
    assert "level=ERROR logger=newsroom.errors event=database_unavailable path=/" in log


def test_healthz_answers_503_when_the_database_is_down():
    response, _ = get_in_a_fresh_process("/healthz", DATABASE_URL=unreachable_database_url())
    assert response["status"] == 503
    assert json.loads(response["body"]) == {"database": "unavailable", "cache": "ok"}


def test_healthz_answers_503_when_the_cache_is_down(tmp_path):
    response, _ = get_in_a_fresh_process(
        "/healthz",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:9/0",
    )
    assert response["status"] == 503
    assert json.loads(response["body"]) == {"database": "ok", "cache": "unavailable"}
