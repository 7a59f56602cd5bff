"""Archived projects' tasks leave All tasks, Today, Upcoming, the search and those lists' counts
(issue 22 item 6); `is:archived`, naming the project (`+Old`) and the project's own page show
them."""

import pytest

from sharing.models import Membership, Role
from tasks.models import Project, Status
from tests.conftest import HTMX, htmx_on, oob_counts, row_ids
from tests.html import find_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def old(alice):
    project = Project.objects.create_for(alice, "Old")
    return project


@pytest.fixture
def tasks(alice, make_task, old, today):
    kept = make_task(alice, "Kept report", due_date=today)
    shelved = make_task(alice, "Shelved report", project=old, due_date=today)
    done = make_task(alice, "Shelved done", project=old, status=Status.COMPLETED)
    old.update_if_current(old.version, archived=True)
    return kept, shelved, done


def counts_shown(response) -> dict:
    return {e["data-count"]: int(e.text) for e in find_all(response, data_count=True)}


@pytest.mark.parametrize(
    "url", ["/", "/today/", "/upcoming/", "/?q=report", "/?q=-is:archived", "/?layout=board"]
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "htmx"])
def test_every_list_leaves_archived_projects_out(alice_client, tasks, url, headers):
    kept, shelved, done = tasks

    ids = row_ids(alice_client.get(url, **headers))

    assert kept.pk in ids
    assert shelved.pk not in ids and done.pk not in ids


@pytest.mark.parametrize("query", ["is:archived", "+Old", 'project:"old"', "is:archived report"])
def test_a_view_that_asks_shows_them(alice_client, tasks, query):
    kept, shelved, _done = tasks

    ids = row_ids(alice_client.get("/", {"q": query}))

    assert shelved.pk in ids
    assert kept.pk not in ids


def test_the_projects_own_page_shows_them(alice_client, tasks, old):
    _kept, shelved, done = tasks

    ids = row_ids(alice_client.get(f"/projects/{old.pk}/", {"completed": "show"}))

    assert set(ids) == {shelved.pk, done.pk}


def test_all_tasks_counts_leave_them_out_and_the_project_keeps_its_own(alice_client, tasks, old):
    assert counts_shown(alice_client.get("/")) == {
        "all": 1, "pending": 1, "in_progress": 0, "completed": 0,
    }  # fmt: skip
    assert counts_shown(alice_client.get(f"/projects/{old.pk}/")) == {
        "all": 2, "pending": 1, "in_progress": 0, "completed": 1,
    }  # fmt: skip
    page = alice_client.get("/").content.decode()
    assert f'id="project-count-{old.pk}"' in page  # the sidebar still counts it


def test_unarchiving_brings_them_back_through_the_list_cache(alice_client, tasks, old):
    _kept, shelved, _done = tasks
    assert shelved.pk not in row_ids(alice_client.get("/"))
    old.refresh_from_db()

    response = alice_client.post(
        f"/projects/{old.pk}/archive/", {"archived": "0", "version": old.version}
    )

    assert response.status_code == 302
    assert shelved.pk in row_ids(alice_client.get("/"))
    assert counts_shown(alice_client.get("/"))["all"] == 3


def test_a_shared_project_archived_by_its_owner_leaves_the_members_lists(
    client, alice, bob, make_task
):
    shared = Project.objects.create_for(alice, "Shared")
    Membership.objects.create(project=shared, user=bob, role=Role.EDITOR)
    task = make_task(alice, "Shared task", project=shared)
    client.force_login(bob)
    assert task.pk in row_ids(client.get("/"))

    shared.update_if_current(shared.version, archived=True)

    assert task.pk not in row_ids(client.get("/"))
    assert task.pk in row_ids(client.get(f"/projects/{shared.pk}/"))
    assert task.pk in row_ids(client.get("/", {"q": "is:archived"}))


def test_a_task_moved_into_an_archived_project_leaves_all_tasks(alice_client, tasks, old):
    kept, *_ = tasks

    response = alice_client.post(
        f"/task/{kept.pk}/project/", {"project": old.pk, "version": kept.version}, **htmx_on("/")
    )

    assert response.status_code == 200
    assert "not shown under these filters" in response.content.decode()
    assert oob_counts(response)["all"] == 0


def test_a_card_of_an_archived_project_moves_on_its_own_page(alice_client, tasks, old):
    _, shelved, _ = tasks

    response = alice_client.post(
        f"/task/{shelved.pk}/move/",
        {"status": "in_progress"},
        **htmx_on(f"/projects/{old.pk}/?layout=board"),
    )

    assert response.status_code == 200
    shelved.refresh_from_db()
    assert shelved.status == Status.IN_PROGRESS


def test_is_archived_is_understood(alice_client, tasks):
    page = alice_client.get("/", {"q": "is:archived"}).content.decode()

    assert "search-notes" not in page
