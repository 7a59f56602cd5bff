"""Load and faults on the production configuration: gunicorn (gunicorn.conf.py, 2 workers,
DEBUG off, behind a proxy) in front of a private PostgreSQL cluster that these tests may restart.

Figures are printed (run with -s) and, with RELIABILITY_REPORT=path, written there as JSON;
docs/reliability.md quotes them.
"""

import json
import os
import signal
import threading
import time
from collections import Counter

import pytest

from tests.reliability.harness import LOAD_SECONDS, ROW_ID, LoadRun, Session

pytestmark = pytest.mark.reliability

FIGURES: dict[str, dict] = {}


def record(name: str, figures: dict) -> None:
    FIGURES[name] = figures
    print(f"\n{name}: {json.dumps(figures, indent=2)}")
    path = os.environ.get("RELIABILITY_REPORT")
    if path:
        with open(path, "w") as out:
            json.dump(FIGURES, out, indent=2)


def summarize(outcomes) -> dict:
    statuses = Counter("no answer" if o.status is None else str(o.status) for o in outcomes)
    return {
        "requests": len(outcomes),
        "by_operation": dict(Counter(o.op for o in outcomes)),
        "statuses": dict(sorted(statuses.items())),
        "5xx": sum(1 for o in outcomes if o.status is not None and o.status >= 500),
        "no_answer": statuses.get("no answer", 0),
    }


