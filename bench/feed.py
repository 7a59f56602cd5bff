"""The calendar feed for a 10,000-task user: server time of a full answer and of a 304.

    DATABASE_URL=postgres://...:5432/tm_recur .venv/bin/python bench/feed.py

Django in this process, through the whole middleware stack (as bench/inprocess.py measures the
board): the time is the server's, without the network. Migrates the database, (re)creates the
user `feedbench` with 10,000 dated tasks (half timed, a tenth repeating, a fifth completed),
and prints the median and 95th percentile of ROUNDS requests of each kind: rendered (cache
cleared first), served from the cache, and 304. Target: under 300 ms.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKS = 10_000
ROUNDS = 15
USER = "feedbench"


def feed_tasks(user, count: int) -> list:
    """The feed's mix (also tests/test_feed_speed.py's): half timed, a tenth repeating with
    COUNT, a fifth completed, descriptions with characters to escape. Needs Django set up."""
    from tasks.models import Status, Task

    start = dt.date(2026, 1, 1)
    return [
        Task(
            user=user,
            title=f"Bench task {i}: write the quarterly report, section {i % 97}",
            description="Notes; with, commas\nand a second line " * (i % 3),
            due_date=start + dt.timedelta(days=i % 730),
            due_time=dt.time(9 + i % 8, 30) if i % 2 else None,
            recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=10" if i % 10 == 0 else "",
            status=Status.COMPLETED if i % 5 == 1 else Status.PENDING,
        )
        for i in range(count)
    ]


def main() -> int:
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskmanager.settings")
    os.environ.setdefault(
        "DATABASE_URL", "postgres://taskmanager:taskmanager@127.0.0.1:5432/tm_recur"
    )
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from feeds.models import CalendarFeed
    from tasks.models import Task

    call_command("migrate", verbosity=0)
    User = get_user_model()
    User.objects.filter(username=USER).delete()
    user = User.objects.create_user(USER, password="bench-only-password-feed")
    Task.objects.bulk_create(feed_tasks(user, TASKS), batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_task")
    token = CalendarFeed.turn_on(user)
    path = f"/feeds/{token}.ics"
    client = Client(HTTP_HOST="127.0.0.1")

    cpu: dict[str, list[float]] = {}

    def timed(**headers) -> tuple[float, object]:
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(path, headers=headers, secure=True)
        cpu.setdefault(current[0], []).append((time.process_time() - began_cpu) * 1000)
        return (time.perf_counter() - began) * 1000, response

    current = ["warm-up"]

    _, warm = timed()  # the first request pays for imports and the VTIMEZONE
    assert warm.status_code == 200, (warm.status_code, warm.headers)
    full = []
    current[0] = "200 rendered"
    for _ in range(ROUNDS):
        cache.clear()  # every one renders the 10,000 events
        full.append(timed()[0])
    current[0] = "200 from the cache (same ETag)"
    cached = [timed()[0] for _ in range(ROUNDS)]
    current[0] = "304 unchanged"
    not_modified = [timed(if_none_match=warm["ETag"])[0] for _ in range(ROUNDS)]
    assert warm.status_code == 200 and timed(if_none_match=warm["ETag"])[1].status_code == 304
    events = warm.content.count(b"BEGIN:VEVENT")
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    print(f"feed of {events} tasks, {len(warm.content) / 1e6:.1f} MB")
    figures = (
        ("200 rendered", full),
        ("200 from the cache (same ETag)", cached),
        ("304 unchanged", not_modified),
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, values in figures:
        p95 = sorted(values)[max(0, round(0.95 * len(values)) - 1)]
        print(
            f"{name}: median {statistics.median(values):.0f} ms, p95 {p95:.0f} ms"
            f" (this process's CPU: median {statistics.median(cpu[name]):.0f} ms)"
        )
    User.objects.filter(username=USER).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
