"""Deleting a task: confirmation page, soft delete, and the htmx answer with an Undo toast."""

import re

import pytest

from tasks.models import Status, Task
from tests.conftest import HTMX, oob_counts, oob_toasts, row_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(alice, make_task):
    return make_task(alice, "Old idea")


def is_deleted(task) -> bool:
    return Task.objects.get(pk=task.pk).deleted_at is not None


def test_it_asks_for_confirmation_on_get_and_deletes_nothing(alice_client, task):
    response = alice_client.get(f"/task/{task.pk}/delete/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Delete task?" in html
    assert "Old idea" in html
    assert re.search(rf'<form method="post" action="/task/{task.pk}/delete/"', html)
    assert not is_deleted(task)


def test_it_deletes_on_post_and_redirects_with_a_message(alice_client, task):
    response = alice_client.post(f"/task/{task.pk}/delete/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_deleted(task)
    board = alice_client.get("/")
    assert row_ids(board) == []
    assert "Deleted “Old idea”" in board.content.decode()
    # The message on the next page offers Undo too.
    assert f'action="/task/{task.pk}/restore/"' in board.content.decode()


def test_it_answers_htmx_with_no_row_the_counts_and_an_undo_toast(
    alice_client, alice, make_task, task
):
    make_task(alice, "Stays", status=Status.IN_PROGRESS)

    response = alice_client.post(f"/task/{task.pk}/delete/", **HTMX)

    assert response.status_code == 200
    assert row_ids(response) == []
    assert response.content.decode().lstrip().startswith('<ul id="status-counts"')
    assert oob_counts(response) == {"all": 1, "pending": 0, "in_progress": 1, "completed": 0}
    toasts = oob_toasts(response)
    assert "Deleted “Old idea”" in toasts
    assert f'hx-post="/task/{task.pk}/restore/"' in toasts
    assert ">Undo</button>" in toasts
    assert is_deleted(task)


def test_it_returns_404_when_deleting_twice(alice_client, task):
    alice_client.post(f"/task/{task.pk}/delete/", **HTMX)

    assert alice_client.post(f"/task/{task.pk}/delete/", **HTMX).status_code == 404
