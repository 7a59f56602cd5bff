"""bench/: how a scenario's bursts become one figure (no server, no database)."""

from bench.load import combine_bursts
from bench.report import burst_range


def burst(requests, seconds, p50, p95, p99, max_ms, conflicts=0):
    return {
        "requests": requests,
        "seconds": seconds,
        "rps": requests / seconds,
        "bytes": requests * 100,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "max_ms": max_ms,
        "ok": requests - conflicts,
        "conflicts": conflicts,
        "errors_status": 0,
        "errors_socket": 0,
    }


def test_bursts_add_up_to_totals_and_a_rate_over_the_whole_time():
    combined = combine_bursts(
        [
            burst(600, 2.0, 10.0, 20.0, 30.0, 40.0, conflicts=1),
            burst(200, 2.0, 12.0, 50.0, 90.0, 99.0),
        ]
    )

    assert combined["requests"] == 800
    assert combined["seconds"] == 4.0
    assert combined["rps"] == 200.0  # 800 requests in 4 s, not the mean of 300 and 100 req/s
    assert combined["bytes"] == 80_000
    assert combined["conflicts"] == 1
    assert combined["ok"] == 799
    assert combined["max_ms"] == 99.0


def test_latency_percentiles_are_the_median_of_the_bursts():
    combined = combine_bursts(
        [
            burst(100, 2.0, 10.0, 20.0, 30.0, 31.0),
            burst(100, 2.0, 11.0, 90.0, 95.0, 96.0),  # a burst another job disturbed
            burst(100, 2.0, 12.0, 22.0, 33.0, 34.0),
        ]
    )

    assert (combined["p50_ms"], combined["p95_ms"], combined["p99_ms"]) == (11.0, 22.0, 33.0)


def test_the_burst_range_shows_the_spread_of_the_ratios():
    assert burst_range({"ratios_to_ceiling": [0.41, 0.39, 0.59]}) == " (39%-59%)"
    assert burst_range({"ratios_to_ceiling": [0.41]}) == ""
    assert burst_range({}) == ""  # results written before bursts existed
