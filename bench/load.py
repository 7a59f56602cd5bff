"""Phase 3: gunicorn under wrk load, scenario by scenario, each run between ceiling runs.

Why wrk: it is C, so on a 2-core machine the load generator takes far less CPU from the server
than an asyncio Python client would, and its Lua hooks cover POSTs with headers and per-thread
state (the edit scenario tracks each task's version for optimistic concurrency).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.scenarios import BENCH, BIG, PASSWORD, ROUNDS, SCENARIOS, scenario_paths
from devtools.http import Session
from devtools.processes import Gunicorn


def log(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def login(server: Gunicorn, username: str) -> Session:
    """A real login through the form: the session cookie and CSRF token a browser would have."""
    session = Session(server.port, https=False)
    session.login(username, PASSWORD)
    return session


def wrk_env(
    scenario: str, auth: Session, base: str, cursor: str, tasks: list, versions: list
) -> dict:
    _user, method, paths, htmx, body = SCENARIOS[scenario]
    cookie = "; ".join(f"{name}={auth.cookies[name]}" for name in ("sessionid", "csrftoken"))
    headers = [f"Cookie: {cookie}", "Accept-Encoding: identity"]
    if method == "POST":
        headers += [
            f"X-CSRFToken: {auth.cookies['csrftoken']}",
            "Content-Type: application/x-www-form-urlencoded",
        ]
    if htmx:
        headers += ["HX-Request: true", f"HX-Current-URL: {base}/"]
    env = {
        "BENCH_METHOD": method,
        "BENCH_PATHS": "|".join(scenario_paths(paths, cursor)),
        "BENCH_HEADERS": "\n".join(headers),
        "BENCH_TASKS": ",".join(str(t) for t in tasks),
        "BENCH_VERSION": ",".join(str(v) for v in versions),
    }
    if body is not None:
        env["BENCH_BODY"] = body
    return env


def run_wrk(base: str, env_extra: dict, seconds: int, connections: int) -> dict:
    env = dict(os.environ, **env_extra)
    command = [
        "wrk",
        f"-t{connections}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "wrk" / "scenario.lua"),
        base + "/",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise SystemExit(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")


def combine_bursts(bursts: list[dict]) -> dict:
    """One scenario's figures from its bursts: totals, rates over the total time, and the
    median of each burst's latency percentiles (wrk reports percentiles per run only)."""
    counts = ("requests", "bytes", "ok", "conflicts", "errors_status", "errors_socket")
    total = {k: sum(b[k] for b in bursts) for k in counts}
    seconds = sum(b["seconds"] for b in bursts)
    return {
        **total,
        "seconds": seconds,
        "rps": total["requests"] / seconds,
        **{k: statistics.median(b[k] for b in bursts) for k in ("p50_ms", "p95_ms", "p99_ms")},
        "max_ms": max(b["max_ms"] for b in bursts),
    }


