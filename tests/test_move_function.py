"""The one-call kanban move on PostgreSQL (tasks/move_function.py, ordering.move_next_to_card)
does what ordering.move() does: the same positions, statuses, completion times and refusals,
for any sequence of moves, including the rebalances of crowded spots and the ends of the number
line."""

import datetime as dt

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.models import AnchorMoved, Status, Task, TaskCount, ordering
from tasks.models.ordering import MAX_RANK, MIN_RANK

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the function exists on PostgreSQL only"
    ),
]

COLUMNS = [Status.PENDING, Status.IN_PROGRESS, Status.COMPLETED]
FIXED_NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


def by_python(user, pk, status, anchor, after) -> str:
    """What the view's Python path does with the same move (its outcome, in the call's words)."""
    try:
        with transaction.atomic():
            task = Task.objects.get(pk=pk, user=user, deleted_at__isnull=True)
            ordering.move(
                task,
                status or task.status,
                None,
                **{"after" if after else "before": anchor},
            )
    except AnchorMoved:
        return "conflict"
    except Task.DoesNotExist:
        return "gone"
    return "moved"


def by_function(user, pk, status, anchor, after) -> str:
    done = ordering.move_next_to_card(user.pk, pk, status, anchor, after)
    if done.outcome == "no room":  # the view then moves in Python, which renumbers the line
        return by_python(user, pk, status, anchor, after)
    return "gone" if done.outcome == "no task" else done.outcome


def state(user) -> list[tuple]:
    rows = Task.objects.filter(user=user).order_by("title")
    return [(t.title, t.position, t.status, t.completed_at is not None) for t in rows]


moves = st.lists(
    st.tuples(
        st.integers(0, 7),  # which task
        st.sampled_from([None, *COLUMNS]),  # to which column (None: its own)
        st.integers(0, 7),  # next to which task
        st.booleans(),  # after it (else before)
    ),
    max_size=25,
)
# Crowded (ties, gaps of 1) and at both ends of the number line: every rebalance path.
starts = st.one_of(
    st.lists(st.integers(-3, 3), min_size=8, max_size=8),
    st.lists(st.integers(MAX_RANK - 4, MAX_RANK), min_size=8, max_size=8),
    st.lists(st.integers(MIN_RANK, MIN_RANK + 4), min_size=8, max_size=8),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=moves, start=starts, statuses=st.lists(st.sampled_from(COLUMNS), min_size=8))
def test_it_moves_exactly_as_the_python_path_does(
    django_user_model, monkeypatch, moves, start, statuses
):
    monkeypatch.setattr("django.utils.timezone.now", lambda: FIXED_NOW)
    users = []
    for name in ("by_function", "by_python"):
        user, _ = django_user_model.objects.get_or_create(username=name)
        Task.objects.filter(user=user).delete()
        tasks = [
            Task.objects.create(user=user, title=f"t{i}", position=p, status=statuses[i])
            for i, p in enumerate(start)
        ]
        users.append((user, [t.pk for t in tasks]))
    (fn_user, fn_ids), (py_user, py_ids) = users

    for which, status, anchor, after in moves:
        said = by_function(fn_user, fn_ids[which], status, fn_ids[anchor], after)
        assert said == by_python(py_user, py_ids[which], status, py_ids[anchor], after)
        assert state(fn_user) == state(py_user)
    positions = Task.objects.filter(user=fn_user).values_list("position", flat=True)
    assert all(MIN_RANK <= p <= MAX_RANK for p in positions)


def test_it_answers_with_the_card_its_place_and_the_counts(alice, make_task):
    a = make_task(alice, "A")
    b = make_task(alice, "B", status=Status.IN_PROGRESS)
    ordering.move_next_to_card(alice.pk, a.pk, None, a.pk, True)  # a conflict writes nothing

    done = ordering.move_next_to_card(alice.pk, a.pk, Status.IN_PROGRESS, b.pk, True)

    fresh = Task.objects.get(pk=a.pk)
    assert done.outcome == "moved"
    assert (done.task.pk, done.task.status, done.task.version) == (
        a.pk,
        Status.IN_PROGRESS,
        fresh.version,
    )
    assert done.task.position == fresh.position and done.above == 1
    assert (done.was_status, done.was[0]) == (Status.PENDING, a.version)
    assert done.task.project_name == fresh.project.name
    assert TaskCount.summarize(done.count_rows) == TaskCount.for_user(alice)
    assert done.column_total == 2


def test_a_reorder_within_a_column_answers_its_total_and_reads_no_counts(alice, make_task):
    for name in "ABC":
        make_task(alice, name)
    make_task(alice, "elsewhere", status=Status.COMPLETED)
    column = Task.objects.filter(user=alice, status=Status.PENDING).order_by("position", "id")
    first, last = column[0], column[2]

    done = ordering.move_next_to_card(alice.pk, first.pk, None, last.pk, True)

    assert done.outcome == "moved" and done.task.status == Status.PENDING
    assert done.count_rows is None  # no count changed: none read
    assert (done.above, done.column_total) == (2, 3)
    assert list(column.values_list("pk", flat=True))[-1] == first.pk


def test_it_refuses_another_users_task_or_anchor(alice, bob, make_task):
    mine, theirs = make_task(alice, "mine"), make_task(bob, "theirs")
    before = state(alice), state(bob)

    assert ordering.move_next_to_card(alice.pk, theirs.pk, None, mine.pk, True).outcome == (
        "no task"
    )
    assert ordering.move_next_to_card(alice.pk, mine.pk, None, theirs.pk, True).outcome == "gone"
    assert (state(alice), state(bob)) == before


def _returns() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_function_result('tasks_move_card'::regproc)")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_migration_0012_replaces_the_function_and_back():
    from django.db.migrations.executor import MigrationExecutor

    def migrate(target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("tasks", target)])

    assert "column_total" in _returns()
    try:
        migrate("0011_move_function")
        assert "column_total" not in _returns() and "counts json" in _returns()
    finally:
        migrate("0012_move_function_column_total")
    assert "column_total" in _returns()
