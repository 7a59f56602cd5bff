"""Phase 5: the figures against the targets (one table of checks), as text and as Markdown."""

from __future__ import annotations

from collections.abc import Callable

from bench.scenarios import SEARCH_NO_MATCH


def burst_range(scenario: dict) -> str:
    """` (39-63%)`: the lowest and highest of a scenario's burst ratios, when it has several."""
    ratios = scenario.get("ratios_to_ceiling") or []
    return f" ({min(ratios):.0%}-{max(ratios):.0%})" if len(ratios) > 1 else ""


# Each check takes the results and answers (value, met, detail).
Check = Callable[[dict], tuple[object, bool, str]]


def _cached(figures: dict) -> str:
    """ ", 4 with the list cached": the same request once its list is in the cache."""
    cached = figures.get("queries_cached")
    return "" if cached is None or cached == figures["queries"] else f" ({cached} cached)"


def _queries(scenario: str, cap: int = 4) -> Check:
    def check(results):
        sc = results["scenarios"]
        big, small = sc[scenario]["queries"], sc[f"{scenario}_10k"]["queries"]
        detail = f"100k: {big}{_cached(sc[scenario])}, 10k: {small}{_cached(sc[f'{scenario}_10k'])}"
        return big, big <= cap and big == small, detail

    return check


def _same_queries(scenario: str) -> Check:
    """Only "constant in the number of tasks" (docs/performance.md's first target): the cap of 4
    is the board's and the list fragment's, not every page's."""

    def check(results):
        sc = results["scenarios"]
        big, small = sc[scenario]["queries"], sc[f"{scenario}_10k"]["queries"]
        return big, big == small, f"100k: {big}, 10k: {small}"

    return check


def _vs_ceiling(scenario: str, minimum: float) -> Check:
    def check(results):
        figures = results["scenarios"][scenario]
        side = results["server_side"]
        ratio = figures["ratio_to_ceiling"]
        cpu = side["ceiling_ms"]["cpu_p50"] / side[f"{scenario}_ms"]["cpu_p50"]
        return (
            round(ratio, 3),
            ratio >= minimum,
            f"{ratio:.0%} of ceiling under load{burst_range(figures)}; "
            f"{cpu:.0%} by CPU time per request",
        )

    return check


def _search_p95(results):
    side = results["server_side"]
    # Cold: typing brings up rows nobody has seen since they changed, so none are cached.
    search = side.get("search_cold_ms", side["search_ms"])
    search_sql = results["explain"]["search"]["execution_ms"]
    p95 = search["best_batch_p95"]
    return (
        round(p95, 1),
        p95 < 50,
        f"p95 {p95:.1f} ms, rows not cached (best of 3 batches; all {search['n']}: "
        f"{search['p95']:.1f} ms; CPU p95 {search['cpu_p95']:.1f} ms + SQL {search_sql:.1f} ms)",
    )


def _search_no_match_p95(results):
    miss = results["server_side"]["search_no_match_ms"]
    return (
        round(miss["p95"], 1),
        miss["p95"] < 50,
        f"'{SEARCH_NO_MATCH}': p95 {miss['p95']:.1f} ms over {miss['n']} requests; "
        f"SQL {results['explain']['search_no_match']['execution_ms']:.1f} ms",
    )


def _search_typo_p95(results):
    typo = results["server_side"]["search_typo_ms"]
    return (
        round(typo["p95"], 1),
        typo["p95"] < 50,
        f"a different typo each request, nothing cached: p95 {typo['p95']:.1f} ms over "
        f"{typo['n']} requests (best batch {typo['best_batch_p95']:.1f} ms); SQL "
        f"{results['explain']['search_typo']['execution_ms']:.1f} ms",
    )


def _deep_page(results):
    side, sc = results["server_side"], results["scenarios"]
    ratio = side["page_200_ms"]["p50"] / side["page_1_ms"]["p50"]
    cpu_ratio = side["page_200_ms"]["cpu_p50"] / side["page_1_ms"]["cpu_p50"]
    return (
        round(ratio, 2),
        ratio <= 1.5,
        f"server p50 page 200 / page 1 = {ratio:.2f}; CPU {cpu_ratio:.2f}; under load (wrk p50) = "
        f"{sc['page_200']['p50_ms'] / sc['page_1']['p50_ms']:.2f}",
    )


def _fragment_bytes(results):
    sc = results["scenarios"]
    ratio = sc["fragment_filter"]["bytes"] / sc["board"]["bytes"]
    row_ratio = sc["toggle"]["bytes"] / sc["board"]["bytes"]
    return (
        round(ratio, 3),
        ratio <= 0.2,
        f"list fragment {ratio:.0%} of the page; a row answer (toggle) {row_ratio:.1%}",
    )


