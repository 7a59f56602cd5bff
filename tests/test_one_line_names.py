"""Titles and project, tag and view names are stored on one line, whichever form writes them
(issue 22, item 22: a title "Pay invoice\\r\\nBcc: x@example.com" stopped reminder email)."""

import pytest

from tasks import services
from tasks.models import Project, SavedView, Tag, Task
from tests.conftest import HTMX
from tests.conftest import edit_form as form_data

pytestmark = pytest.mark.django_db

INJECTED = "Pay invoice\r\nBcc: x@example.com"
ONE_LINE = "Pay invoice Bcc: x@example.com"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_full_form_stores_a_title_on_one_line(alice_client, headers):
    response = alice_client.post("/task/new/", {"title": INJECTED, "priority": "medium"}, **headers)
    assert response.status_code in (200, 302)
    assert Task.objects.get().title == ONE_LINE


def test_quick_add_stores_a_title_on_one_line(alice_client):
    response = alice_client.post("/task/new/", {"title": "Call\nmom\r\ntomorrow", "quick": "1"})
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.title == "Call mom"
    assert task.due_date is not None  # the words after the line break were still read


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_edit_stores_a_title_on_one_line(alice_client, alice, make_task, headers):
    task = make_task(alice, "Before")
    data = form_data(task, original=bool(headers), title=INJECTED)
    response = alice_client.post(f"/task/{task.pk}/edit/", data, **headers)
    assert response.status_code in (200, 302)
    task.refresh_from_db()
    assert task.title == ONE_LINE


def test_a_title_of_nothing_but_line_breaks_is_refused(alice_client):
    response = alice_client.post("/task/new/", {"title": "\r\n\t\x0b"})
    assert response.status_code == 422
    assert "Give the task a title." in response.content.decode()
    assert not Task.objects.exists()


def test_project_names_are_stored_on_one_line(alice_client, alice):
    alice_client.post("/projects/new/", {"name": "Home\r\nwork", "colour": "red"})
    project = Project.objects.get(user=alice, name__startswith="Home")
    assert project.name == "Home work"
    data = {"name": "\nOffice\x1b\n", "colour": "red", "version": project.version}
    alice_client.post(f"/projects/{project.pk}/edit/", data)
    project.refresh_from_db()
    assert project.name == "Office"


def test_tag_and_view_names_are_stored_on_one_line(alice_client, alice):
    tag = Tag.objects.create(user=alice, name="home")
    alice_client.post(f"/tags/{tag.pk}/rename/", {"name": "House\r\n"})
    tag.refresh_from_db()
    assert tag.name == "House"
    alice_client.post("/views/new/", {"name": "Hot\r\nstuff", "url": "/?priority=high"})
    view = SavedView.objects.get(user=alice)
    assert view.name == "Hot stuff"
    alice_client.post(f"/views/{view.pk}/rename/", {"name": "\nCold\n", "version": view.version})
    view.refresh_from_db()
    assert view.name == "Cold"


def test_bulk_names_are_read_on_one_line(alice_client, alice, make_task):
    task = make_task(alice, "Pay rent")
    home = Project.objects.create(user=alice, name="Home")
    picked = f"{task.pk}:{task.version}"
    alice_client.post("/tasks/bulk/", {"action": "move", "task": picked, "project": "Home\r\n"})
    task.refresh_from_db()
    assert task.project_id == home.pk
    picked = f"{task.pk}:{task.version}"
    alice_client.post("/tasks/bulk/", {"action": "add_tag", "task": picked, "tag": "\r\n#errand\n"})
    assert list(Tag.objects.filter(user=alice).values_list("name", flat=True)) == ["errand"]


def test_the_services_store_one_line_whoever_calls_them(alice):
    """Every writer (forms, the API, import) reaches the same services: they clean too."""
    task = services.create_task(alice, Task(title="Pay\r\ninvoice"), project_name="Home\nWork")
    edit = services.edit_task(alice, task.pk, task.version, {"title": "Bcc:\rx"}, None)
    project = services.create_project(alice, "Garden\x00\x85", "grey")
    view = services.save_view(alice, "Mine\u2028now", "/")
    tag = Tag.objects.create(user=alice, name="home")
    services.rename_tag(alice, tag.pk, "house\n")

    assert Task.objects.get(pk=task.pk).title == "Bcc: x" and edit.saved
    assert task.project.name == "Home Work"
    assert Project.objects.get(pk=project.pk).name == "Garden"
    assert SavedView.objects.get(pk=view.pk).name == "Mine now"
    assert Tag.objects.get(pk=tag.pk).name == "house"
