"""Editing a task: the full-page form, the inline row editor over htmx, conflicts and errors."""

import re

import pytest

from tasks.models import Priority, Status, Task
from tests.conftest import HTMX, oob_counts, oob_toasts, row_ids
from tests.conftest import edit_form as form_data

pytestmark = pytest.mark.django_db

INVALID = [
    pytest.param({"title": ""}, "Give the task a title.", id="blank-title"),
    pytest.param({"title": "  \n "}, "Give the task a title.", id="whitespace-title"),
    pytest.param(
        {"title": "x" * 201}, "Keep the title to 200 characters (it has 201).", id="201-char-title"
    ),
    pytest.param(
        {"due_date": "2026-02-30"}, "Enter a real date, like 2026-12-31.", id="impossible-date"
    ),
    pytest.param({"priority": "urgent"}, "Select a valid choice.", id="bad-priority"),
    pytest.param({"status": "archived"}, "Select a valid choice.", id="bad-status"),
]


@pytest.fixture
def task(alice, make_task):
    return make_task(alice, "Original title", description="Keep me", priority=Priority.LOW)


def unchanged(task):
    fresh = Task.objects.get(pk=task.pk)
    return (
        fresh.title,
        fresh.description,
        fresh.priority,
        fresh.status,
        fresh.due_date,
        fresh.version,
    ) == (task.title, task.description, task.priority, task.status, task.due_date, task.version)


