"""The benchmark behind `bench/run`: production configuration, 10k and 100k tasks, figures.

Phases (each bounded in count and time), one module each:
 1. database (here): create tm_bench if needed, migrate, seed `bench10k` and `bench100k`
    (--top-up, so a second run reuses the data), move some of their tasks to the trash and top
    up again (fill_trash), collectstatic into a temporary STATIC_ROOT;
 2. in-process (bench/inprocess.py), through Django's test client and the full middleware
    stack: SQL queries per request, response bytes raw and gzip, server-side latency at
    concurrency 1 (search prefixes, page 1 vs page 200), and EXPLAIN (ANALYZE, BUFFERS) of the
    SQL the views really ran, saved to bench/explain/ -- a Seq Scan on tasks_task fails the run;
 3. load (bench/load.py): gunicorn with gunicorn.conf.py (DEBUG off, whitenoise,
    BENCH_CEILING=1) on 127.0.0.1:95xx, a real login per user, then wrk per scenario;
 4. static files (hashed names, gzip, brotli, immutable) and worker RSS after the load;
 5. report (bench/report.py): a table on stdout and bench/results/latest.json.
Every process started is stopped (finally). The scenarios themselves: bench/scenarios.py.

    .venv/bin/python -m bench.harness --markdown    # the last run's figures as Markdown
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.inprocess import (
    InProcess,
    cpu_yardstick,
    measure_requests,
    run_explains,
    server_side_timings,
)
from bench.load import (
    DISTINCT_LISTS,
    check_static,
    distinct_lists,
    log,
    login,
    measure_load,
    rss_mb,
)
from bench.report import evaluate, markdown, print_report
from bench.scenarios import (
    BENCH,
    BIG,
    DEEP_PAGE,
    DEFAULT_DATABASE_URL,
    PASSWORD,
    PLACEHOLDERS,
    SEED_ORGANIZE,
    TRASHED,
    USERS,
)
from devtools.processes import Gunicorn, create_database, log_tail, manage, production_env


def machine() -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_mb = None
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_mb = int(line.split()[1]) // 1024
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_mb": mem_mb,
        "loadavg_start": os.getloadavg(),
        "python": platform.python_version(),
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "",
    }


def bench_env(database_url: str, static_root: Path) -> dict:
    """Production settings over plain HTTP on loopback, plus the caller's own knobs
    (DATABASE_POOL=1 bench/run, WEB_CONCURRENCY=..., to measure an alternative)."""
    return dict(os.environ) | production_env(
        database_url,
        static_root,
        SECURE_HTTPS="0",
        BEHIND_PROXY=os.environ.get("BEHIND_PROXY", "0"),
        TRUSTED_PROXY_COUNT=os.environ.get("TRUSTED_PROXY_COUNT", "0"),
        BENCH_CEILING="1",
        DJANGO_SETTINGS_MODULE="taskmanager.settings",
        LOG_LEVEL="WARNING",
        # No worker recycling during the run: the RSS read afterwards is of a worker that served
        # the whole load (the case a leak would show), and no scenario pays for a respawn.
        GUNICORN_MAX_REQUESTS="0",
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--duration",
        type=int,
        default=int(os.environ.get("BENCH_DURATION", 8)),
        help="seconds of measured load per scenario, in 5 bursts (default 8: 5 x 2 s)",
    )
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per scenario")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (= threads)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=40,
        help="in-process timed requests per path (server-side latency)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--output", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument(
        "--markdown", action="store_true", help="print --output's figures as Markdown; no run"
    )
    args = parser.parse_args()
    args.duration = max(1, min(args.duration, 60))
    args.warmup = max(0, min(args.warmup, 10))
    args.connections = max(1, min(args.connections, 16))
    args.rounds = max(5, min(args.rounds, 200))
    return args


def timed_manage(env: dict, *args: str, timeout: int = 300) -> None:
    started = time.monotonic()
    manage(env, *args, timeout=timeout, quiet=False)
    log(f"manage.py {args[0]} took {time.monotonic() - started:.1f}s")


def prepare_database(database_url: str, env: dict) -> None:
    """Phase 1: the database, its two users and their tasks, and the static files."""
    where = urlsplit(database_url)
    log(f"database {where.hostname}:{where.port or 5432}{where.path}")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/run needs PostgreSQL: set DATABASE_URL=postgres://...")
    if create_database(database_url):
        log(f"created database {where.path.lstrip('/')}")
    timed_manage(env, "migrate", "--verbosity", "0")
    for user, count in USERS.items():
        seed = ["--user", user, "--count", str(count), "--password", PASSWORD]
        seed += SEED_ORGANIZE
        timed_manage(env, "seed_tasks", *seed, "--top-up", "--seed", "1", timeout=600)
    timed_manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def fill_trash(ip: InProcess, env: dict) -> None:
    """Part of phase 1: each user's trash (TRASHED), then their live tasks topped up again, so
    the other scenarios see the same number of live tasks as before."""
    for user, count in TRASHED.items():
        moved = ip.fill_trash(user, count)
        log(f"moved {moved:,} of {user}'s tasks to the trash")
        # Always, not only after a move: a run interrupted between the two steps left it short.
        # No --password: setting it again would log out the in-process clients (session hash).
        seed = ["--user", user, "--count", str(USERS[user]), "--top-up", "--seed", "1"]
        timed_manage(env, "seed_tasks", *seed, *SEED_ORGANIZE, timeout=600)
    PLACEHOLDERS.update(ip.placeholders())
    started = time.monotonic()
    ip.vacuum()
    log(f"VACUUM (ANALYZE) of the seeded tables took {time.monotonic() - started:.1f}s")


def measure_in_process(ip: InProcess, args, results: dict) -> tuple[str, dict, dict]:
    """Phase 2: (the page-200 cursor, the tasks the write scenarios use, per-scenario figures)."""
    log("in-process: queries, bytes, server-side latency, EXPLAIN")
    ip.delete_created(BIG)  # leftovers of an interrupted earlier run
    cursor = ip.deep_cursor(BIG, DEEP_PAGE)
    write_tasks = {
        "edit": ip.task_ids(BIG, args.connections, 0),
        "toggle": ip.task_ids(BIG, args.connections, args.connections),
    }
    measured = measure_requests(ip, cursor, write_tasks)
    yardstick = cpu_yardstick()
    results["server_side"] = server_side_timings(ip, cursor, args.rounds)
    results["yardstick_ms"] = [yardstick, cpu_yardstick()]
    named = measured | {"undo_last": ip.undo_queries(BIG)}
    results["explain"] = run_explains(ip, named, BENCH / "explain")
    ip.close()
    return cursor, write_tasks, measured


def measure_under_load(server: Gunicorn, ip: InProcess, cursor, write_tasks, measured, args):
    """Phases 3 and 4: wrk per scenario, then static files and worker memory."""
    log(f"gunicorn on 127.0.0.1:{server.port}")
    server.start(timeout=30)
    results = {"gunicorn": {"config": server.config, "workers": len(server.workers())}}
    auth = {user: login(server, user) for user in USERS}
    scenarios, ceiling_rps = measure_load(
        server, auth, cursor, write_tasks, ip.versions, measured, args
    )
    results["scenarios"] = scenarios
    results["ceiling_rps_runs"] = ceiling_rps
    results["workers_rss_mb"] = [r for r in map(rss_mb, server.workers()) if r]
    log(f"{DISTINCT_LISTS:,} different lists, then each worker's memory")
    results["distinct_lists"] = distinct_lists(server, auth[BIG])
    # Counted again after the load: right after start() the master may not have forked them all.
    results["gunicorn"]["workers"] = max(
        results["gunicorn"]["workers"], len(results["workers_rss_mb"])
    )
    results["static"] = check_static(auth[BIG])
    results["created_tasks_removed"] = ip.delete_created(BIG)
    ip.close()
    return results


def finish(results: dict, args, started: float) -> int:
    """Phase 5: evaluate, write the JSON, print the table; the exit status."""
    results["machine"]["loadavg_end"] = os.getloadavg()
    results["duration_s"] = round(time.monotonic() - started, 1)
    results["targets"] = evaluate(results)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print_report(results)
    print(f"\nwrote {args.output} in {results['duration_s']:.0f}s")
    if any(e["seq_scan"] for e in results["explain"].values()):
        print(
            "FAIL: a Seq Scan on tasks_task appeared in bench/explain/ (see above)", file=sys.stderr
        )
        return 1
    errors = [
        n for n, s in results["scenarios"].items() if s["errors_status"] or s["errors_socket"]
    ]
    if errors:
        print(f"FAIL: error responses in: {', '.join(errors)}", file=sys.stderr)
        return 1
    if args.strict and not all(t["met"] for t in results["targets"]):
        return 1
    return 0


def main() -> int:
    args = parse_args()
    if args.markdown:
        results = json.loads(args.output.read_text())
        results["targets"] = evaluate(results)  # this version's wording of the checks
        print(markdown(results))
        return 0
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    started = time.monotonic()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    tmp = Path(tempfile.mkdtemp(prefix="tm-bench-"))
    env = bench_env(database_url, tmp / "static")
    os.environ.update(env)  # the in-process phase runs Django with the same settings
    results = {"machine": machine(), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    server = Gunicorn(env, tmp / "gunicorn.log", ports=(9500, 9599))

    def on_signal(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        prepare_database(database_url, env)
        ip = InProcess()
        fill_trash(ip, env)
        cursor, write_tasks, measured = measure_in_process(ip, args, results)
        results |= measure_under_load(server, ip, cursor, write_tasks, measured, args)
    finally:
        if server.process is not None:
            server.stop()
            tail = log_tail(server.log_path)
            if "Traceback" in tail:
                print(tail, file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    return finish(results, args, started)


if __name__ == "__main__":
    sys.exit(main())
