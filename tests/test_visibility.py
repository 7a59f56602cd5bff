"""Who sees what is decided in one place (tasks.models.access): a project shared with a member
(sharing.Membership) shows its tasks to them, counts them for them, and renews their cached
lists when anyone changes them; their role decides what they may change; removal ends it at once.
"""

import pytest
from django.test import Client

from sharing.models import Membership, Role
from tasks import services
from tasks.models import Project, Status, Task, TaskCount
from tests.conftest import HTMX, row_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def garden(alice):
    return Project.objects.create(user=alice, name="Garden")


@pytest.fixture
def shared(garden, bob):
    """Alice's Garden, shared with Bob as an editor."""
    Membership.objects.create(project=garden, user=bob, role=Role.EDITOR)
    return garden


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_sees_the_projects_tasks_on_every_list_and_the_projects_page(
    alice, bob, shared, make_task
):
    mine = make_task(bob, "Bob's own")
    theirs = make_task(alice, "Water the roses", project=shared)
    private = make_task(alice, "Alice's private")
    client = client_of(bob)

    assert set(row_ids(client.get("/", **HTMX))) == {mine.pk, theirs.pk}
    assert row_ids(client.get(f"/projects/{shared.pk}/", **HTMX)) == [theirs.pk]
    assert client.get(f"/task/{theirs.pk}/").status_code == 200
    assert client.get(f"/task/{private.pk}/").status_code == 404
    assert "Garden" in client.get("/").content.decode()  # in the sidebar


def test_an_outsider_sees_nothing_of_a_shared_project(alice, shared, make_task, django_user_model):
    task = make_task(alice, "Water the roses", project=shared)
    carol = django_user_model.objects.create_user("carol")
    client = client_of(carol)

    assert row_ids(client.get("/", **HTMX)) == []
    assert client.get(f"/projects/{shared.pk}/").status_code == 404
    assert client.get(f"/task/{task.pk}/").status_code == 404
    assert client.post(f"/task/{task.pk}/toggle/", **HTMX).status_code == 404


def test_each_members_counts_include_everyones_tasks(alice, bob, shared, make_task):
    make_task(alice, "Alice's", project=shared)
    make_task(alice, "Done", project=shared, status=Status.COMPLETED)
    make_task(bob, "Bob's own")

    counts = TaskCount.for_user(bob)

    assert counts["all"] == 3 and counts["completed"] == 1
    assert counts["open_by_project"][shared.pk] == 1
    assert TaskCount.for_user(alice)["open_by_project"][shared.pk] == 1


def test_a_change_by_one_member_shows_on_the_others_cached_board_at_once(
    alice, bob, shared, make_task
):
    task = make_task(alice, "Water the roses", project=shared)
    bobs = client_of(bob)
    assert "Water the roses" in bobs.get("/").content.decode()
    assert "Water the roses" in bobs.get("/", **HTMX).content.decode()  # both cached now

    alices = client_of(alice)
    alices.post(f"/task/{task.pk}/toggle/", **HTMX)
    make_task(alice, "Prune the hedge", project=shared)

    page = bobs.get("/").content.decode()
    assert "Prune the hedge" in page
    assert 'data-count="completed"' in page
    assert TaskCount.for_user(bob)["completed"] == 1
    assert "Prune the hedge" in bobs.get("/", **HTMX).content.decode()


def test_a_member_creates_into_the_shared_project_as_its_owners_task(alice, bob, shared):
    task = services.create_task(bob, Task(title="Buy seeds", project=shared))

    assert task.user_id == alice.pk  # a task belongs to its project's owner
    assert task in Task.objects.visible_to(alice) and task in Task.objects.visible_to(bob)


def test_a_viewer_reads_but_every_change_is_refused(alice, bob, garden, make_task):
    Membership.objects.create(project=garden, user=bob, role=Role.VIEWER)
    task = make_task(alice, "Water the roses", project=garden)
    client = client_of(bob)

    assert task.pk in row_ids(client.get(f"/projects/{garden.pk}/", **HTMX))
    assert client.post(f"/task/{task.pk}/toggle/", **HTMX).status_code == 403
    assert client.post(f"/task/{task.pk}/delete/", **HTMX).status_code == 403
    assert client.post(f"/task/{task.pk}/move/", {"dir": "up"}, **HTMX).status_code == 403
    edit = {"title": "Mine now", "priority": "high", "status": "pending", "version": 1}
    assert client.post(f"/task/{task.pk}/edit/", edit, **HTMX).status_code == 403
    assert Task.objects.get(pk=task.pk).title == "Water the roses"
    with pytest.raises(services.Forbidden):
        services.create_task(bob, Task(title="Sneaky", project=garden))


def test_a_removed_member_loses_access_at_their_next_request(alice, bob, shared, make_task):
    task = make_task(alice, "Water the roses", project=shared)
    client = client_of(bob)
    assert task.pk in row_ids(client.get("/", **HTMX))  # cached now

    Membership.objects.filter(project=shared, user=bob).delete()

    assert task.pk not in row_ids(client.get("/", **HTMX))
    assert "Garden" not in client.get("/").content.decode()
    assert client.get(f"/projects/{shared.pk}/").status_code == 404
    assert client.post(f"/task/{task.pk}/toggle/", **HTMX).status_code == 404
    assert TaskCount.for_user(bob)["all"] == 0


def test_moving_a_task_into_a_project_of_someone_elses_makes_it_theirs_with_its_tags(
    alice, bob, shared, make_task
):
    task = services.create_task(bob, Task(title="Seeds"), tag_names=["errand"])

    moved = services.set_task_project(bob, task.pk, task.version, shared.pk)

    assert moved.user_id == alice.pk
    assert list(moved.tags.values_list("user_id", "name")) == [(alice.pk, "errand")]
    assert moved.pk in row_ids(client_of(alice).get("/", **HTMX))
