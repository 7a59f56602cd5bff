"""Phase 2: Django in this process, through the full middleware stack, against the bench data.

SQL queries per request (CaptureQueriesContext), response bytes raw and gzip, server-side
latency at concurrency 1, and EXPLAIN (ANALYZE, BUFFERS) of the SQL the views really ran.
"""

from __future__ import annotations

import gzip
import re
import statistics
import sys
import time
from pathlib import Path

from bench.scenarios import (
    BIG,
    CREATE_PREFIX,
    KANBAN,
    ROOT,
    SCENARIOS,
    SEARCH_NO_MATCH,
    SEARCH_PREFIXES,
    SEARCH_TYPO,
    USERS,
    scenario_paths,
)

MOVES = 200


def typo(n: int) -> str:
    """A number in letters (as bench/wrk/scenario.lua writes its counter): 0 "a", 27 "bb"."""
    out = ""
    while True:
        out = chr(97 + n % 26) + out
        n //= 26
        if not n:
            return out


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def batch_figures(batches: list[list[float]], cpu: list[float]) -> dict:
    """The figures of timed requests: wall-clock times in three batches (ms), CPU times (ms)."""
    wall = [t for batch in batches for t in batch]
    return {
        "n": len(wall),
        "p50": statistics.median(wall),
        "p95": percentile(wall, 95),
        "p99": percentile(wall, 99),
        "best_batch_p95": min(percentile(batch, 95) for batch in batches if batch),
        "cpu_p50": statistics.median(cpu),
        "cpu_p95": percentile(cpu, 95),
    }


def cpu_yardstick() -> float:
    """CPU milliseconds (this thread's, median of 15) of a fixed pure-Python loop: how fast the
    machine runs Python right now. On the shared 2-core machines it took 17-18 ms in a quiet
    minute and 31-34 ms in a slow one, and every in-process figure scales with it."""
    times = []
    for _ in range(15):
        started, total = time.thread_time(), 0
        for i in range(200_000):
            total += i * i % 7
        times.append((time.thread_time() - started) * 1000)
    return round(statistics.median(times), 1)


