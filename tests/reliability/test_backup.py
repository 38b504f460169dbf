"""`manage.py backup`: a SQLite copy that restores with every row; pg_dump on PostgreSQL."""

import os
import sqlite3
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from comments.models import Comment
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


ARCHIVE_ROWS = 8000
BATCH_ROWS = 7
# A reporter's process at work on the same database file: batch after batch of BATCH_ROWS
# comments, each batch one transaction. It stops by itself should the test fail to stop it.
WRITER = """
import time
from django.db import transaction
from comments.models import Comment
batch, deadline = 0, time.monotonic() + 120
while time.monotonic() < deadline:
    with transaction.atomic():
        for row in range({rows}):
            Comment.objects.create(
                article_id={article}, name=f"Batch {{batch}}", email="writer@example.org",
                body=f"Row {{row}} of batch {{batch}}.", status="published", rule="passed",
            )
    batch += 1
"""


def add_archive(article):
    """ARCHIVE_ROWS published comments of 3 kB each on `article`: a 24 MB database."""
    Comment.objects.bulk_create(
        Comment(
            article=article,
            name="Archive",
            email="archive@example.org",
            body="x" * 3000,
            status="published",
            rule="passed",
        )
        for _ in range(ARCHIVE_ROWS)
    )


def manage(*args):
    """The command line for `manage.py` in another process, on this test's database file."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}"}
    return {
        "args": [sys.executable, "manage.py", *args],
        "cwd": settings.BASE_DIR,
        "env": environment,
    }


@pytest.mark.django_db(transaction=True)
def test_backup_while_another_process_writes_holds_whole_transactions(sqlite_only, tmp_path):
    article = make_article()
    # An archive of 24 MB: a copy made in steps of 1024 pages (4 MB) would start again after
    # every commit between two steps, and under the writer below might never finish.
    add_archive(article)
    written = Comment.objects.filter(email="writer@example.org")
    writer = subprocess.Popen(
        **manage("shell", "-c", WRITER.format(rows=BATCH_ROWS, article=article.pk)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    backup = tmp_path / "newsroom.sqlite3"
    try:
        deadline = time.monotonic() + 30
        while written.count() < 5 * BATCH_ROWS and writer.poll() is None:
            assert time.monotonic() < deadline, "the writer wrote nothing"
            time.sleep(0.1)
        before = written.count()
        # A few seconds, Django's start-up included; 20 is room for a busy machine.
        subprocess.run(**manage("backup", str(backup)), check=True, timeout=20)
        after = written.count()
        assert writer.poll() is None, writer.stderr.read().decode()
    finally:
        writer.kill()
        writer.wait()
    assert before < after  # The writer went on while the backup ran.

    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    batches = dict(
        copy.execute(
            "SELECT name, COUNT(*) FROM comments_comment WHERE email = 'writer@example.org' "
            "GROUP BY name"
        )
    )
    # Every batch wholly in or wholly out, and only the first ones: one moment of the writer.
    assert set(batches.values()) == {BATCH_ROWS}
    assert sorted(batches) == sorted(f"Batch {n}" for n in range(len(batches)))
    assert before <= len(batches) * BATCH_ROWS <= after
    live, copied = row_counts(connection.connection), row_counts(copy)
    assert copied.pop("comments_comment") == ARCHIVE_ROWS + len(batches) * BATCH_ROWS
    del live["comments_comment"]
    assert copied == live


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


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_backup_leaves_no_copy_and_blocks_no_later_run(sqlite_only, tmp_path):
    article = make_article()
    add_archive(article)
    backup = tmp_path / "nightly.sqlite3"
    killed_mid_copy = False
    for _ in range(5):  # Killed while copying: the copy runs for a few dozen milliseconds.
        run = subprocess.Popen(**manage("backup", str(backup)), stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while run.poll() is None and not list(tmp_path.glob(".nightly.sqlite3.*.partial")):
            assert time.monotonic() < deadline
        run.kill()
        run.wait()
        if run.returncode != 0 and not backup.exists():
            killed_mid_copy = True
            break
        backup.unlink()  # It finished before the kill: try again.
    assert killed_mid_copy
    assert [path.name for path in tmp_path.iterdir() if not path.name.startswith(".")] == []

    out = StringIO()
    call_command("backup", str(backup), stdout=out)
    assert f"Backed up to {backup}" in out.getvalue()
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT COUNT(*) FROM comments_comment").fetchone() == (ARCHIVE_ROWS,)
    assert [path.name for path in tmp_path.iterdir() if path.suffix == ".partial"] != []
