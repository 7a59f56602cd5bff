"""bench/report.py: the targets a run's figures are checked against (no server, no database)."""

import pytest

from bench.report import TARGETS, evaluate, markdown
from bench.scenarios import SCENARIOS


def timing(p50=10.0, p95=20.0, cpu=5.0):
    return {"n": 40, "p50": p50, "p95": p95, "p99": p95, "best_batch_p95": p95} | {
        "cpu_p50": cpu,
        "cpu_p95": cpu,
    }


@pytest.fixture
def results():
    """A run that meets every target."""
    scenario = {
        "rps": 100.0,
        "p50_ms": 10.0,
        "p95_ms": 20.0,
        "p99_ms": 30.0,
        "queries": 3,
        "bytes": 1_000,
        "bytes_gzip": 300,
        "ratio_to_ceiling": 0.6,
        "ratios_to_ceiling": [0.6, 0.6],
        "conflicts": 0,
    }
    scenarios = {name: dict(scenario) for name in SCENARIOS}
    scenarios["board"] |= {"bytes": 20_000}
    side = {
        name: timing()
        for name in (
            "search_ms",
            "search_cold_ms",
            "search_no_match_ms",
            "search_typo_ms",
            "page_1_ms",
            "page_200_ms",
            "board_ms",
            "fragment_filter_ms",
            "ceiling_ms",
            "board_kanban_ms",
        )
    }
    side["kanban_move_ms"] = timing(p50=4.0, p95=8.0)
    side["kanban_move_across_ms"] = timing(p50=5.0, p95=9.0)
    plans = ("board", "filter", "search", "search_no_match", "search_typo", "deep_page")
    return {
        "scenarios": scenarios,
        "server_side": side,
        "explain": {name: {"seq_scan": False, "execution_ms": 1.0} for name in plans},
        "static": {"ok": True, "files": [{}, {}]},
        "workers_rss_mb": [80.0, 90.0],
        "distinct_lists": {
            "requests": 5_000,
            "failed": 0,
            "seconds": 60.0,
            "workers_rss_mb": [100.0, 120.0],
        },
    }


def test_it_checks_every_target_once_in_the_tables_order(results):
    rows = evaluate(results)

    assert [row["target"] for row in rows] == list(TARGETS)
    assert all(row["met"] for row in rows), [r for r in rows if not r["met"]]


def test_a_seq_scan_misses_its_target_and_names_the_plan(results):
    results["explain"]["filter"]["seq_scan"] = True

    row = {r["target"]: r for r in evaluate(results)}["no_seq_scan"]

    assert not row["met"]
    assert row["detail"] == "Seq Scan in: filter"


def test_the_query_count_must_not_grow_with_the_number_of_tasks(results):
    results["scenarios"]["board"]["queries"] = 4
    results["scenarios"]["board_10k"]["queries"] = 3

    row = {r["target"]: r for r in evaluate(results)}["queries_board"]

    assert not row["met"]
    assert row["detail"] == "100k: 4, 10k: 3"


@pytest.mark.parametrize(
    ("target", "change"),
    [
        (
            "fragment_vs_ceiling",
            lambda r: r["scenarios"]["fragment_filter"].update(ratio_to_ceiling=0.49),
        ),
        ("board_vs_ceiling", lambda r: r["scenarios"]["board"].update(ratio_to_ceiling=0.34)),
        ("search_p95", lambda r: r["server_side"]["search_cold_ms"].update(best_batch_p95=50.0)),
        ("search_typo_p95", lambda r: r["server_side"]["search_typo_ms"].update(p95=50.0)),
        ("deep_page", lambda r: r["server_side"]["page_200_ms"].update(p50=15.1)),
        ("kanban_move_p95", lambda r: r["server_side"]["kanban_move_ms"].update(p95=20.0)),
        (
            "kanban_move_p95",
            lambda r: r["server_side"]["kanban_move_across_ms"].update(p95=20.0),
        ),
        ("queries_board_kanban", lambda r: r["scenarios"]["board_kanban"].update(queries=6)),
        ("worker_rss", lambda r: r.update(workers_rss_mb=[80.0, 120.0])),
        ("lists_rss", lambda r: r["distinct_lists"].update(workers_rss_mb=[80.0, 150.0])),
        ("lists_rss", lambda r: r["distinct_lists"].update(requests=4_999)),
        ("lists_rss", lambda r: r["distinct_lists"].update(failed=1)),
        ("queries_trash", lambda r: r["scenarios"]["trash_10k"].update(queries=4)),
    ],
)
def test_each_threshold_is_a_limit_not_a_hope(results, target, change):
    change(results)

    assert not {r["target"]: r for r in evaluate(results)}[target]["met"]


def test_the_markdown_lists_every_target(results):
    results |= {
        "machine": {"nproc": 2, "cpu": "x", "memory_mb": 4096},
        "started": "2026-11-30T12:00:00Z",
        "duration_s": 300.0,
        "gunicorn": {"config": "gunicorn.conf.py", "workers": 2},
    }
    results["machine"] |= {"loadavg_start": (1.0, 1.0, 1.0), "loadavg_end": (2.0, 1.0, 1.0)}
    results["targets"] = evaluate(results)

    text = markdown(results)

    for goal, _check in TARGETS.values():
        assert f"| {goal} | yes |" in text


def test_the_report_says_how_fast_the_machine_ran_python_around_the_timings(results, capsys):
    from bench.report import print_report

    results |= {
        "machine": {"nproc": 2, "cpu": "x", "memory_mb": 4096},
        "started": "2026-12-01T03:00:00Z",
        "duration_s": 300.0,
        "gunicorn": {"config": "gunicorn.conf.py", "workers": 2},
        "yardstick_ms": [17.6, 31.9],
    }
    results["machine"] |= {"loadavg_start": (1.0, 1.0, 1.0), "loadavg_end": (2.0, 1.0, 1.0)}
    for scenario in results["scenarios"].values():
        scenario |= {"errors_status": 0, "errors_socket": 0}
    results["targets"] = evaluate(results)

    print_report(results)

    assert "took 17.6 ms of CPU before these, 31.9 ms after" in capsys.readouterr().out
    assert "took 17.6 ms of CPU before these and 31.9 ms after" in markdown(results)