def test_it_shows_the_full_edit_form_with_current_values(alice_client, task):
    response = alice_client.get(f"/task/{task.pk}/edit/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert 'value="Original title"' in html
    assert "Keep me" in html
    assert f'<input type="hidden" name="version" value="{task.version}">' in html
    assert f'action="/task/{task.pk}/edit/"' in html


def test_it_answers_htmx_with_the_inline_editor_in_place_of_the_row(alice_client, task):
    response = alice_client.get(f"/task/{task.pk}/edit/", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith(f'<li id="task-{task.pk}"')
    assert 'aria-label="Edit task"' in html
    # Ids are per row, so two open editors never share a label target.
    assert f'for="task-{task.pk}-title"' in html
    assert f'id="task-{task.pk}-title"' in html
    # The description too, in a small textarea (the stylesheet lets it grow).
    description = re.search(r'<textarea name="description"[^>]*>', html)
    assert description and f'id="task-{task.pk}-description"' in description[0]
    assert f'hx-get="/task/{task.pk}/"' in html  # Cancel brings the row back


def test_it_saves_the_full_form_and_redirects_with_a_message(alice_client, task):
    response = alice_client.post(
        f"/task/{task.pk}/edit/",
        form_data(
            task,
            title="  New title ",
            description="New description",
            priority="high",
            status="in_progress",
            due_date="2026-12-31",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    task.refresh_from_db()
    assert task.title == "New title"
    assert task.description == "New description"
    assert (task.priority, task.status) == (Priority.HIGH, Status.IN_PROGRESS)
    assert str(task.due_date) == "2026-12-31"
    assert task.version == 2
    assert "Task updated" in alice_client.get("/").content.decode()


def test_it_clears_the_due_date_when_the_field_is_emptied(alice_client, alice, make_task, days):
    task = make_task(alice, "Dated", due_date=days(3))

    alice_client.post(f"/task/{task.pk}/edit/", form_data(task, due_date=""))

    task.refresh_from_db()
    assert task.due_date is None


def test_it_saves_the_inline_edit_and_answers_with_the_row_counts_and_toast(
    alice_client, alice, make_task, task
):
    make_task(alice, "Other", status=Status.COMPLETED)

    response = alice_client.post(
        f"/task/{task.pk}/edit/",
        {
            "title": "Edited inline",
            "priority": "high",
            "status": "completed",
            "due_date": "",
            "version": task.version,
        },
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert row_ids(response) == [task.pk]
    assert "Edited inline" in html
    assert 'aria-checked="true"' in html
    assert oob_counts(response) == {"all": 2, "pending": 0, "in_progress": 0, "completed": 2}
    assert "Task updated" in oob_toasts(response)
    task.refresh_from_db()
    assert task.title == "Edited inline"
    assert task.status == Status.COMPLETED and task.completed_at is not None
    # The inline editor has no description field, so it must not wipe the description.
    assert task.description == "Keep me"


def test_it_clears_completed_at_when_an_edit_reopens_the_task(alice_client, alice, make_task):
    task = make_task(alice, "Done", status=Status.COMPLETED)
    assert task.completed_at is not None

    alice_client.post(f"/task/{task.pk}/edit/", form_data(task, status="pending"))

    task.refresh_from_db()
    assert task.completed_at is None


@pytest.mark.parametrize(("change", "error"), INVALID)
def test_it_shows_errors_in_the_full_form_and_saves_nothing(alice_client, task, change, error):
    response = alice_client.post(f"/task/{task.pk}/edit/", form_data(task, **change))

    assert response.status_code == 422
    assert error in response.content.decode()
    assert unchanged(task)


@pytest.mark.parametrize(("change", "error"), INVALID)
def test_it_shows_errors_in_the_inline_editor_and_saves_nothing(alice_client, task, change, error):
    response = alice_client.post(f"/task/{task.pk}/edit/", form_data(task, **change), **HTMX)

    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith(f'<li id="task-{task.pk}"')
    assert error in html
    assert 'aria-invalid="true"' in html
    assert unchanged(task)


def test_it_keeps_what_was_typed_when_showing_errors(alice_client, task):
    response = alice_client.post(
        f"/task/{task.pk}/edit/", form_data(task, title="Typed", due_date="2026-02-30"), **HTMX
    )

    assert 'value="Typed"' in response.content.decode()


@pytest.mark.parametrize("version", ["", "abc", "0", "99999999999999"])
def test_it_rejects_a_missing_or_garbled_version_with_422(alice_client, task, version):
    response = alice_client.post(
        f"/task/{task.pk}/edit/", form_data(task, title="Nope", version=version)
    )

    assert response.status_code == 422
    assert "This form is out of date" in response.content.decode()
    assert unchanged(task)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_refuses_a_stale_edit_with_409_and_shows_the_current_values(alice_client, task, headers):
    opened_at = task.version
    Task.objects.filter(pk=task.pk).update(title="Changed in another tab", version=opened_at + 1)

    response = alice_client.post(
        f"/task/{task.pk}/edit/",
        form_data(task, title="My stale change", version=opened_at),
        **headers,
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert "This task was changed elsewhere" in html
    assert 'value="Changed in another tab"' in html
    assert f'name="version" value="{opened_at + 1}"' in html
    assert Task.objects.get(pk=task.pk).title == "Changed in another tab"


def test_it_saves_after_reloading_the_conflict_form(alice_client, task):
    Task.objects.filter(pk=task.pk).update(version=task.version + 1)

    response = alice_client.post(
        f"/task/{task.pk}/edit/", form_data(task, title="Second try", version=task.version + 1)
    )

    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).title == "Second try"


def test_it_returns_404_for_a_deleted_task(alice_client, task):
    task.soft_delete()

    response = alice_client.post(f"/task/{task.pk}/edit/", form_data(task, title="Ghost"))

    assert response.status_code == 404
    assert Task.objects.get(pk=task.pk).title == "Original title"


def test_it_keeps_an_invalid_due_date_as_typed_and_says_how_to_fix_it(alice_client, task):
    data = {"title": "x", "priority": "low", "status": "pending", "version": task.version}

    for headers in ({}, HTMX):
        response = alice_client.post(
            f"/task/{task.pk}/edit/", data | {"due_date": "2026-02-31"}, **headers
        )
        html = response.content.decode()
        assert response.status_code == 422
        due = re.search(r'<input[^>]*name="due_date"[^>]*>', html)[0]
        # A type="date" input would show the refused value as empty: text keeps it visible.
        assert 'value="2026-02-31"' in due and 'type="text"' in due
        assert "Enter a real date, like 2026-12-31." in html


def test_a_valid_due_date_stays_a_date_input(alice_client, task):
    html = alice_client.get(f"/task/{task.pk}/edit/").content.decode()

    assert re.search(r'<input type="date" name="due_date"', html)


def test_the_inline_editor_saves_the_description(alice_client, task):
    data = {"title": "x", "description": "New notes", "priority": "low", "status": "pending"}

    response = alice_client.post(f"/task/{task.pk}/edit/", data | {"version": task.version}, **HTMX)

    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).description == "New notes"
