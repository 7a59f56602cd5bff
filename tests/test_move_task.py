"""`m`: POST /task/<pk>/project/ puts a task into another of the person's projects, a
compare-and-swap on the task's version, answered under the view on screen."""

import pytest

from tasks.models import Project, Task
from tests.conftest import HTMX, htmx_on, oob_toasts
from tests.html import find

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(alice):
    return Project.objects.create_for(alice, "Work", "blue")


@pytest.fixture
def task(alice, make_task):
    return make_task(alice, "Write report")


def move(client, task, project, version=None, **headers):
    data = {"project": project.pk, "version": task.version if version is None else version}
    return client.post(f"/task/{task.pk}/project/", data, **headers)


def test_it_moves_a_task_and_keeps_the_row_where_it_still_belongs(alice_client, task, work):
    response = move(alice_client, task, work, **HTMX)

    assert response.status_code == 200
    task.refresh_from_db()
    assert task.project == work and task.version == 2
    row = find(response, "li", id=f"task-{task.pk}")
    assert row and "Work" in row.find("a", class_="project-chip").text
    assert row["data-version"] == "2"
    assert "Moved “Write report” to Work" in oob_toasts(response)


def test_the_row_leaves_a_view_it_no_longer_belongs_to(alice_client, alice, task, work):
    response = move(alice_client, task, work, **htmx_on("/inbox/"))

    assert response.status_code == 200
    assert find(response, "li", id=f"task-{task.pk}") is None
    assert "Moved “Write report” to Work — not shown under these filters." in oob_toasts(response)
    # Both projects' sidebar counts are renewed, the one left behind down to 0.
    inbox = Project.inbox_for(alice)
    assert find(response, "span", id=f"project-count-{inbox.pk}").text.startswith("0")
    assert find(response, "span", id=f"project-count-{work.pk}").text.startswith("1")


def test_a_plain_post_moves_and_goes_back_to_the_view(alice_client, task, work):
    data = {"project": work.pk, "version": task.version, "next": "/inbox/"}
    response = alice_client.post(f"/task/{task.pk}/project/", data)

    assert response.status_code == 302 and response["Location"] == "/inbox/"
    task.refresh_from_db()
    assert task.project == work


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_answers_409_when_the_task_changed_since_the_row_was_shown(
    alice_client, alice, task, work, headers
):
    task.title = "Renamed elsewhere"
    assert task.save_if_current(task.version, ["title"])

    response = move(alice_client, task, work, version=1, **headers)

    assert response.status_code == (409 if headers else 302)
    task.refresh_from_db()
    assert task.project == Project.inbox_for(alice)
    if headers:  # the row as it is now, to act on again
        assert "Renamed elsewhere" in find(response, "li", id=f"task-{task.pk}").text


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_never_moves_into_another_users_or_a_deleted_or_missing_project(
    alice_client, alice, bob, task, work, headers
):
    theirs = Project.objects.create_for(bob, "Bob's")
    work.trash()
    for project_id in (theirs.pk, work.pk, 987654, "x", ""):
        data = {"project": project_id, "version": task.version}
        response = alice_client.post(f"/task/{task.pk}/project/", data, **headers)
        assert response.status_code in (302, 422)
    task.refresh_from_db()
    assert task.project == Project.inbox_for(alice)
    assert not Task.objects.filter(project=theirs).exists()


def test_another_users_task_is_a_404(client, bob, task, work):
    client.force_login(bob)
    bobs = Project.objects.create_for(bob, "Bob's")
    for headers in ({}, HTMX):
        data = {"project": bobs.pk, "version": 1}
        response = client.post(f"/task/{task.pk}/project/", data, **headers)
        assert response.status_code == 404
    task.refresh_from_db()
    assert task.project.user_id != bob.pk


def test_get_is_not_allowed(alice_client, task):
    assert alice_client.get(f"/task/{task.pk}/project/").status_code == 405


def test_the_board_has_the_picker_and_lists_the_keys(alice_client, work):
    page = alice_client.get("/")
    picker = find(page, "dialog", id="project-picker")
    options = [li["data-project-name"] for li in picker.find_all("li", role="option")]
    assert options == ["Inbox", "Work"]
    shortcuts = find(page, "dialog", id="shortcuts").text
    assert "Move the focused task to another project" in shortcuts
    assert "Go to a project" in shortcuts
    assert find(page, "script", src="/static/js/projects.js")
