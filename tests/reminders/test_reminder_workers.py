"""Delivery by real worker processes (`manage.py db_worker`) on PostgreSQL, through a real SMTP
server (aiosmtpd) started here: two workers send every reminder exactly once; a worker killed
mid-batch (SIGKILL) and restarted loses none, re-sends none that was committed and at most the
one email in flight; a worker whose database connections are cut mid-batch (what a database
restart looks like to it) reconnects and sends every reminder, the one in flight at most twice.

Slow (tests/conftest.py SLOW_PATHS): each test starts Django processes and waits for delivery.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from devtools.processes import VENV_BIN, start, stop_process_group
from reminders import jobs
from reminders.models import Kind, Notification, Reminder, ReminderSettings, State
from tasks.models import Task
from tests.reminders.smtp_sink import SmtpServer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="worker races are run on PostgreSQL"
    ),
]

BATCH = 10


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def worker_env(smtp_port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TZ"}}
    return env | {
        "DEBUG": "0",
        "ALLOW_DEV_SECRET_KEY": "1",
        "DATABASE_URL": database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "REMINDERS_BATCH_SIZE": str(BATCH),
        "REMINDERS_TICK_SECONDS": "1",
        "REMINDERS_EMAILS_PER_DAY": "100000",  # one person gets every email here
        "LOG_LEVEL": "WARNING",
    }


def start_worker(env: dict, log) -> object:
    command = [str(VENV_BIN / "python"), "manage.py", "db_worker", "--interval", "0.2"]
    return start([*command, "--no-startup-delay"], env, log)


def make_reminders(user, n: int) -> list[int]:
    now = timezone.now()
    task = Task.objects.create(user=user, title="Standup")
    Reminder.objects.bulk_create(
        Reminder(task=task, user=user, kind=Kind.AT, remind_at=now, fire_at=now) for _ in range(n)
    )
    return list(Reminder.objects.values_list("pk", flat=True))


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def expected_ids(pks) -> set[str]:
    return {f"<reminder-{pk}@localhost>" for pk in pks}


@pytest.fixture
def user(django_user_model):
    user = django_user_model.objects.create_user("mia", email="mia@example.com", password="x")
    ReminderSettings.objects.create(user=user, confirmed_email=user.email)
    return user


def test_it_sends_each_reminder_exactly_once_with_two_workers(user, tmp_path):
    pks = make_reminders(user, 300)
    DBTaskResult.objects.all().delete()
    # Two dispatcher runs queued at once, one per worker: both claim from the same rows.
    jobs.dispatch_reminders.enqueue()
    jobs.dispatch_reminders.enqueue()
    with SmtpServer(delay=0.005) as smtp:
        env = worker_env(smtp.port)
        workers = [start_worker(env, tmp_path / f"worker{i}.log") for i in range(2)]
        try:
            assert wait_until(lambda: not Reminder.objects.pending().exists(), 90), (
                tmp_path / "worker0.log"
            ).read_text()[-3000:]
            time.sleep(1)  # anything sent twice would have arrived by now
        finally:
            for worker in workers:
                stop_process_group(worker, grace=10)
        copies = smtp.sink.copies()
    assert set(copies) == expected_ids(pks)
    assert max(copies.values()) == 1
    assert Notification.objects.count() == len(pks)
    assert set(Reminder.objects.values_list("state", flat=True)) == {State.SENT}
    # Both workers did part of the work (else this proved nothing about two of them).
    by_worker = {}
    for result in DBTaskResult.objects.filter(status="SUCCESSFUL"):
        if result.return_value and result.return_value["reminders"]:
            by_worker.setdefault(result.worker_ids[-1], 0)
            by_worker[result.worker_ids[-1]] += result.return_value["reminders"]
    assert len(by_worker) == 2, by_worker
    assert sum(by_worker.values()) == len(pks)


def test_it_loses_nothing_and_resends_nothing_committed_when_a_worker_is_killed(user, tmp_path):
    pks = make_reminders(user, 200)
    DBTaskResult.objects.all().delete()
    jobs.ensure_dispatcher()
    with SmtpServer(delay=0.02) as smtp:
        env = worker_env(smtp.port)
        log = tmp_path / "worker.log"
        worker = start_worker(env, log)
        try:
            assert wait_until(lambda: smtp.sink.count() >= 35, 60), log.read_text()[-3000:]
            os.killpg(worker.pid, signal.SIGKILL)  # mid-batch: messages are still arriving
            worker.wait(timeout=10)
            committed = set(Reminder.objects.filter(state=State.SENT).values_list("pk", flat=True))
            received_before_restart = smtp.sink.copies()
            assert 0 < len(committed) < len(pks)
            worker = start_worker(env, log)
            assert wait_until(lambda: not Reminder.objects.pending().exists(), 90), log.read_text()[
                -3000:
            ]
            time.sleep(1)
        finally:
            stop_process_group(worker, grace=10)
        copies = smtp.sink.copies()
    # Nothing lost: every reminder's email arrived and every reminder is sent.
    assert set(copies) == expected_ids(pks)
    assert set(Reminder.objects.values_list("state", flat=True)) == {State.SENT}
    assert Notification.objects.count() == len(pks)
    # Nothing committed was sent again: a second copy exists only for the one message that was
    # in flight (handed to SMTP, not yet committed) when the worker died. It was a whole batch
    # while a batch was one transaction.
    again = {mid for mid, n in copies.items() if n > 1}
    print(f"killed after {len(committed)} committed; {len(again)} in-flight emails sent twice")
    assert not again & expected_ids(committed)
    assert len(again) <= 1
    assert max(copies.values()) <= 2
    assert again <= set(received_before_restart)


def cut_other_connections() -> int:
    """Terminate every other session on this test database (the worker's): to the worker this
    is a database restart, and the cluster's other databases and users are left alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_it_reconnects_and_loses_nothing_when_its_database_connection_is_cut(user, tmp_path):
    pks = make_reminders(user, 200)
    DBTaskResult.objects.all().delete()
    jobs.ensure_dispatcher()
    with SmtpServer(delay=0.02) as smtp:
        env = worker_env(smtp.port)
        log = tmp_path / "worker.log"
        worker = start_worker(env, log)
        try:
            assert wait_until(lambda: smtp.sink.count() >= 40, 60), log.read_text()[-3000:]
            assert cut_other_connections() >= 1  # mid-batch: messages are still arriving
            sent_at_cut = smtp.sink.count()
            assert Reminder.objects.pending().exists()
            assert wait_until(lambda: not Reminder.objects.pending().exists(), 90), log.read_text()[
                -3000:
            ]
            time.sleep(1)
            alive = worker.poll() is None
        finally:
            stop_process_group(worker, grace=10)
        copies = smtp.sink.copies()
    assert sent_at_cut < len(pks)
    assert alive  # the same worker process carried on, no restart needed
    # Every reminder delivered: all emails arrived, all reminders sent, one notification each.
    assert set(copies) == expected_ids(pks)
    assert set(Reminder.objects.values_list("state", flat=True)) == {State.SENT}
    assert Notification.objects.count() == len(pks)
    # Once each, but for at most the one email the server accepted while the connection died
    # before its COMMIT: sent again with the same Message-ID (docs/reliability.md).
    assert sum(n - 1 for n in copies.values()) <= 1
    # Within the same run: it reconnected and went on, the run did not fail.
    assert "Database connection lost; reconnecting" in log.read_text()
    assert not DBTaskResult.objects.filter(status="FAILED").exists()
