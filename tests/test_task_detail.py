"""A task's own URL: the detail page, and the row fragment the inline editor's Cancel loads."""

import pytest

from tasks.models import Priority, Status
from tests.conftest import HTMX, row_ids

pytestmark = pytest.mark.django_db


def test_it_shows_the_detail_page_to_the_owner(alice_client, alice, make_task, days):
    task = make_task(
        alice,
        "Renew passport",
        description="Photos first.\nThen the form.",
        priority=Priority.HIGH,
        status=Status.IN_PROGRESS,
        due_date=days(-1),
    )

    response = alice_client.get(f"/task/{task.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Renew passport" in html
    assert "Photos first.<br>Then the form." in html
    assert "High" in html and "In progress" in html
    assert "(overdue)" in html
    assert f'href="/task/{task.pk}/edit/"' in html
    assert f'href="/task/{task.pk}/delete/"' in html


def test_it_answers_htmx_with_the_row_fragment(alice_client, alice, make_task):
    task = make_task(alice, "Row me")

    response = alice_client.get(f"/task/{task.pk}/", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert row_ids(response) == [task.pk]
    assert "Row me" in html


def test_it_returns_404_for_a_deleted_task(alice_client, alice, make_task):
    task = make_task(alice, "Gone")
    task.soft_delete()

    assert alice_client.get(f"/task/{task.pk}/").status_code == 404


def test_it_returns_404_for_a_task_that_does_not_exist(alice_client):
    assert alice_client.get("/task/999999/").status_code == 404
