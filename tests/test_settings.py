import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def run_django_setup(**env_overrides):
    """Import the settings in a fresh interpreter with the given environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update({"ENV_FILE": os.devnull, **env_overrides})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])",
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django_setup(DJANGO_SETTINGS_MODULE="newsroom.settings")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "SECRET_KEY is not set. Set it in the environment or in .env (see .env.example); "
        "for development, `make run` writes one for you."
    ]


def test_debug_is_off_unless_asked_for():
    result = run_django_setup(SECRET_KEY="a-real-looking-secret")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("False")


def test_database_url_switches_to_postgresql():
    result = run_django_setup(
        SECRET_KEY="k", DATABASE_URL="postgres://user@127.0.0.1:5432/newsroom"
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout


@pytest.mark.django_db
def test_sqlite_uses_wal_and_immediate_transactions(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
    # The test database lives in memory, where SQLite reports "memory" instead of WAL.
    assert journal_mode in {"wal", "memory"}
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
