"""Scenario: 10,000 reminders fall due in the same minute.

    .venv/bin/python -m bench.reminders [--reminders 10000] [--requests 150]

On PostgreSQL (DATABASE_URL, default tm_bench_reminders, created if missing): one real worker
(`manage.py db_worker`, production settings) delivers them through SMTP to a local sink
(bench/smtp_sink.py: a real SMTP conversation per batch connection, messages counted and
dropped), while a bounded loop of board requests runs against gunicorn. Prints the delivery
time (target: within 60 s), the worker's peak RSS (target: < 120 MB), and the board's latency
idle and under that load side by side (target: within 20 %). Every process started here is
stopped in `finally`. Figures: docs/performance.md "Reminders".
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.load import log, rss_mb
from bench.scenarios import PASSWORD
from devtools.http import Session
from devtools.processes import (
    VENV_BIN,
    Gunicorn,
    create_database,
    free_port,
    manage,
    production_env,
    start,
    stop_process_group,
)

DEFAULT_DATABASE_URL = "postgres://taskmanager:taskmanager@127.0.0.1:5432/tm_bench_reminders"
USERNAME = "benchrem"


def env_for(database_url: str, smtp_port: int) -> dict:
    return dict(os.environ) | production_env(
        database_url,
        SECURE_HTTPS="0",
        BEHIND_PROXY="0",
        TRUSTED_PROXY_COUNT="0",
        LOG_LEVEL="WARNING",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        DJANGO_SETTINGS_MODULE="taskmanager.settings",
        GUNICORN_MAX_REQUESTS="0",
        # One person gets every email here: the daily cap would stop them at 50.
        REMINDERS_EMAILS_PER_DAY="100000",
    )


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()


def seed(n: int) -> int:
    """The bench user with a confirmed email address, a board of 200 tasks, and n reminders
    due now."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from reminders.models import Kind, Notification, Reminder, ReminderSettings
    from tasks.models import Task

    users = get_user_model()
    user = users.objects.filter(username=USERNAME).first()
    if user is None:
        user = users.objects.create_user(USERNAME, "bench@example.com", PASSWORD)
    # Email goes only to a confirmed address: the bench's is.
    ReminderSettings.objects.update_or_create(
        user=user, defaults={"confirmed_email": user.email, "emails_sent": 0, "email_day": None}
    )
    Reminder.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    DBTaskResult.objects.all().delete()
    if not Task.objects.filter(user=user).exists():
        Task.objects.bulk_create(Task(user=user, title=f"Bench task {i}") for i in range(200))
    tasks = list(Task.objects.filter(user=user).values_list("pk", flat=True)[:200])
    due = timezone.now().replace(second=0, microsecond=0)
    Reminder.objects.bulk_create(
        (
            Reminder(
                task_id=tasks[i % len(tasks)], user=user, kind=Kind.AT, remind_at=due, fire_at=due
            )
            for i in range(n)
        ),
        batch_size=2000,
    )
    return user.pk


def pending() -> int:
    from reminders.models import Reminder

    return Reminder.objects.filter(user__username=USERNAME, state="pending").count()


def board_latencies(session: Session, count: int, stop: threading.Event | None = None) -> list:
    timings = []
    for _ in range(count):
        if stop is not None and stop.is_set():
            break
        started = time.perf_counter()
        response = session.send("GET", "/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, response.status
    return timings


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (/proc/<pid>/stat), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(ms: list[float]) -> str:
    if not ms:
        return "no requests"
    p95 = sorted(ms)[max(0, int(len(ms) * 0.95) - 1)]
    return f"median {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms  ({len(ms)} requests)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=150, help="board requests per phase")
    parser.add_argument("--timeout", type=int, default=180, help="give up delivery after (s)")
    parser.add_argument("--workers", type=int, default=1, help="db_worker processes")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)

    from bench.smtp_sink import SmtpSink

    smtp_port = free_port(20400, 20499)
    env = env_for(database_url, smtp_port)
    create_database(database_url)
    log("migrating")
    manage(env, "migrate", "--verbosity", "0")
    setup_django(env)
    log(f"seeding {args.reminders} reminders due in the same minute")
    seed(args.reminders)

    tmp = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    web = Gunicorn(env | {"STATIC_ROOT": str(tmp / "static")}, tmp / "gunicorn.log")
    manage(env | {"STATIC_ROOT": str(tmp / "static")}, "collectstatic", "--noinput", "-v", "0")
    workers = []
    with SmtpSink(smtp_port) as sink:
        try:
            web.start()
            session = Session(web.port, https=False)
            session.login(USERNAME, PASSWORD)
            board_latencies(session, 10)  # warm up
            log(f"board, idle: {args.requests} requests")
            idle = board_latencies(session, args.requests)

            from reminders import jobs

            jobs.ensure_dispatcher()
            log("starting the worker")
            started = time.monotonic()
            workers = [
                start(
                    [str(VENV_BIN / "python"), "manage.py", "db_worker", "--interval", "0.5"],
                    env,
                    tmp / f"worker{i}.log",
                )
                for i in range(args.workers)
            ]
            stop = threading.Event()
            loaded: list[float] = []
            loader = threading.Thread(
                target=lambda: loaded.extend(board_latencies(session, args.requests, stop))
            )
            loader.start()
            peak_rss, done_at = 0.0, None
            # The workers' CPU from their first email (Django's start-up excluded) to the last.
            first_cpu, first_count, cpu_used, loads = None, 0, 0.0, [os.getloadavg()[0]]
            while time.monotonic() - started < args.timeout:
                peak_rss = max([peak_rss] + [rss_mb(w.pid) or 0 for w in workers])
                if first_cpu is None and sink.count:
                    first_cpu = sum(cpu_seconds(w.pid) for w in workers)
                    first_count = sink.count
                if sink.count >= args.reminders and pending() == 0:
                    done_at = time.monotonic() - started
                    cpu_used = sum(cpu_seconds(w.pid) for w in workers) - (first_cpu or 0)
                    loads.append(os.getloadavg()[0])
                    break
                if any(w.poll() is not None for w in workers):
                    raise SystemExit((tmp / "worker0.log").read_text()[-3000:])
                time.sleep(0.25)
            stop.set()
            loader.join(timeout=60)
        finally:
            for worker in workers:
                stop_process_group(worker, grace=10)
            web.stop()
        emails = sink.count

    print()
    print(f"Reminders due in one minute: {args.reminders}; emails received by SMTP: {emails}")
    if done_at is None:
        print(f"Delivery: NOT finished within {args.timeout} s ({pending()} still pending)")
    else:
        print(f"Delivery: all delivered in {done_at:.1f} s (target <= 60 s)")
    print(f"Workers: {args.workers}; peak RSS of one: {peak_rss:.0f} MB (target < 120 MB)")
    if done_at is not None and emails > first_count:
        per = cpu_used / (emails - first_count) * 1000
        print(f"Workers' CPU: {cpu_used:.1f} s, {per:.2f} ms per reminder (from the first email)")
    print(f"Load average (1 min) at the start and end of delivery: {loads[0]:.1f}, {loads[-1]:.1f}")
    print(f"Board idle:         {summary(idle)}")
    print(f"Board under load:   {summary(loaded)}")
    if idle and loaded:
        ratio = statistics.median(loaded) / statistics.median(idle)
        print(f"Median under load / idle: {ratio:.2f} (target <= 1.20)")
    ok = done_at is not None and done_at <= 60 and peak_rss < 120
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