class Probe:
    """A logged-in user loading the board every 100 ms, timestamping each answer."""

    def __init__(self, port: int, name: str):
        self.session = Session(port)
        self.session.signup(name)
        self.samples: list[tuple[float, int | None, bytes]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        for _ in range(3000):  # bounded: 300 s at most
            if self.stop.is_set():
                return
            try:
                response = self.session.send("GET", "/", timeout=10)
                self.samples.append((time.monotonic(), response.status, response.body))
            except OSError:
                self.samples.append((time.monotonic(), None, b""))
            time.sleep(0.1)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(timeout=30)


def test_it_serves_concurrent_users_with_no_errors_and_no_lost_writes(server, private_postgres):
    run = LoadRun(server.port, users=6, seconds=LOAD_SECONDS, prefix="load")
    run.signup_all()
    started = time.monotonic()
    run.start()
    run.join()
    elapsed = time.monotonic() - started
    outcomes = run.outcomes()
    figures = summarize(outcomes) | {"users": 6, "seconds": round(elapsed, 1)}
    figures["requests_per_second"] = round(len(outcomes) / elapsed, 1)
    latencies = sorted(o.ended - o.started for o in outcomes)
    figures["p95_ms"] = round(1000 * latencies[int(0.95 * (len(latencies) - 1))])

    assert figures["5xx"] == 0, [o.body[:200] for o in outcomes if o.status and o.status >= 500][:3]
    assert figures["no_answer"] == 0
    # One user edits each of their tasks from one thread: a conflict here would be a lost update.
    assert "409" not in figures["statuses"]
    with private_postgres.connect() as db:
        figures |= run.verify_database(db)
    assert figures["requests"] > 50
    record("load", figures)


def test_it_answers_503_during_a_database_restart_and_recovers_by_itself(server, private_postgres):
    workers_before = sorted(server.workers())
    run = LoadRun(server.port, users=4, seconds=LOAD_SECONDS + 2, prefix="restart")
    run.signup_all()
    with Probe(server.port, "restart-probe") as probe:
        run.start()
        time.sleep(max(4.0, LOAD_SECONDS / 3))
        down_at = time.monotonic()
        private_postgres.stop("immediate")  # a crash, not a polite shutdown: WAL must hold
        stopped_at = time.monotonic()
        time.sleep(3)
        private_postgres.start()
        up_at = time.monotonic()
        # Keep watching (bounded) until the probe has seen the board again, then 3 s more.
        for _ in range(150):
            if any(t > up_at and status == 200 for t, status, _ in probe.samples):
                break
            time.sleep(0.1)
        time.sleep(3)
        run.join()
    outcomes = run.outcomes()

    failures = [o for o in outcomes if o.status is None or o.status >= 500]
    assert all(o.status == 503 for o in failures), Counter(o.status for o in failures)
    for outcome in failures:
        assert b"Temporarily unavailable" in outcome.body
        assert b"Traceback" not in outcome.body
        # Only requests that overlapped the outage failed.
        assert outcome.ended >= down_at and outcome.started <= up_at + 5
    probe_503 = [s for s in probe.samples if s[1] == 503]
    assert probe_503, "the probe never saw the outage"
    assert all(b"Temporarily unavailable" in s[2] and b"Traceback" not in s[2] for s in probe_503)
    recovered_at = min(t for t, status, _ in probe.samples if status == 200 and t > up_at)
    recovery = recovered_at - up_at
    assert recovery <= 5, f"recovered {recovery:.1f} s after PostgreSQL came back"
    after = [s for s in probe.samples if s[0] > recovered_at]
    assert after and all(status == 200 for _, status, _ in after)
    # Recovered by itself: the same gunicorn workers, nobody restarted anything.
    assert sorted(server.workers()) == workers_before

    with private_postgres.connect() as db:
        ledger = run.verify_database(db)
    record(
        "database_restart",
        summarize(outcomes)
        | ledger
        | {
            "outage_seconds": round(up_at - down_at, 2),
            "stop_took_seconds": round(stopped_at - down_at, 2),
            "recovery_seconds_after_postgres_up": round(recovery, 2),
            "requests_answered_503": len(failures),
            "probe_503": len(probe_503),
        },
    )


def test_it_loses_only_the_killed_workers_requests_and_none_on_reload(server, private_postgres):
    # Fixed length: the kill and the reload are events, a longer run adds nothing to them.
    run = LoadRun(server.port, users=6, seconds=12, prefix="kill")
    run.signup_all()
    run.start()
    time.sleep(3)
    victim = server.workers()[0]
    killed_at = time.monotonic()
    os.kill(victim, signal.SIGKILL)
    time.sleep(4)
    hup_at = time.monotonic()
    server.signal(signal.SIGHUP)
    run.join()
    outcomes = run.outcomes()

    failed = [o for o in outcomes if o.status is None or o.status >= 500]
    # Every failure was a request already in flight when the worker died: that worker was
    # serving (or had queued) it. Nothing sent after the kill, nor around the reload, failed.
    in_flight = [o for o in failed if o.started <= killed_at <= o.ended + 0.05]
    assert failed == in_flight, [(o.op, o.status, o.error, o.started - killed_at) for o in failed]
    assert all(o.status is None for o in failed)  # the connection dropped; no error page sent
    assert not [
        o for o in outcomes if o.started >= hup_at - 0.5 and (o.status is None or o.status >= 500)
    ]
    assert len(server.workers()) == 2  # replaced after the kill, and again after the reload
    served_after_hup = [o for o in outcomes if o.started > hup_at and o.status and o.status < 400]
    assert served_after_hup

    with private_postgres.connect() as db:
        ledger = run.verify_database(db)
    record(
        "worker_kill_and_reload",
        summarize(outcomes)
        | ledger
        | {
            "failed_requests": len(failed),
            "failed_in_flight_at_kill": len(in_flight),
            "requests_after_reload": len([o for o in outcomes if o.started > hup_at]),
            "failed_after_reload": 0,
        },
    )


def test_it_lets_exactly_one_of_two_concurrent_edits_win(server, private_postgres):
    rounds = 15
    alice = Session(server.port)
    alice.signup(f"conflict-{time.monotonic_ns()}")
    other_tab = Session(server.port)
    other_tab.cookies = dict(alice.cookies)  # the same person in two tabs
    created = alice.send("POST", "/task/new/", {"title": "Shared"}, htmx=True)
    pk = int(ROW_ID.search(created.body)[1])

    wins = Counter()
    for version in range(1, rounds + 1):
        barrier = threading.Barrier(2, timeout=10)
        results = {}

        def save(session, name, version=version, barrier=barrier, results=results):
            data = {
                "title": f"{name} v{version}",
                "priority": "low",
                "status": "pending",
                "version": version,
            }
            barrier.wait()
            results[name] = session.send("POST", f"/task/{pk}/edit/", data, htmx=True)

        threads = [
            threading.Thread(target=save, args=(s, n)) for s, n in ((alice, "A"), (other_tab, "B"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        statuses = sorted(r.status for r in results.values())
        assert statuses == [200, 409], statuses
        winner = next(n for n, r in results.items() if r.status == 200)
        loser = results["B" if winner == "A" else "A"]
        assert b"changed elsewhere" in loser.body
        wins[winner] += 1
        with private_postgres.connect() as db:
            title, saved_version = db.execute(
                "SELECT title, version FROM tasks_task WHERE id = %s", [pk]
            ).fetchone()
        # The winner's text is what was saved; the loser overwrote nothing.
        assert (title, saved_version) == (f"{winner} v{version}", version + 1)
    record(
        "concurrent_edits",
        {"rounds": rounds, "wins": dict(wins), "conflicts_409": rounds, "silent_overwrites": 0},
    )
