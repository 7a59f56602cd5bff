"""The board runs the same few queries whatever the number of tasks (no N+1)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks.models import Priority, Status, Task
from tests.conftest import HTMX, row_ids

pytestmark = pytest.mark.django_db

# Session, user, one page of tasks, and (full page only) the status counts and the sidebar.
MAX_QUERIES = 5
MAX_FRAGMENT_QUERIES = 4


def fill(user, n, days):
    statuses, priorities = list(Status), [Priority.LOW, Priority.MEDIUM, Priority.HIGH]
    Task.objects.bulk_create(
        Task(
            user=user,
            title=f"Task {i} report",
            description="details",
            status=statuses[i % 3],
            priority=priorities[i % 3],
            due_date=days(i % 9 - 3) if i % 2 else None,
        )
        for i in range(n)
    )


def count_queries(client, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", {"q": "rep is:open", "sort": "due"}, **headers)
    assert response.status_code == 200
    assert row_ids(response), "an empty page would prove nothing about N+1"
    return len(queries)


@pytest.mark.parametrize("n", [10, 200])
def test_it_renders_the_full_board_in_at_most_five_queries(
    alice_client, alice, days, django_assert_max_num_queries, n
):
    fill(alice, n, days)

    with django_assert_max_num_queries(MAX_QUERIES):
        response = alice_client.get("/")

    assert len(row_ids(response)) == min(n, 25)


@pytest.mark.parametrize("n", [10, 200])
def test_it_renders_the_list_fragment_in_at_most_four_queries(
    alice_client, alice, days, django_assert_max_num_queries, n
):
    fill(alice, n, days)

    with django_assert_max_num_queries(MAX_FRAGMENT_QUERIES):
        response = alice_client.get("/", **HTMX)

    assert len(row_ids(response)) == min(n, 25)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "fragment"])
def test_it_runs_the_same_number_of_queries_for_10_and_200_tasks(
    client, django_user_model, days, headers
):
    counts = []
    for n, name in ((10, "few"), (200, "many")):
        user = django_user_model.objects.create_user(name)
        fill(user, n, days)
        client.force_login(user)
        counts.append(count_queries(client, **headers))

    assert counts[0] == counts[1]
    assert counts[1] <= MAX_QUERIES


def test_it_pins_the_fragment_on_a_later_page(alice_client, alice, days, django_assert_num_queries):
    fill(alice, 200, days)
    html = alice_client.get("/", **HTMX).content.decode()
    after = html[html.index("after=") :].split('"')[0]

    # Session, user, the list version, the page: a deep page costs what the first one does.
    with django_assert_num_queries(4):
        response = alice_client.get(f"/?{after}", **HTMX)

    assert len(row_ids(response)) == 25


# --- the Trash, undo and the row answers: the same queries for a few tasks and for many -----


def fill_with_deleted(user, n, days):
    """n tasks of which two thirds are in the trash, deleted one minute apart."""
    fill(user, n, days)
    ids = list(Task.objects.filter(user=user).order_by("id").values_list("id", flat=True))
    deleted = ids[: n * 2 // 3]
    Task.objects.filter(id__in=deleted).update(deleted_at=timezone.now())
    for minutes, pk in enumerate(deleted):
        Task.objects.filter(pk=pk).update(deleted_at=timezone.now() - dt.timedelta(minutes=minutes))
    return Task.objects.visible_to(user).order_by("id").first()


# name -> (request(client, task) -> response, queries for a few tasks and for many).
# Every answer starts with session, user and the person's projects (tasks.models.access: who
# sees what, read once per request, again after a write for the counts). The Trash: then its
# page of deleted tasks, whatever the template (no htmx branch). The writes run in a
# transaction (BEGIN/COMMIT, savepoints under the test runner): undo locks the last deleted
# task, restores it, re-reads it, and renders the list on screen with the counts; create
# inserts and reads the counts; toggle and edit read the task, write it (edit reads it again
# under a row lock to compare versions), and read the counts.
REQUESTS = {
    "trash page": (lambda c, t: c.get("/trash/"), 5),
    "trash page, htmx": (lambda c, t: c.get("/trash/", **HTMX), 5),
    "undo, htmx": (lambda c, t: c.post("/trash/undo/", **HTMX), 10),
    # create also finds the Inbox the new task goes to.
    "create, htmx": (lambda c, t: c.post("/task/new/", {"title": "New one"}, **HTMX), 7),
    "edit, htmx": (
        lambda c, t: c.post(
            f"/task/{t.pk}/edit/",
            {"title": "Edited", "priority": "medium", "status": "pending", "version": t.version},
            **HTMX,
        ),
        9,
    ),
    "toggle, htmx": (lambda c, t: c.post(f"/task/{t.pk}/toggle/", **HTMX), 9),
}


@pytest.mark.parametrize("name", REQUESTS)
def test_it_runs_the_same_queries_for_a_few_and_many_deleted_tasks(
    client, django_user_model, days, name
):
    request, expected = REQUESTS[name]
    counts = []
    for n, username in ((6, "few"), (300, "many")):
        user = django_user_model.objects.create_user(username)
        task = fill_with_deleted(user, n, days)
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = request(client, task)
        assert response.status_code == 200, response.content[:500]
        counts.append(len(queries))

    assert counts[0] == counts[1] == expected, counts
