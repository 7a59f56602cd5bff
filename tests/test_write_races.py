"""Races on the server's new write paths, two real transactions at once, on PostgreSQL (the
test database on SQLite is one shared in-memory database: its table locks refuse a second
writer outright instead of queueing it, so there is no race to observe there).

Forty rounds each: concurrent submits of one create form add one task; concurrent edits of
different fields from the same version both land (version +2) or one answers 409, never a lost
update; delete forever racing a restore either deletes or restores, never both."""

from tasks.models import Priority, Task
from tests.concurrency import RACES, at_once

pytestmark = RACES
ROUNDS = 40


def test_two_submits_of_one_create_form_add_one_task(alice, clients):
    for n in range(ROUNDS):
        data = {"title": f"Round {n}", "idempotency_key": f"key-{n}"}
        codes = at_once(*(lambda c=c, d=data: c.post("/task/new/", d).status_code for c in clients))
        assert codes == [302, 302]
        assert Task.objects.filter(user=alice, title=f"Round {n}").count() == 1


def test_edits_of_different_fields_at_once_both_land_or_one_conflicts(alice, make_task, clients):
    for n in range(ROUNDS):
        task = make_task(alice, f"Task {n}", description="", priority=Priority.LOW)
        base = {
            "title": task.title,
            "description": "",
            "priority": "low",
            "status": "pending",
            "due_date": "",
            "version": task.version,
        }
        base |= {f"original-{k}": v for k, v in base.items() if k != "version"}
        title_edit = base | {"title": f"Renamed {n}"}
        priority_edit = base | {"priority": "high"}
        url = f"/task/{task.pk}/edit/"

        codes = at_once(
            lambda u=url, d=title_edit: clients[0].post(u, d).status_code,
            lambda u=url, d=priority_edit: clients[1].post(u, d).status_code,
        )

        saved = Task.objects.get(pk=task.pk)
        assert set(codes) <= {302, 409}
        landed = codes.count(302)
        assert saved.version == task.version + landed
        if codes[0] == 302:
            assert saved.title == f"Renamed {n}"
        if codes[1] == 302:
            assert saved.priority == Priority.HIGH


def test_delete_forever_racing_a_restore_never_does_both(alice, make_task, clients):
    for n in range(ROUNDS):
        task = make_task(alice, f"Task {n}")
        task.soft_delete()

        codes = at_once(
            lambda t=task: clients[0].post(f"/trash/{t.pk}/delete/", {"version": t.version}),
            lambda t=task: clients[1].post(f"/trash/{t.pk}/restore/"),
        )

        statuses = [response.status_code for response in codes]
        assert all(code in (302, 404) for code in statuses), statuses
        exists = Task.objects.filter(pk=task.pk).exists()
        if exists:
            assert Task.objects.get(pk=task.pk).deleted_at is None  # restored, not deleted
        else:
            assert statuses[1] == 404  # deleted first: nothing left to restore