def _static_files(results):
    static = results["static"]
    return static["ok"], static["ok"], f"{len(static['files'])} files checked"


def _worker_rss(results):
    worst = max(results["workers_rss_mb"], default=0)
    return (
        round(worst, 1),
        0 < worst < 120,
        f"max {worst:.1f} MB of {len(results['workers_rss_mb'])} workers",
    )


def _lists_rss(results):
    lists = results.get("distinct_lists") or {}
    worst = max(lists.get("workers_rss_mb") or [], default=0)
    ok = 0 < worst < 150 and lists.get("requests") == 5_000 and not lists.get("failed")
    return (
        round(worst, 1),
        ok,
        f"max {worst:.1f} MB after {lists.get('requests', 0):,} different lists "
        f"({lists.get('failed', 0)} failed, {lists.get('seconds', 0)} s)",
    )


def _no_seq_scan(results):
    seq = [name for name, e in results["explain"].items() if e["seq_scan"]]
    return not seq, not seq, "Seq Scan in: " + ", ".join(seq) if seq else "index scans only"


def _kanban_move_p95(results):
    side = results["server_side"]
    moves = {"within a column": side["kanban_move_ms"]}
    if "kanban_move_across_ms" in side:  # runs before 2026-12-01 timed reorders only
        moves["to another column"] = side["kanban_move_across_ms"]
    worst = max(move["p95"] for move in moves.values())
    return (
        round(worst, 1),
        worst < 20,
        "; ".join(
            f"{name}: p95 {move['p95']:.1f} ms, p50 {move['p50']:.1f} ms over {move['n']} moves "
            f"(best batch p95 {move['best_batch_p95']:.1f} ms; CPU p50 {move['cpu_p50']:.1f}, "
            f"p95 {move['cpu_p95']:.1f} ms)"
            for name, move in moves.items()
        ),
    )


# target -> (goal, check), in the order the report lists them.
TARGETS: dict[str, tuple[str, Check]] = {
    # Five: session, user, the person's projects (with counts and versions), tags and saved
    # views, the list.
    "queries_board": (
        "board <= 5 queries, same at 10k and 100k",
        _queries("board", cap=5),
    ),
    "queries_fragment": (
        "fragment <= 4 queries, same at 10k and 100k",
        _queries("fragment_filter"),
    ),
    "queries_trash": ("trash page: same queries at 10k and 100k", _same_queries("trash")),
    "fragment_vs_ceiling": (
        "htmx list fragment >= 50% of ceiling rps",
        _vs_ceiling("fragment_filter", 0.5),
    ),
    "board_vs_ceiling": ("full board >= 35% of ceiling rps", _vs_ceiling("board", 0.35)),
    "search_p95": (
        "search p95 < 50 ms server-side, concurrency 1, 100k tasks, no row cached",
        _search_p95,
    ),
    "search_no_match_p95": (
        "the same for a prefix nothing matches (a typo)",
        _search_no_match_p95,
    ),
    "search_typo_p95": (
        "the same for a new typo each request, uncached",
        _search_typo_p95,
    ),
    "deep_page": ("page 200 <= 1.5x page 1", _deep_page),
    "fragment_bytes": ("list fragment <= 1/5 of the full page bytes", _fragment_bytes),
    "static_files": ("static files hashed, gzip, brotli, immutable", _static_files),
    "worker_rss": ("each gunicorn worker < 120 MB RSS after the load", _worker_rss),
    "lists_rss": ("each worker < 150 MB RSS after 5,000 different lists", _lists_rss),
    "no_seq_scan": ("no Seq Scan on tasks_task in the EXPLAINs", _no_seq_scan),
    "queries_board_kanban": (
        "kanban board <= 5 queries, same at 10k and 100k",
        _queries("board_kanban", cap=5),
    ),
    "kanban_move_p95": (
        "kanban move < 20 ms server time at p95 (PostgreSQL, 100k tasks)",
        _kanban_move_p95,
    ),
}


def _queries_at_most(scenario: str, most: int) -> Check:
    def check(results):
        sc = results["scenarios"]
        big, small = sc[scenario]["queries"], sc[f"{scenario}_10k"]["queries"]
        return big, big <= most and big == small, f"100k: {big}, 10k: {small}"

    return check


# Issue 12: the organized views, on 50 projects and 200 tags (up to 5 per task).
for _name, _label in [
    ("project", "a project"),
    ("tag_filter", "a tag filter (#home)"),
    ("today", "Today"),
    ("upcoming", "Upcoming"),
]:
    TARGETS[f"queries_{_name}"] = (
        f"{_label}: <= 5 queries, same at 10k and 100k",
        _queries_at_most(_name, 5),
    )


