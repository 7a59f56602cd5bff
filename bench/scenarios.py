"""What bench/run measures: the users, their data, and the requests of each scenario."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DEFAULT_DATABASE_URL = "postgres://taskmanager:taskmanager@127.0.0.1:5432/tm_bench"
USERS = {"bench10k": 10_000, "bench100k": 100_000}
PASSWORD = "bench-only-password-7f3a9c"
BIG = "bench100k"
SMALL = "bench10k"
SEARCH_PREFIXES = ("rep", "repo", "report")
# A typo while typing "report": no task matches, the worst case for an ORDER BY ... LIMIT plan.
SEARCH_NO_MATCH = "reprot"
# A different typo each request ("{n}": the wrk script's per-thread counter, letters only), so
# no cache answers it: the list cache keys on the URL.
SEARCH_TYPO = "reprot{n}"
DEEP_PAGE = 200
# Load bursts per scenario, each between two ceiling runs (see main()).
ROUNDS = 5
CREATE_PREFIX = "Bench create "
# Tasks of each user kept in the trash (on top of their live tasks): more than the Trash page
# shows (TASKS_PAGE_SIZE * 4), spread over the user's ids, deleted within the purge window.
TRASHED = {BIG: 3_000, SMALL: 300}

KANBAN = "/?layout=board"

# name -> (user, method, paths, htmx, body)
SCENARIOS = {
    "ceiling": (BIG, "GET", ["/bench/ceiling"], False, None),
    "board": (BIG, "GET", ["/"], False, None),
    "fragment_filter": (BIG, "GET", ["/?status=pending&priority=high"], True, None),
    "search_typing": (BIG, "GET", [f"/?q={p}" for p in SEARCH_PREFIXES], True, None),
    "search_no_match": (BIG, "GET", [f"/?q={SEARCH_NO_MATCH}"], True, None),
    "search_typo": (BIG, "GET", [f"/?q={SEARCH_TYPO}"], True, None),
    "page_1": (BIG, "GET", ["/"], True, None),
    "page_200": (BIG, "GET", ["/?after={cursor}"], True, None),
    "create": (
        BIG,
        "POST",
        ["/task/new/"],
        True,
        "title=" + CREATE_PREFIX.replace(" ", "+") + "{n}",
    ),
    "edit_save": (
        BIG,
        "POST",
        ["/task/{task}/edit/"],
        True,
        "title=Bench+edit+{n}&priority=medium&status=pending&due_date=&version={version}",
    ),
    "toggle": (BIG, "POST", ["/task/{task}/toggle/"], True, ""),
    "trash": (BIG, "GET", ["/trash/"], False, None),
    "board_10k": (SMALL, "GET", ["/"], False, None),
    "fragment_filter_10k": (SMALL, "GET", ["/?status=pending&priority=high"], True, None),
    "trash_10k": (SMALL, "GET", ["/trash/"], False, None),
    # The kanban layout (issue 15): three columns of 50 cards, counts, tags; moves are timed
    # in-process (InProcess.timed_moves), not under wrk (a move needs two live task ids).
    "board_kanban": (BIG, "GET", [KANBAN], False, None),
    "board_kanban_10k": (SMALL, "GET", [KANBAN], False, None),
}


def scenario_paths(paths: list[str], cursor: str) -> list[str]:
    paths = [p.replace("{cursor}", cursor) for p in paths]
    for key, value in PLACEHOLDERS.items():
        paths = [p.replace("{" + key + "}", value) for p in paths]
    return paths


# Issue 12: each bench user's tasks spread over 50 projects and 200 tags (up to 5 per task), and
# the views that read them. `{project_<user>}` is that user's first seeded project, looked up
# once the data is there (InProcess.placeholders fills PLACEHOLDERS).
SEED_ORGANIZE = ["--projects", "50", "--tags", "200", "--max-tags", "5"]
SEED_PROJECT = "Project 01"
SEED_TAG = "home"
PLACEHOLDERS: dict[str, str] = {}
SCENARIOS |= {
    "project": (BIG, "GET", ["/projects/{project_bench100k}/"], False, None),
    "tag_filter": (BIG, "GET", [f"/?q=%23{SEED_TAG}"], False, None),
    "today": (BIG, "GET", ["/today/"], False, None),
    "upcoming": (BIG, "GET", ["/upcoming/"], False, None),
    "project_10k": (SMALL, "GET", ["/projects/{project_bench10k}/"], False, None),
    "tag_filter_10k": (SMALL, "GET", [f"/?q=%23{SEED_TAG}"], False, None),
    "today_10k": (SMALL, "GET", ["/today/"], False, None),
    "upcoming_10k": (SMALL, "GET", ["/upcoming/"], False, None),
}


# Bulk actions (bench/bulk.py, a printer of its own: a write that changes 1,000 tasks cannot be
# repeated under wrk). name -> (tasks matching the view, the POST's body). The view matches
# exactly the bench user's tasks, so the server time is the batch's, not the filter's.
BULK_USER = "benchbulk"
BULK_TASKS = 1_000
BULK_SCENARIOS = {
    "bulk_complete_1000": (BULK_TASKS, "action=complete&scope=matching&view="),
    "bulk_complete_10": (10, "action=complete&scope=matching&view="),
}
BULK_TARGET_MS = 500
