"""Back up the database: a consistent copy of a live SQLite file, or the pg_dump to run."""

import os
import shlex
import sqlite3
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Copy the live SQLite database with SQLite's online backup API (readers and writers "
        "carry on; the copy is one consistent moment). On PostgreSQL, print the pg_dump command."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "output",
            nargs="?",
            help="Where to write the copy (default: newsroom-YYYYmmdd-HHMMSS.sqlite3 here).",
        )

    def handle(self, *args, output=None, **options):
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        if connection.vendor == "postgresql":
            self.stdout.write(pg_dump_command(output or f"newsroom-{stamp}.dump"))
            return
        if connection.vendor != "sqlite":
            raise CommandError(f"No backup method for {connection.vendor}; use its own tools.")
        target = Path(output or f"newsroom-{stamp}.sqlite3")
        if target.exists():
            raise CommandError(f"{target} exists already; give another name.")
        connection.ensure_connection()
        # The copy is written under a name of its own and takes the target's name only once
        # complete: an interrupted run leaves no half copy under the target's name (which would
        # pass for a backup, and block the next run), only a hidden `.partial` file.
        handle, partial = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
        os.close(handle)
        try:
            destination = sqlite3.connect(partial)
            try:
                # In one step, inside one read transaction. In several, any commit by another
                # process between two steps starts the copy again from the first page: under
                # steady writes a large database would be copied over and over, perhaps
                # forever. In WAL mode (settings.py) the long read holds up no writer.
                with destination:
                    connection.connection.backup(destination, pages=-1)
            finally:
                destination.close()
            os.replace(partial, target)
        finally:
            Path(partial).unlink(missing_ok=True)
        self.stdout.write(f"Backed up to {target} ({target.stat().st_size:,} bytes).")


def pg_dump_command(output):
    """The pg_dump command line for this database; the password comes from PGPASSWORD."""
    database = connection.settings_dict
    parts = ["pg_dump", "--format=custom", f"--file={output}"]
    for option, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
        if database.get(key):
            parts.append(f"{option}={database[key]}")
    parts.append(database["NAME"])
    return shlex.join(parts)
