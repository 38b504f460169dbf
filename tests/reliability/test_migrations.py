"""Migrations reverse on both databases: with stories and comments in the tables, migrate the
apps to zero and back, and the schema is the one a fresh migrate makes.

A scratch database of its own (a file on SQLite, a database beside the test one on
PostgreSQL), in other processes, as an operator would run it. About a minute per database,
so it runs when NEWSROOM_MIGRATE_TO_ZERO=1 (.ci/run sets it).
"""

import json
import os

import pytest
from django.db import connection

from tests import processes

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("NEWSROOM_MIGRATE_TO_ZERO") != "1",
        reason="slow: set NEWSROOM_MIGRATE_TO_ZERO=1 to migrate to zero and back",
    ),
    pytest.mark.django_db(transaction=True),
]

ROWS = """
from tests.factories import make_article, make_comment, make_correction, make_draft
for n in range(3):
    article = make_article(tags=["budget", f"tag-{n}"], sources=2)
    make_comment(article=article)
    make_correction(article)
make_draft()
"""
SCHEMA = """
import json
from django.db import connection
with connection.cursor() as cursor:
    print(json.dumps({
        table: sorted(column.name for column in
                      connection.introspection.get_table_description(cursor, table))
        for table in sorted(connection.introspection.table_names(cursor))
    }))
"""


@pytest.fixture
def scratch_database(tmp_path):
    """The URL of an empty database nobody else uses, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_migrations"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield f"{processes.test_database_url().rsplit('/', 1)[0]}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database_url, *args):
    """`manage.py *args` on the scratch database; its output."""
    return processes.manage(*args, timeout=300, env={"DATABASE_URL": database_url}).stdout


def schema(database_url):
    """Every table and its columns; the last line of the shell's output is the JSON."""
    return json.loads(manage(database_url, "shell", "-c", SCHEMA).splitlines()[-1])


def test_every_migration_reverses_to_zero_and_applies_again(scratch_database):
    manage(scratch_database, "migrate", "--verbosity=0")
    fresh = schema(scratch_database)
    manage(scratch_database, "shell", "-c", ROWS)

    manage(scratch_database, "migrate", "articles", "zero", "--verbosity=0")
    emptied = schema(scratch_database)
    ours = [table for table in fresh if table.startswith(("articles_", "comments_"))]
    assert ours and not [table for table in emptied if table in ours and "fts" not in table]

    manage(scratch_database, "migrate", "--verbosity=0")
    assert schema(scratch_database) == fresh
    assert "[ ]" not in manage(scratch_database, "showmigrations", "articles", "comments")
