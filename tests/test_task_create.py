"""Creating a task: the full form page, quick add over htmx, and their errors."""

import pytest

from tasks.models import Priority, Status, Task
from tests.conftest import HTMX, oob_counts, oob_toasts, row_ids

pytestmark = pytest.mark.django_db

URL = "/task/new/"

INVALID = [
    pytest.param({"title": ""}, "Give the task a title.", id="blank-title"),
    pytest.param({"title": "   \t "}, "Give the task a title.", id="whitespace-title"),
    pytest.param(
        {"title": "x" * 201}, "Keep the title to 200 characters (it has 201).", id="201-char-title"
    ),
    pytest.param(
        {"title": "Ok", "due_date": "2026-02-30"},
        "Enter a real date, like 2026-12-31.",
        id="impossible-date",
    ),
    pytest.param(
        {"title": "Ok", "priority": "urgent"}, "Select a valid choice.", id="bad-priority"
    ),
    pytest.param({"title": "Ok", "status": "archived"}, "Select a valid choice.", id="bad-status"),
]


def test_it_shows_the_full_form_with_every_field(alice_client):
    response = alice_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    for name in ("title", "description", "priority", "status", "due_date"):
        assert f'name="{name}"' in html
    assert 'type="date"' in html
    assert 'value="Add task"' in html


def test_it_creates_a_task_from_the_full_form_and_redirects_with_a_message(alice_client, alice):
    response = alice_client.post(
        URL,
        {
            "title": "  Renew passport  ",
            "description": "Photos first.",
            "priority": "high",
            "status": "in_progress",
            "due_date": "2026-12-31",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    task = Task.objects.get()
    assert task.user == alice
    assert task.title == "Renew passport"
    assert task.description == "Photos first."
    assert (task.priority, task.status) == (Priority.HIGH, Status.IN_PROGRESS)
    assert str(task.due_date) == "2026-12-31"
    assert task.completed_at is None
    board = alice_client.get("/")
    assert "Task added" in board.content.decode()
    assert row_ids(board) == [task.pk]


def test_it_defaults_priority_and_status_for_a_title_only_quick_add(alice_client):
    alice_client.post(URL, {"title": "Just a title"})

    task = Task.objects.get()
    assert (task.priority, task.status, task.due_date) == (Priority.NONE, Status.PENDING, None)


def test_it_accepts_a_title_of_exactly_200_characters(alice_client):
    alice_client.post(URL, {"title": "x" * 200})

    assert Task.objects.get().title == "x" * 200


def test_it_sets_completed_at_when_created_completed(alice_client):
    alice_client.post(URL, {"title": "Already done", "status": "completed"})

    assert Task.objects.get().completed_at is not None


def test_it_redirects_back_to_the_filtered_board_it_came_from(alice_client):
    response = alice_client.post(URL, {"title": "x", "next": "/?status=pending&q=rep"})

    assert response["Location"] == "/?status=pending&q=rep"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/admin/"])
def test_it_never_redirects_off_the_board(alice_client, target):
    response = alice_client.post(URL, {"title": "x", "next": target})

    assert response["Location"] == "/"


def test_it_ignores_an_attempt_to_create_the_task_for_someone_else(alice_client, alice, bob):
    alice_client.post(URL, {"title": "Mine", "user": bob.pk})

    assert Task.objects.get().user == alice
    assert not Task.objects.filter(user=bob).exists()


def test_it_answers_quick_add_over_htmx_with_the_new_row_counts_and_toast(
    alice_client, alice, make_task
):
    make_task(alice, "Earlier", status=Status.COMPLETED)

    response = alice_client.post(URL, {"title": "Buy milk"}, **HTMX)

    task = Task.objects.get(title="Buy milk")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert row_ids(response) == [task.pk]
    assert html.lstrip().startswith(f'<li id="task-{task.pk}"')
    assert oob_counts(response) == {"all": 2, "pending": 1, "in_progress": 0, "completed": 1}
    assert "Task added" in oob_toasts(response)


def test_it_consumes_the_message_so_it_is_not_shown_again(alice_client):
    alice_client.post(URL, {"title": "Once"}, **HTMX)

    assert "Task added" not in alice_client.get("/").content.decode()


@pytest.mark.parametrize(("data", "error"), INVALID)
def test_it_shows_errors_in_the_full_form_and_saves_nothing(alice_client, data, error):
    response = alice_client.post(URL, data)

    assert response.status_code == 422
    assert error in response.content.decode()
    assert "<form" in response.content.decode()
    assert not Task.objects.exists()


@pytest.mark.parametrize(("data", "error"), INVALID)
def test_it_shows_errors_in_the_quick_add_form_over_htmx_and_saves_nothing(
    alice_client, data, error
):
    response = alice_client.post(URL, data, **HTMX)

    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#quick-add"
    assert response["HX-Reswap"] == "outerHTML"
    assert html.lstrip().startswith('<form id="quick-add"')
    assert error in html
    assert not Task.objects.exists()


def test_it_marks_the_quick_add_title_invalid_for_assistive_technology(alice_client):
    html = alice_client.post(URL, {"title": " "}, **HTMX).content.decode()

    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="quick-title-error"' in html
    assert 'id="quick-title-error"' in html
