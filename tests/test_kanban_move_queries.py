"""A kanban move's statements: few, and the same for a few tasks as for many (issue 15's
"a move under 10 ms server time": every statement a move runs is on its hot path)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks.models import GAP, Status, Task, ordering
from tests.conftest import htmx_on

pytestmark = pytest.mark.django_db

BOARD = "/?layout=board"
HTMX_BOARD = htmx_on(BOARD)

# Session, user, savepoint, the person's projects, the move lock on them, the task with its
# card's project and tags, the anchor, its neighbour, the write, the person's projects again
# (with the counts the write changed), the card's place, release.
ANCHORED = 12
# A move to a column's top has no anchor: its first card and that card's predecessor.
TO_TOP = 12
# Up/down first finds the neighbour in the column as shown, then moves next to it.
STEP = 13


def column_of(user, n, status=Status.PENDING, offset=0):
    # Columns interleave on the user's line: `offset` keeps their positions apart, so no move
    # here meets two neighbours without room between them (a rebalance, counted elsewhere).
    return Task.objects.bulk_create(
        Task(user=user, title=f"t{i}", status=status, position=i * GAP + offset) for i in range(n)
    )


def statements(client, task, data, headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/task/{task.pk}/move/", data, **headers)
    assert response.status_code in (200, 302), response.status_code
    return len(queries)


@pytest.mark.parametrize("headers", [HTMX_BOARD, {}], ids=["htmx", "plain"])
def test_it_moves_in_the_same_few_statements_for_a_few_and_many_tasks(
    client, django_user_model, headers
):
    found = {}
    for n in (4, 300):
        user = django_user_model.objects.create_user(f"u{n}")
        client.force_login(user)
        client.get(BOARD)  # a first request also settles the session: not the move's cost
        pending = column_of(user, n)
        doing = column_of(user, n, Status.IN_PROGRESS, offset=GAP // 2)
        last, deep = pending[-1], pending[n // 2]
        found[n] = {
            "within": statements(
                client, last, {"status": "pending", "after": pending[0].pk}, headers
            ),
            "across": statements(
                client, deep, {"status": "in_progress", "after": doing[1].pk}, headers
            ),
            "before": statements(
                client, pending[1], {"status": "pending", "before": pending[0].pk}, headers
            ),
            "to_top": statements(client, doing[-1], {"status": "pending"}, headers),
            "step": statements(client, pending[-2], {"dir": "up"}, headers),
        }

    assert found[4] == found[300]
    assert found[300] == {
        "within": ANCHORED,
        "across": ANCHORED,
        "before": ANCHORED,
        "to_top": TO_TOP,
        "step": STEP,
    }


def test_it_lands_next_to_the_anchor_from_two_statements(alice):
    a, b, c, d = column_of(alice, 4)
    line = Task.objects.visible_to(alice)
    line.count()  # the person's Access, read once

    with CaptureQueriesContext(connection) as queries:
        after = ordering.anchor_and_neighbour(line, b.pk, a.pk, after=True)
        before = ordering.anchor_and_neighbour(line, b.pk, c.pk, after=False)
        last = ordering.anchor_and_neighbour(line, d.pk, a.pk, after=True)

    assert len(queries) == 6
    assert [t.pk for t in after] == [b.pk, c.pk]
    assert [t.pk for t in before] == [b.pk, a.pk]
    assert [last[0].pk, last[1]] == [d.pk, None]
    assert line.count() == 4


def test_it_finds_no_anchor_that_is_deleted_or_someone_elses(alice, bob):
    a, b = column_of(alice, 2)
    (theirs,) = column_of(bob, 1)
    Task.objects.filter(pk=b.pk).update(deleted_at=a.created_at)

    for anchor in (b, theirs):
        with pytest.raises(Task.DoesNotExist):
            ordering.anchor_and_neighbour(Task.objects.visible_to(alice), anchor.pk, a.pk, True)


def test_it_rebalances_an_exhausted_gap_in_few_statements_for_a_few_and_many_tasks(
    client, django_user_model
):
    found = []
    for n in (20, 300):
        user = django_user_model.objects.create_user(f"u{n}")
        client.force_login(user)
        client.get(BOARD)
        # No room between the first two cards; GAP between all the others.
        positions = [0, 1, *(i * GAP for i in range(2, n))]
        tasks = Task.objects.bulk_create(
            Task(user=user, title=f"t{i}", position=p) for i, p in enumerate(positions)
        )
        moved = tasks[-1]

        count = statements(client, moved, {"status": "pending", "after": tasks[0].pk}, HTMX_BOARD)

        order = ordering.ids_in_order(Task.objects.filter(user=user))
        assert order[:3] == [tasks[0].pk, moved.pk, tasks[1].pk]
        # Only a small window after the anchor was renumbered, not the column.
        untouched = Task.objects.filter(user=user, position__in=positions[10:-1]).count()
        assert untouched == n - 11
        found.append(count)

    # The move's statements, the window's read and its write.
    assert found == [ANCHORED + 2, ANCHORED + 2]


def test_it_writes_the_moves_fields_as_the_orm_would(alice_client, alice):
    before, task = column_of(alice, 2)

    alice_client.post(f"/task/{task.pk}/move/", {"status": "completed"}, **HTMX_BOARD)
    done = Task.objects.get(pk=task.pk)
    alice_client.post(
        f"/task/{task.pk}/move/", {"status": "pending", "before": before.pk}, **HTMX_BOARD
    )
    back = Task.objects.get(pk=task.pk)

    assert done.status == Status.COMPLETED and done.version == task.version + 1
    assert done.completed_at is not None and done.completed_at.tzinfo is not None
    assert done.updated_at > task.updated_at
    assert (back.status, back.completed_at, back.version) == (
        Status.PENDING,
        None,
        task.version + 2,
    )
    assert back.updated_at > done.updated_at
    assert ordering.ids_in_order(Task.objects.filter(user=alice)) == [task.pk, before.pk]
