"""Every change to one task that can be undone offers Undo in its toast, naming the task (issue 22
item 13): completing and reopening, a board move (put back where it was), a move to another
project; a repeating task's toast names it too. Each Undo is a compare-and-swap: after a later
change it undoes nothing."""

import pytest

from sharing.models import Membership, Role
from tasks.models import Project, Status, Task
from tests.conftest import HTMX, htmx_on, oob_toasts, row_ids
from tests.html import find, parse

pytestmark = pytest.mark.django_db


def undo_form(html: str, words: str) -> tuple[str, dict]:
    """The action and fields of the Undo form in the toast that says `words`."""
    toast = next(t for t in parse(html).find_all("div", data_toast=True) if words in t.text)
    form = toast.find("form", data_undo_form=True)
    assert form is not None, f"no Undo in the toast “{words}”"
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    fields.pop("csrfmiddlewaretoken", None)
    return form["action"], fields


@pytest.fixture
def rent(alice, make_task):
    return make_task(alice, "Pay rent")


@pytest.mark.parametrize("status", [Status.PENDING, Status.IN_PROGRESS])
def test_completing_offers_undo_that_puts_the_status_and_version_back(alice_client, rent, status):
    Task.objects.filter(pk=rent.pk).update(status=status)
    rent.refresh_from_db()

    response = alice_client.post(f"/task/{rent.pk}/toggle/", **HTMX)

    action, fields = undo_form(oob_toasts(response), "Completed “Pay rent”")
    assert action == f"/task/{rent.pk}/undo/"
    undone = alice_client.post(action, fields, **HTMX)
    assert undone.status_code == 200
    assert rent.pk in row_ids(undone)
    assert "Undone: “Pay rent”" in oob_toasts(undone)
    task = Task.objects.get(pk=rent.pk)
    assert (task.status, task.completed_at, task.version) == (status, None, rent.version)


def test_reopening_offers_undo_too(alice_client, alice, make_task):
    done = make_task(alice, "Filed", status=Status.COMPLETED)

    response = alice_client.post(f"/task/{done.pk}/toggle/", **HTMX)

    action, fields = undo_form(oob_toasts(response), "Reopened “Filed”")
    alice_client.post(action, fields, **HTMX)
    task = Task.objects.get(pk=done.pk)
    assert task.status == Status.COMPLETED and task.completed_at is not None


def test_an_undo_after_a_later_change_undoes_nothing(alice_client, rent):
    response = alice_client.post(f"/task/{rent.pk}/toggle/", **HTMX)
    action, fields = undo_form(oob_toasts(response), "Completed “Pay rent”")
    Task.objects.filter(pk=rent.pk).update(title="Pay the rent", version=rent.version + 5)

    undone = alice_client.post(action, fields, **HTMX)

    assert "Not undone: the task changed since" in oob_toasts(undone)
    task = Task.objects.get(pk=rent.pk)
    assert (task.status, task.title) == (Status.COMPLETED, "Pay the rent")


def test_a_plain_undo_returns_to_the_board_it_came_from(alice_client, rent):
    alice_client.post(f"/task/{rent.pk}/toggle/", {"next": "/?sort=title"})
    page = alice_client.get("/?sort=title").content.decode()
    action, fields = undo_form(page, "Completed “Pay rent”")
    assert fields["next"] == "/?sort=title"

    response = alice_client.post(action, fields)

    assert response.status_code == 302 and response["Location"] == "/?sort=title"
    assert Task.objects.get(pk=rent.pk).status == Status.PENDING


def test_a_repeating_tasks_toast_names_it_and_offers_undo(alice_client, alice, make_task, today):
    plants = make_task(alice, "Water plants", due_date=today, recurrence="FREQ=DAILY")

    response = alice_client.post(
        f"/task/{plants.pk}/toggle/", {"occurrence": today.isoformat()}, **HTMX
    )

    toasts = oob_toasts(response)
    following = Task.objects.get(pk=plants.pk).due_date
    words = f"“Water plants” — next: {following:%a} {following.day} {following:%b}"
    action, _ = undo_form(toasts, words)
    assert action.startswith(f"/task/{plants.pk}/completions/")


def test_a_board_move_offers_undo_that_puts_the_card_back(alice_client, alice, make_task):
    first = make_task(alice, "First")
    card = make_task(alice, "Card")
    before = Task.objects.get(pk=card.pk)

    response = alice_client.post(
        f"/task/{card.pk}/move/", {"status": "in_progress"}, **htmx_on("/?layout=board")
    )

    action, fields = undo_form(oob_toasts(response), "Moved “Card” to In progress")
    assert fields["kind"] == "move"
    undone = alice_client.post(action, fields, **htmx_on("/?layout=board"))
    assert undone.status_code == 200
    task = Task.objects.get(pk=card.pk)
    assert (task.status, task.position, task.version) == (
        before.status,
        before.position,
        before.version,
    )
    assert Task.objects.get(pk=first.pk).status == Status.PENDING


