"""Two writes to one task at the same moment, through gunicorn on PostgreSQL: both land (the
version moves by two and both effects show) or the edit opened on the old version gets a 409.
Never two 200s with one effect lost, which a read-flip-save toggle produced in 10 to 33 of 40
rounds.
"""

import time

import pytest

from tests.concurrency import at_once
from tests.reliability.harness import ROW_ID, Session

pytestmark = pytest.mark.reliability

ROUNDS = 40


def same_person_in_two_tabs(port: int) -> tuple[Session, Session, int]:
    tab = Session(port)
    tab.signup(f"race-{time.monotonic_ns()}")
    other_tab = Session(port)
    other_tab.cookies = dict(tab.cookies)
    created = tab.send("POST", "/task/new/", {"title": "Contested"}, htmx=True)
    return tab, other_tab, int(ROW_ID.search(created.body)[1])


def stored(private_postgres, pk: int) -> tuple[str, str, int]:
    with private_postgres.connect() as db:
        return db.execute(
            "SELECT title, status, version FROM tasks_task WHERE id = %s", [pk]
        ).fetchone()


def flipped(status: str) -> str:
    return "pending" if status == "completed" else "completed"


def test_an_edit_racing_a_toggle_never_loses_either(server, private_postgres):
    tab, other_tab, pk = same_person_in_two_tabs(server.port)
    outcomes = {"both_landed": 0, "edit_conflicted": 0}
    for round_ in range(ROUNDS):
        _, status_before, version = stored(private_postgres, pk)
        edit = {"title": f"Edit {round_}", "priority": "low", "status": "in_progress"}
        edit["version"] = version
        edited, toggled = at_once(
            lambda edit=edit: tab.send("POST", f"/task/{pk}/edit/", edit, True),
            lambda: other_tab.send("POST", f"/task/{pk}/toggle/", {}, True),
        )
        title, status, new_version = stored(private_postgres, pk)
        assert toggled.status == 200, toggled.body[:300]
        if edited.status == 200:
            # The edit committed first and the toggle flipped the edited row.
            assert (title, status, new_version) == (f"Edit {round_}", "completed", version + 2)
            outcomes["both_landed"] += 1
        else:
            assert edited.status == 409, edited.body[:300]
            assert (status, new_version) == (flipped(status_before), version + 1)
            outcomes["edit_conflicted"] += 1
    print(f"\nedit vs toggle, {ROUNDS} rounds: {outcomes}")


def test_two_toggles_at_once_both_apply(server, private_postgres):
    tab, other_tab, pk = same_person_in_two_tabs(server.port)
    for _ in range(ROUNDS):
        _, status_before, version = stored(private_postgres, pk)
        answers = at_once(
            lambda: tab.send("POST", f"/task/{pk}/toggle/", {}, True),
            lambda: other_tab.send("POST", f"/task/{pk}/toggle/", {}, True),
        )
        assert [a.status for a in answers] == [200, 200]
        # Two flips: back where it started, and the version counts both.
        assert stored(private_postgres, pk)[1:] == (status_before, version + 2)
