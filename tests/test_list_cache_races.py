"""The cached task list under real parallel requests on PostgreSQL: a list read racing writes
never leaves a stale list cached (the version is read before the page and bumped in the
writes' own commits). The bump is deferred to commit so that it is the last lock a
transaction takes (models/listversion.py); the window in which an immediate bump could
deadlock is too short for a test to hit reliably, so the test here checks outcomes only."""

from django.test import Client

from tasks.models import Project, Status, Task
from tests.concurrency import RACES, at_once
from tests.conftest import HTMX

pytestmark = RACES
ROUNDS = 25


def listed(client) -> str:
    return client.get("/?sort=title", **HTMX).content.decode()


def test_a_read_racing_two_toggles_never_caches_a_list_without_them(alice, make_task, clients):
    reader = Client()  # a third tab: a test client is not for two threads at once
    reader.force_login(alice)
    for n in range(ROUNDS):
        first = make_task(alice, f"A{n:02}")
        second = make_task(alice, f"B{n:02}")
        listed(reader)

        codes = at_once(
            lambda t=first: clients[0].post(f"/task/{t.pk}/toggle/", **HTMX).status_code,
            lambda t=second: clients[1].post(f"/task/{t.pk}/toggle/", **HTMX).status_code,
            lambda: listed(reader) and 200,
        )

        assert codes == [200, 200, 200]
        html = listed(reader)
        for task in (first, second):
            row = html[html.index(f'id="task-{task.pk}"') :]
            assert 'aria-checked="true"' in row.split("</li>", 1)[0], (n, task.title)
        Task.objects.filter(pk__in=[first.pk, second.pk]).delete()  # one page, two rows


def test_a_project_delete_racing_an_edit_of_its_task_leaves_neither_in_the_cached_list(
    alice, make_task, clients
):
    for n in range(ROUNDS):
        project = Project.objects.create(user=alice, name=f"P{n}")
        task = make_task(alice, f"Task {n}", project=project)
        edit = {
            "title": f"Edited {n}",
            "description": "",
            "priority": task.priority,
            "status": Status.PENDING,
            "due_date": "",
            "version": task.version,
        }

        codes = at_once(
            lambda p=project: clients[0].post(f"/projects/{p.pk}/delete/").status_code,
            lambda t=task, d=edit: clients[1].post(f"/task/{t.pk}/edit/", d).status_code,
        )

        assert codes[0] == 302 and codes[1] in (302, 404, 409), (n, codes)
        trashed = Task.objects.get(pk=task.pk).deleted_at is not None
        assert trashed
        assert f"Task {n}" not in listed(clients[0]) and f"Edited {n}" not in listed(clients[0])
