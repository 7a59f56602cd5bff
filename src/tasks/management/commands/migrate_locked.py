"""`migrate`, serialised across containers with a PostgreSQL advisory lock.

Several web containers (compose --scale, a rolling deploy) start at once and each runs its
migrations on start. Without a lock two of them could apply the same migration concurrently and
one would crash on "relation already exists"; with it the first migrates and the others wait,
then find nothing left to do.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

# Any constant shared by every container of this app; "taskmgr1" as a 64-bit integer.
LOCK_KEY = int.from_bytes(b"taskmgr1", "big") & 0x7FFF_FFFF_FFFF_FFFF


class Command(BaseCommand):
    help = "Run migrate while holding a database-wide lock, so concurrent starts are safe."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--timeout",
            type=float,
            default=300.0,
            help="Seconds to wait for another container's migration before giving up.",
        )

    def handle(self, *args, database, timeout, verbosity, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            # SQLite lives on one host and serialises writers itself.
            self._migrate(database, verbosity)
            return
        self._acquire(connection, timeout)
        try:
            self._migrate(database, verbosity)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])

    def _migrate(self, database: str, verbosity: int) -> None:
        call_command(
            "migrate",
            database=database,
            interactive=False,
            verbosity=verbosity,
            stdout=self.stdout,
            stderr=self.stderr,
        )

    def _acquire(self, connection, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
                if cursor.fetchone()[0]:
                    return
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"Another process has held the migration lock for {timeout:g}s; giving up. "
                    "Check for a stuck migration (pg_locks, locktype 'advisory')."
                )
            if not waited:
                self.stdout.write("Another container is migrating; waiting for it to finish.")
                waited = True
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
