"""Quick add: our small grammar (src/tasks/quickadd.py) against dateparser's search_dates.

Prints, for each, the parse time of a 100-character input (median and p95 over many runs) and how
much a worker's memory (RSS) grows by importing it and parsing once. Each is measured in a fresh
interpreter so one cannot warm the other. dateparser is not a dependency: point DATEPARSER_PYTHON
at an interpreter that has it (a throwaway venv) to measure it too.

    .venv/bin/python bench/quickadd.py
    DATEPARSER_PYTHON=/tmp/dp/bin/python .venv/bin/python bench/quickadd.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 2000
# 100 characters, with a date, a priority, a tag and a project among ordinary words.
TEXT = (
    "Pay the rent and the water bill before the landlord calls again, "
    "tomorrow !high #home +Finance soon!"
)
assert len(TEXT) == 100, len(TEXT)
# 100 characters with the words issue 22 added: a weekday of next week, a time, a repeat that
# ends, a p-priority (ours only: dateparser is measured on TEXT).
TEXT_WORDS = (
    "Call mom about the water bill, next friday at 5pm every other week "
    "until jan 31 p1 #home +Finance ok"
)
assert len(TEXT_WORDS) == 100, len(TEXT_WORDS)

MEASURE = r"""
import json, os, statistics, sys, time, datetime as dt

def rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])

TEXT, RUNS, which = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if which == "ours":
    sys.path[:0] = [sys.argv[4]]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taskmanager.settings")
    os.environ.setdefault("DEBUG", "1")
    import django
    django.setup()  # a worker has Django loaded already: count only what quick add adds
    before = rss_kib()
    from tasks.quickadd import parse
    today = dt.date(2026, 11, 30)
    run = lambda: parse(TEXT, today=today, projects=["Finance", "Home"], tags=["home"])
else:
    before = rss_kib()
    from dateparser.search import search_dates
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": dt.datetime(2026, 11, 30)}
    run = lambda: search_dates(TEXT, languages=["en"], settings=settings)
result = run()
after = rss_kib()
times = []
for _ in range(RUNS):
    start = time.perf_counter()
    run()
    times.append((time.perf_counter() - start) * 1000)
times.sort()
print(json.dumps({
    "median_ms": statistics.median(times),
    "p95_ms": times[int(len(times) * 0.95) - 1],
    "rss_mib": (after - before) / 1024,
    "found": repr(getattr(result, "tokens", result))[:160],
}))
"""


def measure(python: str, which: str, runs: int, text: str = TEXT) -> dict:
    args = [python, "-c", MEASURE, text, str(runs), which, str(ROOT / "src")]
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=ROOT)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout)


def main() -> None:
    print(f"input ({len(TEXT)} chars): {TEXT!r}")
    rows = [("ours (regex table + dateutil)", measure(sys.executable, "ours", RUNS))]
    rows.append(
        (
            f"ours on {TEXT_WORDS!r}",
            measure(sys.executable, "ours", RUNS, TEXT_WORDS),
        )
    )
    dp_python = os.environ.get("DATEPARSER_PYTHON")
    if dp_python:
        # dateparser is ~100x slower: fewer runs keep the bench short, p95 is still stable.
        rows.append(("dateparser.search_dates", measure(dp_python, "dateparser", RUNS // 10)))
    else:
        print("dateparser: set DATEPARSER_PYTHON to an interpreter that has it to measure it")
    for name, row in rows:
        if "error" in row:
            print(f"{name}: failed: {row['error']}")
            continue
        print(
            f"{name}: parse median {row['median_ms']:.3f} ms, p95 {row['p95_ms']:.3f} ms; "
            f"RSS +{row['rss_mib']:.1f} MiB after import and one parse"
        )
        print(f"    found: {row['found']}")


if __name__ == "__main__":
    main()