def test_a_reorder_undo_leaves_the_column_alone(alice_client, alice, make_task):
    make_task(alice, "Top")
    card = make_task(alice, "Card", status=Status.COMPLETED)  # newest: first in its column
    before = Task.objects.get(pk=card.pk)
    other = make_task(alice, "Other done", status=Status.COMPLETED)

    response = alice_client.post(
        f"/task/{card.pk}/move/", {"after": other.pk}, **htmx_on("/?layout=board")
    )

    _, fields = undo_form(oob_toasts(response), "Moved “Card”")
    alice_client.post(f"/task/{card.pk}/undo/", fields, **htmx_on("/?layout=board"))
    task = Task.objects.get(pk=card.pk)
    assert (task.status, task.position, task.completed_at) == (
        Status.COMPLETED,
        before.position,
        before.completed_at,
    )


def test_a_move_to_another_project_offers_undo(alice_client, alice, rent):
    home = Project.objects.create_for(alice, "Home")
    inbox = rent.project

    response = alice_client.post(
        f"/task/{rent.pk}/project/", {"project": home.pk, "version": rent.version}, **HTMX
    )

    action, fields = undo_form(oob_toasts(response), "Moved “Pay rent” to Home")
    alice_client.post(action, fields, **htmx_on("/inbox/"))
    assert Task.objects.get(pk=rent.pk).project_id == inbox.pk


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_viewer_may_not_undo_and_an_outsider_sees_nothing(
    client, alice, bob, django_user_model, make_task, headers
):
    shared = Project.objects.create_for(alice, "Shared")
    Membership.objects.create(project=shared, user=bob, role=Role.VIEWER)
    task = make_task(alice, "Shared task", project=shared, status=Status.COMPLETED)
    Task.objects.filter(pk=task.pk).update(version=2)
    fields = {"kind": "toggle", "version": 2, "status": "pending"}
    client.force_login(bob)
    assert client.post(f"/task/{task.pk}/undo/", fields, **headers).status_code == 403
    client.force_login(django_user_model.objects.create_user("carol"))
    assert client.post(f"/task/{task.pk}/undo/", fields, **headers).status_code == 404
    assert Task.objects.get(pk=task.pk).status == Status.COMPLETED


def test_an_editor_of_a_shared_project_undoes(client, alice, bob, make_task):
    shared = Project.objects.create_for(alice, "Shared")
    Membership.objects.create(project=shared, user=bob, role=Role.EDITOR)
    task = make_task(alice, "Shared task", project=shared)
    client.force_login(bob)

    response = client.post(f"/task/{task.pk}/toggle/", **htmx_on(f"/projects/{shared.pk}/"))
    action, fields = undo_form(oob_toasts(response), "Completed “Shared task”")
    client.post(action, fields, **htmx_on(f"/projects/{shared.pk}/"))

    assert Task.objects.get(pk=task.pk).status == Status.PENDING


def test_anonymous_is_sent_to_log_in(client, rent):
    response = client.post(f"/task/{rent.pk}/undo/", {"kind": "toggle", "version": 2})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"kind": "toggle", "version": 2},
        {"kind": "toggle", "version": "x", "status": "pending"},
        {"kind": "move", "version": 2, "status": "pending", "position": "2" * 30},
        {"kind": "elsewhere", "version": 2},
    ],
)
def test_a_garbled_undo_is_refused_with_a_message(alice_client, rent, fields):
    before = Task.objects.get(pk=rent.pk)

    response = alice_client.post(f"/task/{rent.pk}/undo/", fields, **HTMX)

    assert response.status_code == 422
    assert "could not be read" in oob_toasts(response)
    after = Task.objects.get(pk=rent.pk)
    assert (after.status, after.version) == (before.status, before.version)


def test_it_takes_post_only(alice_client, rent):
    assert alice_client.get(f"/task/{rent.pk}/undo/").status_code == 405


def test_the_toast_undo_is_a_plain_form_off_the_board(alice_client, rent, today):
    response = alice_client.post(
        f"/task/{rent.pk}/reschedule/",
        {"action": "postpone", "due_date": today.isoformat(), "version": rent.version,
         "next": f"/task/{rent.pk}/"},
    )  # fmt: skip
    assert response["Location"] == f"/task/{rent.pk}/"

    page = alice_client.get(f"/task/{rent.pk}/")

    form = find(page, "form", data_undo_form=True)
    assert form is not None and form.get("hx-post") is None
