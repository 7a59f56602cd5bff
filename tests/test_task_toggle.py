"""The Completed checkbox: toggling status in place, and leaving a filtered list."""

import pytest

from tasks.models import Status, Task
from tests.conftest import HTMX, htmx_on, oob_counts, oob_toasts, row_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(alice, make_task):
    return make_task(alice, "Water the plants")


def test_it_completes_a_task_and_redirects_with_a_message(alice_client, task):
    response = alice_client.post(f"/task/{task.pk}/toggle/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    task.refresh_from_db()
    assert task.status == Status.COMPLETED
    assert task.completed_at is not None
    assert "Completed “Water the plants”" in alice_client.get("/").content.decode()


def test_it_reopens_a_completed_task_and_clears_completed_at(alice_client, alice, make_task):
    task = make_task(alice, "Done", status=Status.COMPLETED)

    alice_client.post(f"/task/{task.pk}/toggle/")

    task.refresh_from_db()
    assert task.status == Status.PENDING
    assert task.completed_at is None
    assert "Reopened “Done”" in alice_client.get("/").content.decode()


def test_it_redirects_back_to_the_filtered_board(alice_client, task):
    response = alice_client.post(f"/task/{task.pk}/toggle/", {"next": "/?status=pending"})

    assert response["Location"] == "/?status=pending"


def test_it_answers_htmx_with_the_checked_row_counts_and_toast(
    alice_client, alice, make_task, task
):
    make_task(alice, "Another")

    response = alice_client.post(f"/task/{task.pk}/toggle/", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert row_ids(response) == [task.pk]
    assert 'role="checkbox" aria-checked="true"' in html
    assert oob_counts(response) == {"all": 2, "pending": 1, "in_progress": 0, "completed": 1}
    assert "Completed “Water the plants”" in oob_toasts(response)


def test_it_keeps_counts_right_when_toggling_back_and_forth(alice_client, task):
    first = alice_client.post(f"/task/{task.pk}/toggle/", **HTMX)
    second = alice_client.post(f"/task/{task.pk}/toggle/", **HTMX)

    assert oob_counts(first)["completed"] == 1
    assert oob_counts(second) == {"all": 1, "pending": 1, "in_progress": 0, "completed": 0}
    assert 'aria-checked="false"' in second.content.decode()
    assert "Reopened “Water the plants”" in oob_toasts(second)


def test_it_reopens_an_in_progress_task_as_pending_after_completing_it(
    alice_client, alice, make_task
):
    task = make_task(alice, "Half done", status=Status.IN_PROGRESS)

    alice_client.post(f"/task/{task.pk}/toggle/", **HTMX)
    alice_client.post(f"/task/{task.pk}/toggle/", **HTMX)

    assert Task.objects.get(pk=task.pk).status == Status.PENDING


def test_it_removes_the_row_when_the_task_leaves_the_filtered_list(alice_client, task):
    response = alice_client.post(f"/task/{task.pk}/toggle/", **htmx_on("/?status=pending"))

    assert response.status_code == 200
    assert row_ids(response) == []
    assert response.content.decode().lstrip().startswith('<ul id="status-counts"')
    assert oob_counts(response)["completed"] == 1
    assert "Completed “Water the plants”" in oob_toasts(response)


@pytest.mark.parametrize("page", ["/?q=is:open", "/?due=none&status=completed"])
def test_it_keeps_or_removes_the_row_by_the_filters_on_screen(alice_client, task, page):
    response = alice_client.post(f"/task/{task.pk}/toggle/", **htmx_on(page))

    expected = [] if "is:open" in page else [task.pk]
    assert row_ids(response) == expected


def test_it_returns_404_for_a_deleted_task(alice_client, task):
    task.soft_delete()

    assert alice_client.post(f"/task/{task.pk}/toggle/").status_code == 404
    assert Task.objects.get(pk=task.pk).status == Status.PENDING
