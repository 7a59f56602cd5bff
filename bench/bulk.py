"""Bulk actions on PostgreSQL: "complete 1,000 tasks" (and its undo), server time and queries.

    DATABASE_URL=postgres://.../tm_bench .venv/bin/python -m bench.bulk [--rounds 5]

For each scenario (bench/scenarios.py BULK_SCENARIOS) a user of its own gets exactly that many
open tasks; each round POSTs the bulk action through the full middleware stack (Django's test
client, in process: no network, so the time is the server's), then undoes it. Prints the
median and worst server time and the query count per request; exits 1 when the 1,000-task
complete takes 500 ms or more at the median, or when the query counts differ between 10 and
1,000 tasks. Bounded: at most 20 rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from bench.scenarios import (
    BULK_SCENARIOS,
    BULK_TARGET_MS,
    BULK_USER,
    DEFAULT_DATABASE_URL,
    ROOT,
)


def setup_django() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskmanager.settings")
    os.environ.setdefault("ALLOW_DEV_SECRET_KEY", "1")
    os.environ.setdefault("SECURE_HTTPS", "0")  # plain HTTP on loopback, in process
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def user_with(tasks: int):
    """A user of this scenario's own with exactly `tasks` open tasks."""
    from django.contrib.auth import get_user_model

    from tasks.models import Project, Task

    user, _ = get_user_model().objects.get_or_create(username=f"{BULK_USER}{tasks}")
    Task.objects.filter(user=user).delete()
    inbox = Project.inbox_for(user)
    Task.objects.bulk_create(
        Task(user=user, project=inbox, title=f"Bulk bench {i}") for i in range(tasks)
    )
    return user


def measure(name: str, tasks: int, body: str, rounds: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tasks.models import BulkBatch, Status, Task

    user = user_with(tasks)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://127.0.0.1/"}
    times, undo_times, queries, undo_queries = [], [], [], []
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(
                "/tasks/bulk/", body, content_type="application/x-www-form-urlencoded", **headers
            )
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        assert Task.objects.filter(user=user, status=Status.COMPLETED).count() == tasks
        queries.append(len(captured))
        batch = BulkBatch.objects.filter(user=user).latest("pk")
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(f"/tasks/bulk/{batch.pk}/undo/", **headers)
            undo_times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        undo_queries.append(len(captured))
    return {
        "name": name,
        "tasks": tasks,
        "p50_ms": statistics.median(times),
        "max_ms": max(times),
        "queries": sorted(set(queries)),
        "undo_p50_ms": statistics.median(undo_times),
        "undo_queries": sorted(set(undo_queries)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rounds = max(1, min(args.rounds, 20))
    setup_django()
    results = [measure(name, n, body, rounds) for name, (n, body) in BULK_SCENARIOS.items()]
    print(
        f"{'scenario':<22}{'tasks':>7}{'p50 ms':>9}{'max ms':>9}{'queries':>9}"
        f"{'undo p50':>10}{'undo q':>8}"
    )
    for r in results:
        print(
            f"{r['name']:<22}{r['tasks']:>7}{r['p50_ms']:>9.1f}{r['max_ms']:>9.1f}"
            f"{','.join(map(str, r['queries'])):>9}{r['undo_p50_ms']:>10.1f}"
            f"{','.join(map(str, r['undo_queries'])):>8}"
        )
    big = next(r for r in results if r["name"] == "bulk_complete_1000")
    same = len({(tuple(r["queries"]), tuple(r["undo_queries"])) for r in results}) == 1
    ok = big["p50_ms"] < BULK_TARGET_MS and same
    print(
        f"target: complete 1,000 under {BULK_TARGET_MS} ms, queries independent of the count:"
        f" {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
