"""migrate_locked: concurrent container starts migrate one at a time (PostgreSQL advisory lock)."""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tasks.management.commands.migrate_locked import LOCK_KEY

pytestmark = pytest.mark.django_db(transaction=True)

POSTGRES = connection.vendor == "postgresql"


def held_advisory_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s",
            [LOCK_KEY & 0xFFFFFFFF],
        )
        return cursor.fetchone()[0]


def other_session():
    """A second database session holding the lock as another container's migrate_locked does:
    in an open transaction (which behind PgBouncer keeps its server connection)."""
    other = connection.get_new_connection(connection.get_connection_params())
    other.autocommit = False
    other.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
    return other


def test_it_applies_migrations_and_releases_the_lock():
    out = io.StringIO()
    call_command("migrate_locked", stdout=out, verbosity=1)
    assert "No migrations to apply" in out.getvalue()
    if POSTGRES:
        assert held_advisory_locks() == 0


def test_it_waits_for_another_containers_migration_then_runs():
    if not POSTGRES:
        # SQLite: one host, one file, writers already serialised; nothing to wait for.
        out = io.StringIO()
        call_command("migrate_locked", stdout=out, timeout=0.1)
        assert "waiting" not in out.getvalue()
        return
    other = other_session()
    release = threading.Timer(1.0, other.rollback)
    release.start()
    try:
        out = io.StringIO()
        started = time.monotonic()
        call_command("migrate_locked", stdout=out, timeout=30)
        waited = time.monotonic() - started
    finally:
        release.join()
        other.close()
    assert "Another container is migrating; waiting" in out.getvalue()
    assert waited >= 0.9


def test_it_gives_up_when_the_lock_is_never_released():
    if not POSTGRES:
        call_command("migrate_locked", stdout=io.StringIO(), timeout=0.1)
        return
    other = other_session()
    try:
        with pytest.raises(CommandError, match=r"held the migration lock for 0\.5s"):
            call_command("migrate_locked", stdout=io.StringIO(), timeout=0.5)
    finally:
        other.close()
