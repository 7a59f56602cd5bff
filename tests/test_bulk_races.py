"""Bulk actions racing single edits, two real transactions at once, on PostgreSQL (SQLite's
test database refuses a second writer instead of queueing it: no race to observe there).

A bulk complete racing an edit of one of its tasks: both land (the edit merges, or the bulk
saw the edit's version) or one is refused and reported, never a lost write. An undo racing a
later edit of a task in its batch never overwrites that edit."""

from tasks.models import BulkBatch, Status, Task
from tests.concurrency import RACES, at_once

pytestmark = RACES
ROUNDS = 25


def edit_form(task: Task, **changes) -> dict:
    base = {
        "title": task.title,
        "description": "",
        "priority": task.priority,
        "status": task.status,
        "due_date": "",
        "version": task.version,
    }
    base |= {f"original-{k}": v for k, v in base.items() if k != "version"}
    return base | changes


def test_a_bulk_complete_racing_an_edit_never_loses_either(alice, make_task, clients):
    """Both change the status: exactly one lands, the other is refused (the edit's 409) or
    reported (the bulk's "changed elsewhere"), never silently overwritten."""
    outcomes = []
    for n in range(ROUNDS):
        tasks = [make_task(alice, f"Round {n} task {i}") for i in range(3)]
        target = tasks[0]
        bulk = {"action": "complete", "task": [f"{t.pk}:{t.version}" for t in tasks]}
        edit = edit_form(target, status="in_progress")

        bulk_response, edit_response = at_once(
            lambda d=bulk: clients[0].post("/tasks/bulk/", d, follow=True),
            lambda t=target, d=edit: clients[1].post(f"/task/{t.pk}/edit/", d),
        )

        saved = Task.objects.get(pk=target.pk)
        page = bulk_response.content.decode()
        assert bulk_response.status_code == 200
        assert edit_response.status_code in (302, 409)
        if edit_response.status_code == 302:  # the edit first: the bulk left the task alone
            assert saved.status == Status.IN_PROGRESS
            assert "2 tasks completed; 1 task changed elsewhere was left alone." in page
        else:  # the bulk first: the edit, opened on the old version, is a conflict
            assert saved.status == Status.COMPLETED
            assert "3 tasks completed." in page
        assert saved.version == target.version + 1
        others = Task.objects.filter(pk__in=[t.pk for t in tasks[1:]])
        assert all(t.status == Status.COMPLETED for t in others)
        outcomes.append(edit_response.status_code)
    print("edit answers:", {code: outcomes.count(code) for code in set(outcomes)})


def test_an_undo_racing_a_later_edit_never_overwrites_it(alice, make_task, clients):
    for n in range(ROUNDS):
        tasks = [make_task(alice, f"Round {n} task {i}") for i in range(3)]
        bulk = {"action": "complete", "task": [f"{t.pk}:{t.version}" for t in tasks]}
        clients[0].post("/tasks/bulk/", bulk)
        batch = BulkBatch.objects.filter(user=alice).latest("pk")
        target = Task.objects.get(pk=tasks[0].pk)
        edit = edit_form(target, title=f"Edited {n}")

        undo_response, edit_response = at_once(
            lambda b=batch: clients[0].post(f"/tasks/bulk/{b.pk}/undo/"),
            lambda t=target, d=edit: clients[1].post(f"/task/{t.pk}/edit/", d),
        )

        assert undo_response.status_code == 302
        saved = Task.objects.get(pk=target.pk)
        if edit_response.status_code == 302:
            assert saved.title == f"Edited {n}"  # never overwritten by the undo
            # Edit first: the undo left the task alone (still completed, version +1); undo
            # first: the undo gave the task its version from before the batch back (-1) and the
            # edit merged over the reverted task (+1; its other fields untouched by the edit).
            undone_first = saved.version == target.version
            assert saved.status == (Status.PENDING if undone_first else Status.COMPLETED)
        else:
            assert edit_response.status_code == 409
            assert saved.status == Status.PENDING and saved.title == target.title
        others = Task.objects.filter(pk__in=[t.pk for t in tasks[1:]])
        assert all(t.status == Status.PENDING for t in others)