class InProcess:
    """Django in this process, against the bench database: queries, bytes, server-side times."""

    def __init__(self):
        sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
        # Set up as gunicorn's workers are: Django, then the startup objects frozen (gc).
        from django.contrib.auth import get_user_model
        from django.test import Client

        import taskmanager.wsgi  # noqa: F401

        self.users = {name: get_user_model().objects.get(username=name) for name in USERS}
        self.clients = {}
        for name, user in self.users.items():
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)
            self.clients[name] = client

    def task_ids(self, user: str, count: int, offset: int) -> list[int]:
        from tasks.models import Task

        qs = Task.objects.visible_to(self.users[user]).order_by("id")
        return list(qs.values_list("id", flat=True)[offset : offset + count])

    def placeholders(self) -> dict[str, str]:
        """`project_<user>`: each bench user's first seeded project (scenarios.PLACEHOLDERS)."""
        from bench.scenarios import SEED_PROJECT
        from tasks.models import Project

        found = {}
        for name, user in self.users.items():
            project = Project.objects.visible_to(user).filter(name=SEED_PROJECT).first()
            if project is not None:
                found[f"project_{name}"] = str(project.pk)
        return found

    def versions(self, ids: list[int]) -> list[int]:
        from tasks.models import Task

        found = dict(Task.objects.filter(id__in=ids).values_list("id", "version"))
        return [found[i] for i in ids]

    def fill_trash(self, user: str, count: int) -> int:
        """Move live tasks to the trash until `user` has `count` there; how many were moved.

        Every k-th task by id, so the trash spans the user's whole history, deleted a minute
        apart (id mod 1,200 minutes: within the last 20 hours, inside the purge window), through
        one UPDATE so the count triggers see it as they would a delete.
        """
        from django.db import connection

        from tasks.models import Task

        owner = self.users[user]
        missing = count - Task.objects.deleted_visible_to(owner).count()
        if missing <= 0:
            return 0
        live = list(Task.objects.visible_to(owner).order_by("id").values_list("id", flat=True))
        ids = live[:: max(1, len(live) // missing)][:missing]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE tasks_task SET deleted_at = now() - (id %% 1200) * interval '1 minute', "
                "version = version + 1, updated_at = now() WHERE id = ANY(%s)",
                [ids],
            )
        return len(ids)

    def vacuum(self) -> None:
        """VACUUM (ANALYZE) the tables seeding and fill_trash() just wrote: the timings then
        see the state autovacuum keeps a database in, instead of autovacuum starting on them
        in the middle of the timed requests (and sharing the two cores with them)."""
        from django.db import connection

        with connection.cursor() as cursor:
            for table in ("tasks_task", "tasks_tasktag", "tasks_taskcount", "tasks_project"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")

    def undo_queries(self, user: str) -> dict:
        """The SQL of undo's "last deleted" lookup, as the view runs it (locked, in a
        transaction), without restoring anything: for EXPLAIN, next to the scenarios' SQL."""
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        from tasks.models import Task

        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            Task.objects.deleted_visible_to(self.users[user]).select_for_update().last_deleted()
        return {
            "path": "POST /trash/undo/: deleted_visible_to(u).select_for_update().last_deleted()",
            "source": "the view's queryset run in a transaction, nothing restored",
            "sql": [q["sql"] for q in queries.captured_queries],
        }

    def deep_cursor(self, user: str, page: int) -> str:
        """Follow the "next page" cursor page-1 times, exactly as a person paging would."""
        from django.conf import settings

        from tasks.models import Sort, Task
        from tasks.pagination import encode_cursor, paginate

        tasks = Task.objects.visible_to(self.users[user])
        cursor = None
        for _ in range(page - 1):
            result = paginate(tasks, Sort.NEWEST, cursor, None, settings.TASKS_PAGE_SIZE)
            cursor = result.next_cursor
            if cursor is None:
                raise SystemExit(f"{user} has fewer than {page} pages")
        # Cross-check with the row an OFFSET would land on (computed once, here only).
        offset = (page - 1) * settings.TASKS_PAGE_SIZE - 1
        expected = encode_cursor(tasks.ordered_by(Sort.NEWEST)[offset], Sort.NEWEST)
        assert cursor == expected, (cursor, expected)
        return cursor

    def request(self, user: str, method: str, path: str, htmx: bool, data: dict | None = None):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        headers = {}
        if htmx:
            headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://127.0.0.1/"}
        client = self.clients[user]
        with CaptureQueriesContext(connection) as queries:
            if method == "GET":
                response = client.get(path, **headers)
            else:
                response = client.post(path, data or {}, **headers)
        return response, queries.captured_queries

    def timed(
        self, user: str, paths: list[str], htmx: bool, rounds: int, cold: bool = False
    ) -> dict:
        """Wall-clock and CPU milliseconds per request, concurrency 1, in three batches.

        On a machine shared with other busy processes wall time includes waiting for a core;
        CPU time (this thread's) does not, but leaves out PostgreSQL's share, which the
        EXPLAIN files show. The best batch's p95 is the least disturbed wall-clock figure.
        `cold` empties the rendered-row cache before each request: every row is rendered, as
        for rows nobody has looked at since they last changed.
        """
        from django.core.cache import caches

        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        client = self.clients[user]
        for path in paths:  # warm this process's caches and PostgreSQL's buffers
            client.get(path, **headers)
        batches, cpu = [[], [], []], []
        for index in range(rounds):
            for path in paths:
                if cold:
                    caches["rows"].clear()
                started, started_cpu = time.perf_counter(), time.thread_time()
                response = client.get(path, **headers)
                cpu.append((time.thread_time() - started_cpu) * 1000)
                batches[index * 3 // rounds].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
        return batch_figures(batches, cpu)

    def timed_distinct(self, user: str, paths: list[str], htmx: bool) -> dict:
        """As timed(), each path requested once and none of them before: every request is the
        first of its URL, so no cached list answers it (a different search word each time)."""
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        client = self.clients[user]
        client.get("/?q=warmup", **headers)  # this process's and PostgreSQL's warm-up
        batches, cpu = [[], [], []], []
        for index, path in enumerate(paths):
            started, started_cpu = time.perf_counter(), time.thread_time()
            response = client.get(path, **headers)
            cpu.append((time.thread_time() - started_cpu) * 1000)
            batches[index * 3 // len(paths)].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        return batch_figures(batches, cpu)

    def timed_moves(self, user: str, rounds: int, across: bool = False) -> dict:
        """A kanban move's server time, concurrency 1. Within a column (`across` False): two
        cards near the top of the pending column swapped back and forth (each a move between
        neighbours: the gap halves, and now and then a small window is rebalanced, as when a
        person reorders by hand). `across`: the top pending card moved under the first card of
        In progress and back under the next pending card, again and again: every move changes
        the counts and renders the card anew, as a drop into another column does.

        The body is form-urlencoded, as htmx sends it, not the test client's default multipart
        (which cost about 0.1 ms of CPU more, client and parser together)."""
        from urllib.parse import urlencode

        from tasks.models import Status, Task

        headers = {
            "HTTP_HX_REQUEST": "true",
            "HTTP_HX_CURRENT_URL": "http://127.0.0.1/?layout=board",
        }
        tasks = Task.objects.visible_to(self.users[user])
        a, b = (
            tasks.filter(status=Status.PENDING)
            .order_by("position", "id")
            .values_list("id", flat=True)[:2]
        )
        if across:
            doing = tasks.filter(status=Status.IN_PROGRESS).order_by("position", "id")
            moves = [(a, Status.IN_PROGRESS, doing.values_list("id", flat=True)[0])]
            moves.append((a, Status.PENDING, b))
        else:
            moves = [(a, Status.PENDING, b), (b, Status.PENDING, a)]
        client = self.clients[user]
        # In three batches, as timed() does: the best batch's p95 is the least disturbed.
        batches, cpu = [[], [], []], []
        for n in range(rounds + 2):
            moved, status, anchor = moves[n % 2]
            started, started_cpu = time.perf_counter(), time.thread_time()
            response = client.post(
                f"/task/{moved}/move/",
                urlencode({"status": status, "after": anchor}),
                content_type="application/x-www-form-urlencoded",
                **headers,
            )
            if n >= 2:  # the first two warm the caches
                cpu.append((time.thread_time() - started_cpu) * 1000)
                batches[(n - 2) * 3 // rounds].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        return batch_figures(batches, cpu)

    def explain(self, sql: str) -> str:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())

    def delete_created(self, user: str) -> int:
        from tasks.models import Task

        deleted, _ = Task.objects.filter(
            user=self.users[user], title__startswith=CREATE_PREFIX
        ).delete()
        return deleted

    def close(self) -> None:
        from django.db import connections

        connections.close_all()


def measure_requests(ip: InProcess, cursor: str, write_tasks: dict) -> dict:
    """Queries and bytes per scenario, from one request each through the full stack."""
    from django.core.cache import caches

    results = {}
    for name, (user, method, paths, htmx, _body) in SCENARIOS.items():
        path = scenario_paths(paths, cursor)[-1].replace("{n}", "probe")
        data = None
        if name == "create":
            data = {"title": CREATE_PREFIX + "probe"}
        elif name == "edit_save":
            task = write_tasks["edit"][0]
            path = path.replace("{task}", str(task))
            data = {
                "title": "Bench edit probe",
                "priority": "medium",
                "status": "pending",
                "due_date": "",
                "version": ip.versions([task])[0],
            }
        elif name == "toggle":
            path = path.replace("{task}", str(write_tasks["toggle"][0]))
        # The rendered list is cached (tasks/listcache.py): measure the request that renders
        # it, whose SQL the EXPLAINs replay, and then the one that reads it from the cache.
        caches["rows"].clear()
        response, queries = ip.request(user, method, path, htmx, data)
        cached_queries = None
        if method == "GET":
            cached_queries = len(ip.request(user, method, path, htmx, data)[1])
        if name == "toggle":  # toggle back so the data stays as seeded
            ip.request(user, method, path, htmx, data)
        if response.status_code >= 400:
            raise SystemExit(f"{name}: {method} {path} answered {response.status_code}")
        body = response.content
        results[name] = {
            "path": path,
            "status": response.status_code,
            "queries": len(queries),
            "queries_cached": cached_queries,
            "bytes": len(body),
            "bytes_gzip": len(gzip.compress(body, compresslevel=6)),
            "sql": [q["sql"] for q in queries],
        }
    return results


EXPLAIN_PLANS = {
    # file name -> (scenario whose SQL is explained, which task queries of it)
    "board": "board",
    "filter": "fragment_filter",
    "search": "search_typing",
    "search_no_match": "search_no_match",
    "search_typo": "search_typo",
    "deep_page": "page_200",
    "trash": "trash",
    "undo": "undo_last",  # not a load scenario (it would empty the trash): InProcess.undo_queries
    "board_kanban": "board_kanban",
    # Issue 12's views (bench/scenarios.py SEED_ORGANIZE).
    "project": "project",
    "tag_filter": "tag_filter",
    "today": "today",
    "upcoming": "upcoming",
}


def run_explains(ip: InProcess, measured: dict, out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, scenario in EXPLAIN_PLANS.items():
        statements = [s for s in measured[scenario]["sql"] if "tasks_task" in s]
        sections = []
        seq_scan = False
        total_ms = 0.0
        for sql in statements:
            plan = ip.explain(sql)
            seq_scan |= bool(re.search(r"Seq Scan on tasks_task\b", plan))
            match = re.search(r"Execution Time: ([\d.]+) ms", plan)
            total_ms += float(match.group(1)) if match else 0.0
            sections.append(f"-- {measured[scenario]['path']}\n{sql};\n\n{plan}\n")
        source = measured[scenario].get("source", "captured from the view")
        header = (
            f"-- EXPLAIN (ANALYZE, BUFFERS) of the task queries behind scenario '{scenario}' "
            f"({BIG}, {USERS[BIG]:,} tasks), {source}; written by bench/run.\n\n"
        )
        (out_dir / f"{name}.txt").write_text(header + "\n".join(sections))
        found[name] = {
            "statements": len(statements),
            "seq_scan": seq_scan,
            "execution_ms": total_ms,
        }
    return found


def server_side_timings(ip: InProcess, cursor: str, rounds: int) -> dict:
    """Latency at concurrency 1 of the requests the targets are about (see report.TARGETS)."""
    search_paths = [f"/?q={p}" for p in SEARCH_PREFIXES]
    filtered = ["/?status=pending&priority=high"]
    return {
        "search_ms": ip.timed(BIG, search_paths, True, rounds),
        "search_cold_ms": ip.timed(BIG, search_paths, True, rounds, cold=True),
        "search_no_match_ms": ip.timed(BIG, [f"/?q={SEARCH_NO_MATCH}"], True, 3),
        # A different typo each request: nothing cached answers it (SearchWord does).
        "search_typo_ms": ip.timed_distinct(
            BIG, [f"/?q={SEARCH_TYPO.replace('{n}', typo(i))}" for i in range(rounds)], True
        ),
        "page_1_ms": ip.timed(BIG, ["/"], True, rounds),
        "page_200_ms": ip.timed(BIG, [f"/?after={cursor}"], True, rounds),
        "board_ms": ip.timed(BIG, ["/"], False, rounds),
        "fragment_filter_ms": ip.timed(BIG, filtered, True, rounds),
        "fragment_filter_cold_ms": ip.timed(BIG, filtered, True, rounds, cold=True),
        "board_cold_ms": ip.timed(BIG, ["/"], False, rounds, cold=True),
        "trash_ms": ip.timed(BIG, ["/trash/"], False, rounds),
        "ceiling_ms": ip.timed(BIG, ["/bench/ceiling"], False, rounds),
        "board_kanban_ms": ip.timed(BIG, [KANBAN], False, rounds),
        # A move takes a few milliseconds: 200 of them at least, so that the p95 is not the
        # second-slowest of 40 (a single pause of the shared machine).
        "kanban_move_ms": ip.timed_moves(BIG, max(rounds, MOVES)),
        "kanban_move_across_ms": ip.timed_moves(BIG, max(rounds, MOVES), across=True),
    }
