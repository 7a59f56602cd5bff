"""Project writes racing each other, with real parallel requests on PostgreSQL (SQLite
serializes writes, so these prove nothing there)."""

from tasks.models import Project, Task
from tests.concurrency import RACES, at_once

pytestmark = RACES
ROUNDS = 25


def test_two_renames_of_one_version_save_one_and_the_other_conflicts(alice, clients):
    for n in range(ROUNDS):
        project = Project.objects.create_for(alice, f"Project {n}")
        url = f"/projects/{project.pk}/edit/"
        forms = [{"name": f"{side} {n}", "colour": "red", "version": 1} for side in "AB"]

        codes = at_once(
            *(
                lambda c=c, d=d, u=url: c.post(u, d).status_code
                for c, d in zip(clients, forms, strict=True)
            )
        )

        project.refresh_from_db()
        assert sorted(codes) == [302, 409], codes
        winner = "A" if codes[0] == 302 else "B"
        assert (project.name, project.version) == (f"{winner} {n}", 2)


def test_two_creates_of_one_name_make_one_project(alice, clients):
    for n in range(ROUNDS):
        data = {"name": f"Same {n}", "colour": "blue"}
        codes = at_once(
            *(lambda c=c, d=data: c.post("/projects/new/", d).status_code for c in clients)
        )
        assert sorted(codes) == [302, 422], codes
        assert Project.objects.visible_to(alice).filter(name=f"Same {n}").count() == 1


def test_a_task_never_ends_up_live_in_a_deleted_project(alice, make_task, clients):
    """Delete a project while a task is moved into it: either the move lands first and the
    task goes to the trash with the project, or the move finds the project gone."""
    for n in range(ROUNDS):
        project = Project.objects.create_for(alice, f"Doomed {n}")
        task = make_task(alice, f"Task {n}")
        move = {"project": project.pk, "version": task.version}

        codes = at_once(
            lambda p=project: clients[0].post(f"/projects/{p.pk}/delete/").status_code,
            lambda t=task, d=move: clients[1].post(f"/task/{t.pk}/project/", d).status_code,
        )

        assert codes[0] == 302 and codes[1] == 302, codes
        task.refresh_from_db()
        project.refresh_from_db()
        assert project.deleted_at is not None
        live_in_deleted = Task.objects.filter(
            project__deleted_at__isnull=False, deleted_at__isnull=True
        )
        assert not live_in_deleted.exists()
        # The task either went to the trash with the project (same stamp) or stayed put.
        assert task.deleted_at == project.deleted_at or task.project_id != project.pk


def test_a_task_edited_into_a_project_being_deleted_never_stays_live_there(
    alice, make_task, clients
):
    for n in range(ROUNDS):
        project = Project.objects.create_for(alice, f"Doomed {n}")
        task = make_task(alice, f"Task {n}")
        edit = {
            "title": task.title,
            "priority": "medium",
            "status": "pending",
            "project": project.pk,
            "version": task.version,
        }

        at_once(
            lambda p=project: clients[0].post(f"/projects/{p.pk}/delete/").status_code,
            lambda t=task, d=edit: clients[1].post(f"/task/{t.pk}/edit/", d).status_code,
        )

        live_in_deleted = Task.objects.filter(
            project__deleted_at__isnull=False, deleted_at__isnull=True
        )
        assert not live_in_deleted.exists()


def test_reorders_at_once_keep_positions_distinct(alice, clients):
    projects = [Project.objects.create_for(alice, f"P{i}") for i in range(6)]
    for n in range(ROUNDS):
        a, b = projects[n % 5], projects[(n + 2) % 6]
        at_once(
            lambda p=a: clients[0].post(f"/projects/{p.pk}/move/", {"direction": "down"}),
            lambda p=b: clients[1].post(f"/projects/{p.pk}/move/", {"direction": "up"}),
        )
        positions = list(
            Project.objects.visible_to(alice)
            .filter(is_inbox=False)
            .values_list("position", flat=True)
        )
        assert sorted(positions) == list(range(6))
