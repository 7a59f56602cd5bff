"""`migrate`, serialised across containers with a PostgreSQL advisory lock.

Several web containers (compose --scale, a rolling deploy) start at once and each runs its
migrations on start. Without a lock two of them could apply the same migration concurrently and
one would crash on "relation already exists"; with it the first migrates and the others wait,
then find nothing left to do.

The lock is a transaction-level advisory lock held by an open transaction on a connection of
its own, not a session-level one: behind PgBouncer in transaction pooling mode a session lock
would stay on whichever server connection took it (and be released, or not, by whoever gets it
next), while an open transaction keeps its server connection until it ends. Either way the
lock goes when the process dies and its connection drops.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

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
        lock = connections.create_connection(database)
        try:
            self._acquire(lock, timeout)
            self._migrate(database, verbosity)
        finally:
            lock.rollback()  # ends the transaction holding the lock
            lock.close()

    def _migrate(self, database: str, verbosity: int) -> None:
        call_command(
            "migrate",
            database=database,
            interactive=False,
            verbosity=verbosity,
            stdout=self.stdout,
            stderr=self.stderr,
        )

    def _acquire(self, lock: BaseDatabaseWrapper, timeout: float) -> None:
        """Take the lock in a transaction on `lock`, left open until the migration is done."""
        deadline = time.monotonic() + timeout
        waited = False
        lock.set_autocommit(False)
        while True:
            with lock.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
                if cursor.fetchone()[0]:
                    return
            lock.rollback()  # no transaction left open (nor a server connection held) to wait
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"Another process has held the migration lock for {timeout:g}s; giving up. "
                    "Check for a stuck migration (pg_locks, locktype 'advisory')."
                )
            if not waited:
                self.stdout.write("Another container is migrating; waiting for it to finish.")
                waited = True
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
