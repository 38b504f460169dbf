"""`manage.py backup`: a SQLite copy that restores with every row; pg_dump on PostgreSQL."""

import sqlite3
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import make_article

pytestmark = pytest.mark.django_db


def row_counts(sqlite_connection):
    tables = [
        name
        for (name,) in sqlite_connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        table: sqlite_connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        for table in tables
    }


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's online backup; PostgreSQL uses pg_dump")


# The backup reads the database from outside any transaction, as the command does in production.
@pytest.mark.django_db(transaction=True)
def test_backup_restores_with_every_row(sqlite_only, tmp_path):
    for _ in range(3):
        make_article(tags=["transport", "council"], sources=2)
    backup = tmp_path / "newsroom.sqlite3"
    out = StringIO()
    call_command("backup", str(backup), stdout=out)
    assert f"Backed up to {backup}" in out.getvalue()

    # Restore: copy the backup into a fresh database, as one would onto a new server.
    restored = sqlite3.connect(tmp_path / "restored.sqlite3")
    with sqlite3.connect(backup) as source:
        source.backup(restored)
    live = row_counts(connection.connection)
    assert row_counts(restored) == live
    assert live["articles_article"] == 3 and live["articles_source"] == 6
    assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_backup_never_overwrites(sqlite_only, tmp_path):
    existing = tmp_path / "kept.sqlite3"
    existing.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"an older backup"


def test_backup_on_postgresql_prints_the_pg_dump_command():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    out = StringIO()
    call_command("backup", "nightly.dump", stdout=out)
    command = out.getvalue()
    assert command.startswith("pg_dump --format=custom --file=nightly.dump")
    assert command.split()[-1] == connection.settings_dict["NAME"]