def evaluate(results: dict) -> list[dict]:
    rows = []
    for key, (goal, check) in TARGETS.items():
        value, met, detail = check(results)
        rows.append(
            {"target": key, "goal": goal, "value": value, "met": bool(met), "detail": detail}
        )
    return rows


def print_report(results: dict) -> None:
    sc = results["scenarios"]
    print()
    print(
        f"{'scenario':<20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'queries':>7} {'bytes':>7} {'gzip':>6} {'ceiling':>7} {'409':>5} {'errors':>6}"
    )
    for name, s in sc.items():
        print(
            f"{name:<20} {s['rps']:>8.1f} {s['p50_ms']:>8.1f} {s['p95_ms']:>8.1f} "
            f"{s['p99_ms']:>8.1f} {s['queries']:>7} {s['bytes']:>7} {s['bytes_gzip']:>6} "
            f"{s['ratio_to_ceiling']:>7.0%} {s['conflicts']:>5} "
            f"{s['errors_status'] + s['errors_socket']:>6}"
        )
    side = results["server_side"]
    print()
    print("server-side, in-process, concurrency 1 (ms):")
    for key in side:
        v = side[key]
        print(
            f"  {key:<18} p50 {v['p50']:6.1f}  p95 {v['p95']:6.1f}  p99 {v['p99']:6.1f}"
            f"  best-batch p95 {v['best_batch_p95']:6.1f}  CPU p50 {v['cpu_p50']:5.1f}"
            f"  p95 {v['cpu_p95']:5.1f}  (n={v['n']})"
        )
    if "yardstick_ms" in results:
        before, after = results["yardstick_ms"]
        print(
            f"  (a fixed Python loop took {before:.1f} ms of CPU before these, {after:.1f} ms "
            "after: 17-18 ms on a quiet minute of these machines; the figures scale with it)"
        )
    print()
    print(
        "EXPLAIN (bench/explain/*.txt): "
        + ", ".join(
            f"{k} {v['execution_ms']:.1f} ms{' SEQ SCAN' if v['seq_scan'] else ''}"
            for k, v in results["explain"].items()
        )
    )
    print("worker RSS after load (MB): " + ", ".join(f"{m:.1f}" for m in results["workers_rss_mb"]))
    print()
    for row in results["targets"]:
        print(f"  [{'met ' if row['met'] else 'MISS'}] {row['goal']}: {row['detail']}")


def markdown(results: dict) -> str:
    """The figures of a results file as Markdown tables, for docs/performance.md."""
    m = results["machine"]
    lines = [
        f"Run {results['started']}: {m['nproc']} CPUs ({m['cpu']}), {m['memory_mb']:,} MB, "
        f"load average {m['loadavg_start'][0]:.1f} at the start and "
        f"{m['loadavg_end'][0]:.1f} at the end; gunicorn {results['gunicorn']['config']}, "
        f"{results['gunicorn']['workers']} workers; {results['duration_s']:.0f} s in all.",
        "",
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | queries | bytes | gzip "
        "| vs ceiling (bursts) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in results["scenarios"].items():
        extra = f" ({s['conflicts']} conflicts, 409)" if s["conflicts"] else ""
        lines.append(
            f"| {name}{extra} | {s['rps']:.1f} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | "
            f"{s['p99_ms']:.1f} | {s['queries']}{_cached(s)} | {s['bytes']:,} | "
            f"{s['bytes_gzip']:,} | "
            f"{s['ratio_to_ceiling']:.0%}{burst_range(s)} |"
        )
    lines += [
        "",
        "| in-process, concurrency 1 | wall p50 | wall p95 | best-batch p95 | CPU p50 | CPU p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, v in results["server_side"].items():
        lines.append(
            f"| {name.removesuffix('_ms')} | {v['p50']:.1f} | {v['p95']:.1f} | "
            f"{v['best_batch_p95']:.1f} | {v['cpu_p50']:.1f} | {v['cpu_p95']:.1f} |"
        )
    if "yardstick_ms" in results:
        before, after = results["yardstick_ms"]
        lines += [
            "",
            f"A fixed Python loop (`bench.inprocess.cpu_yardstick`) took {before:.1f} ms of CPU "
            f"before these and {after:.1f} ms after (17-18 ms in a quiet minute of these "
            "machines).",
        ]
    lines += ["", "| target | met | figure |", "| --- | --- | --- |"]
    for row in results["targets"]:
        lines.append(f"| {row['goal']} | {'yes' if row['met'] else '**no**'} | {row['detail']} |")
    return "\n".join(lines)