def measure_load(
    server: Gunicorn,
    auth: dict[str, Session],
    cursor: str,
    write_tasks: dict,
    versions: Callable[[list[int]], list[int]],
    measured: dict,
    args,
) -> tuple[dict, list[float]]:
    """Every scenario under wrk: (figures per scenario, every ceiling run's req/s).

    The machine is shared, so its spare CPU drifts during a run. Each scenario runs in ROUNDS
    bursts, each bracketed by short ceiling runs (the one after a burst is also the one before
    the next), and its ratio is the median of the bursts' ratios: one burst disturbed by
    another job does not decide the figure.
    """
    base = server.base
    burst = max(2, round(args.duration / ROUNDS))
    ceiling_env = wrk_env("ceiling", auth[BIG], base, cursor, [], [])
    ceiling_rps = [run_wrk(base, ceiling_env, burst, args.connections)["rps"]]
    scenarios = {}
    for name, (user, *_rest) in SCENARIOS.items():
        tasks = write_tasks["edit"] if name == "edit_save" else write_tasks["toggle"]

        def scenario_env(tasks=tasks, name=name, user=user):
            # Edits carry the version they replace: read it afresh before every run.
            current = versions(tasks) if name == "edit_save" else []
            return wrk_env(name, auth[user], base, cursor, tasks, current)

        if args.warmup:
            run_wrk(base, scenario_env(), args.warmup, args.connections)
        bursts, ratios = [], []
        for _ in range(ROUNDS):
            bursts.append(run_wrk(base, scenario_env(), burst, args.connections))
            ceiling_rps.append(run_wrk(base, ceiling_env, burst, args.connections)["rps"])
            ratios.append(bursts[-1]["rps"] / statistics.mean(ceiling_rps[-2:]))
        figures = combine_bursts(bursts)
        figures["ceiling_rps_around"] = statistics.mean(ceiling_rps[-ROUNDS - 1 :])
        figures["ratios_to_ceiling"] = ratios
        figures["ratio_to_ceiling"] = statistics.median(ratios)
        m = measured[name]
        scenarios[name] = {
            **figures,
            **{k: m[k] for k in ("path", "queries", "queries_cached", "bytes", "bytes_gzip")},
        }
        log(
            f"{name}: {figures['rps']:.1f} req/s, p50 {figures['p50_ms']:.1f} ms, "
            f"{figures['ratio_to_ceiling']:.0%} of the ceiling around it (median of "
            + ", ".join(f"{r:.0%}" for r in ratios)
            + ")"
        )
        if figures["errors_status"] or figures["errors_socket"]:
            log(
                f"{name}: {figures['errors_status']} error responses, "
                f"{figures['errors_socket']} socket errors (see the gunicorn log)"
            )
    return scenarios, ceiling_rps


def rss_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def check_static(auth: Session) -> dict:
    """Phase 4: the page's static files are hashed, compressed (gzip, brotli) and immutable."""
    page = auth.send("GET", "/").body.decode()
    urls = sorted(set(re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page)))
    files = []
    for url in urls:
        entry = {"url": url, "hashed": bool(re.search(r"\.[0-9a-f]{12}\.(css|js)$", url))}
        for encoding in ("br", "gzip"):
            answer = auth.send("GET", url, headers={"Accept-Encoding": encoding})
            entry[encoding] = answer.header("Content-Encoding") == encoding
            entry["cache_control"] = answer.header("Cache-Control") or ""
        entry["immutable"] = "immutable" in entry["cache_control"]
        files.append(entry)
    ok = bool(files) and all(
        f["hashed"] and f["br"] and f["gzip"] and f["immutable"] for f in files
    )
    return {"ok": ok, "files": files}


DISTINCT_LISTS = 5_000


def distinct_lists(server: Gunicorn, auth: Session, count: int = DISTINCT_LISTS) -> dict:
    """`count` different board pages of the 100,000-task person (each URL its own page and list
    in the caches: a page and a list are cached per URL), then every worker's RSS: the caches
    are bounded by bytes, so memory must level off whatever the number of lists. Two threads,
    bounded in count and in time (DISTINCT_TIMEOUT seconds)."""
    sorts = ("newest", "due", "priority", "title")
    paths = [f"/?sort={sorts[i % 4]}&v={i}" for i in range(count)]
    deadline = time.monotonic() + DISTINCT_TIMEOUT
    done, failed = [0], [0]
    lock = threading.Lock()

    def fetch(part: list[str]) -> None:
        for path in part:
            if time.monotonic() > deadline:
                return
            status = auth.send("GET", path).status
            with lock:
                done[0] += 1
                failed[0] += status != 200

    started = time.monotonic()
    threads = [threading.Thread(target=fetch, args=(paths[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DISTINCT_TIMEOUT + 30)
    return {
        "requests": done[0],
        "failed": failed[0],
        "seconds": round(time.monotonic() - started, 1),
        "workers_rss_mb": [r for r in map(rss_mb, server.workers()) if r],
    }


DISTINCT_TIMEOUT = 300
