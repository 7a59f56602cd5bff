"""Undo a delete: the task comes back in its place, in the list the person is looking at."""

import pytest

from tasks.models import Status, Task
from tests.conftest import HTMX, htmx_on, oob_counts, oob_toasts, row_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def deleted(alice, make_task):
    task = make_task(alice, "Deleted by mistake")
    task.soft_delete()
    return task


def is_deleted(task) -> bool:
    return Task.objects.get(pk=task.pk).deleted_at is not None


def test_it_restores_and_redirects_with_a_message(alice_client, deleted):
    response = alice_client.post(f"/task/{deleted.pk}/restore/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not is_deleted(deleted)
    board = alice_client.get("/")
    assert row_ids(board) == [deleted.pk]
    assert "Task restored" in board.content.decode()


def test_it_answers_htmx_with_the_whole_list_counts_and_toast(
    alice_client, alice, make_task, deleted
):
    other = make_task(alice, "Newer", status=Status.COMPLETED)

    response = alice_client.post(f"/task/{deleted.pk}/restore/", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#task-list"
    assert response["HX-Reswap"] == "outerHTML"
    assert html.lstrip().startswith('<section id="task-list"')
    # Back in its own place: the same id, ordered by its original creation time.
    assert row_ids(response) == [other.pk, deleted.pk]
    assert oob_counts(response) == {"all": 2, "pending": 1, "in_progress": 0, "completed": 1}
    assert "Task restored" in oob_toasts(response)


def test_it_renders_the_list_for_the_filters_on_screen(alice_client, alice, make_task, deleted):
    done = make_task(alice, "Done", status=Status.COMPLETED)

    response = alice_client.post(f"/task/{deleted.pk}/restore/", **htmx_on("/?status=completed"))

    assert row_ids(response) == [done.pk]
    assert oob_counts(response)["all"] == 2
    assert not is_deleted(deleted)


def test_it_renders_the_page_on_screen_not_the_first_page(alice_client, alice, make_task, settings):
    settings.TASKS_PAGE_SIZE = 2
    tasks = [make_task(alice, f"Task {i}") for i in range(5)]  # newest first: 4 3 | 2 1 | 0
    second_page = alice_client.get("/", **HTMX)
    cursor = second_page.content.decode().split("after=")[1].split('"')[0]
    tasks[1].soft_delete()

    response = alice_client.post(f"/task/{tasks[1].pk}/restore/", **htmx_on(f"/?after={cursor}"))

    assert row_ids(response) == [tasks[2].pk, tasks[1].pk]


def test_it_is_harmless_to_restore_twice(alice_client, deleted):
    alice_client.post(f"/task/{deleted.pk}/restore/", **HTMX)
    response = alice_client.post(f"/task/{deleted.pk}/restore/", **HTMX)

    assert response.status_code == 200
    assert row_ids(response) == [deleted.pk]
    assert oob_counts(response)["all"] == 1
