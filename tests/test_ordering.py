"""Manual order (tasks/models/ordering.py): gapped ranks, small rebalances, permutations."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.models import GAP, AnchorMoved, Status, Task, ordering
from tasks.models.access import access_for
from tasks.models.ordering import MAX_RANK, MIN_RANK, between, spread

pytestmark = pytest.mark.django_db


def column(user, status=Status.PENDING):
    return Task.objects.visible_to(user).filter(status=status)


def order(user, status=Status.PENDING) -> list[int]:
    return list(ordering.ids_in_order(column(user, status)))


def tasks_at(user, positions, status=Status.PENDING) -> list[Task]:
    return [
        Task.objects.create(user=user, title=f"t{i}", status=status, position=p)
        for i, p in enumerate(positions)
    ]


def move(task, status=None, **anchor):
    """A move as services.move_task makes one: the mover's line locked, the task read again."""
    with transaction.atomic():
        line = Task.objects.visible_to(task.user)
        ordering.lock_moves(access_for(task.user).projects)
        task = line.get(pk=task.pk)
        status = status or task.status
        return ordering.move(line, task, status, column(task.user, status), **anchor)


# --- rank math ---------------------------------------------------------------------------------


def test_it_puts_a_position_halfway_between_neighbours():
    assert between(0, 10) == 5
    assert between(0, 2) == 1


def test_it_finds_no_room_between_adjacent_or_equal_positions():
    assert between(0, 1) is None
    assert between(7, 7) is None


def test_it_steps_a_gap_past_either_end():
    assert between(None, 0) == -GAP
    assert between(0, None) == GAP
    assert between(None, None) == 0


def test_it_finds_no_room_past_the_ends_of_the_number_line():
    assert between(None, MIN_RANK + GAP - 1) is None
    assert between(MAX_RANK - GAP + 1, None) is None


def test_it_spreads_positions_evenly_inside_a_range():
    assert spread(0, 100, 3) == [25, 50, 75]
    assert spread(0, 3, 3) is None
    assert spread(0, None, 2) == [GAP, 2 * GAP]


def test_it_gives_new_tasks_decreasing_positions_so_they_come_first(alice):
    older = Task.objects.create(user=alice, title="older")
    newer = Task.objects.create(user=alice, title="newer")
    assert newer.position < older.position
    assert order(alice) == [newer.pk, older.pk]


# --- moves -------------------------------------------------------------------------------------


def test_it_moves_a_task_between_two_others_with_one_write(alice):
    a, b, c = tasks_at(alice, [0, GAP, 2 * GAP])

    moved = move(c, after=a.pk)

    assert order(alice) == [a.pk, c.pk, b.pk]
    assert moved.written == 1
    assert Task.objects.get(pk=c.pk).position == GAP // 2


def test_it_moves_a_task_before_the_first(alice):
    a, b, c = tasks_at(alice, [0, GAP, 2 * GAP])

    move(c, before=a.pk)

    assert order(alice) == [c.pk, a.pk, b.pk]


def test_it_moves_a_task_after_the_last(alice):
    a, b, c = tasks_at(alice, [0, GAP, 2 * GAP])

    moved = move(a, after=c.pk)

    assert order(alice) == [b.pk, c.pk, a.pk]
    assert moved.written == 1


def test_it_moves_to_the_top_of_a_column_without_an_anchor(alice):
    a, b = tasks_at(alice, [0, GAP], status=Status.IN_PROGRESS)
    (p,) = tasks_at(alice, [5 * GAP])

    move(p, Status.IN_PROGRESS)

    assert order(alice, Status.IN_PROGRESS) == [p.pk, a.pk, b.pk]
    assert order(alice) == []


def test_it_moves_into_an_empty_column(alice):
    a, b = tasks_at(alice, [0, GAP])

    move(a, Status.COMPLETED)

    assert order(alice, Status.COMPLETED) == [a.pk]
    assert order(alice) == [b.pk]
    assert Task.objects.get(pk=a.pk).completed_at is not None


def test_it_rebalances_a_small_window_when_the_gap_is_used_up(alice):
    # Five packed positions (no room between them), then a sparse tail.
    tasks = tasks_at(alice, [0, 1, 2, 3, 4] + [k * GAP for k in range(1, 36)])
    last = tasks[-1]

    moved = move(last, after=tasks[0].pk)

    expected = [tasks[0].pk, last.pk] + [t.pk for t in tasks[1:-1]]
    assert order(alice) == expected
    # A window near the anchor, not the whole column.
    assert 1 < moved.written <= 1 + ordering.WINDOW
    assert len(set(Task.objects.values_list("position", flat=True))) == 40


def test_it_writes_a_few_rows_per_move_on_average_when_moves_hit_one_spot(alice):
    tasks = tasks_at(alice, [k * GAP for k in range(50)])
    written = 0
    for i in range(200):
        written += move(Task.objects.get(pk=tasks[-1 - i % 40].pk), after=tasks[0].pk).written

    assert written / 200 <= 4
    assert len(order(alice)) == 50


def test_it_rebalances_ties_between_equal_positions(alice):
    tasks = tasks_at(alice, [0] * 6)  # equal positions: ordered by id

    move(tasks[5], after=tasks[1].pk)

    assert order(alice) == [tasks[0].pk, tasks[1].pk, tasks[5].pk] + [t.pk for t in tasks[2:5]]


def test_it_keeps_other_columns_in_order_when_a_window_is_rebalanced(alice):
    # Pending and completed tasks interleave on the user's line; a rebalance for one column
    # must leave the other's order (and the Manual list's) alone.
    pending = tasks_at(alice, [0, 2, 4, 6, 8])
    done = tasks_at(alice, [1, 3, 5, 7, 9], status=Status.COMPLETED)
    line_before = [t.pk for t in Task.objects.order_by("position", "id") if t.pk != pending[4].pk]

    move(pending[4], after=pending[0].pk)

    assert order(alice, Status.COMPLETED) == [t.pk for t in done]
    line = [t.pk for t in Task.objects.order_by("position", "id")]
    assert [pk for pk in line if pk != pending[4].pk] == line_before
    assert line.index(pending[4].pk) == line.index(pending[0].pk) + 1


def test_it_renumbers_once_when_the_number_line_runs_out_at_the_top(alice):
    a, b = tasks_at(alice, [MIN_RANK, MIN_RANK + 1])

    move(b, before=a.pk)

    assert order(alice) == [b.pk, a.pk]
    positions = sorted(Task.objects.values_list("position", flat=True))
    assert positions[1] - positions[0] >= 2


def test_it_makes_room_at_the_bottom_of_the_number_line(alice):
    a, b = tasks_at(alice, [MAX_RANK - 1, MAX_RANK])

    move(a, after=b.pk)

    assert order(alice) == [b.pk, a.pk]
    assert max(Task.objects.values_list("position", flat=True)) <= MAX_RANK


def test_it_refuses_an_anchor_in_another_column(alice):
    a, b = tasks_at(alice, [0, GAP])
    (c,) = tasks_at(alice, [0], status=Status.COMPLETED)

    with pytest.raises(AnchorMoved):
        move(a, after=c.pk)
    with pytest.raises(AnchorMoved):
        move(a, after=a.pk)
    assert order(alice) == [a.pk, b.pk]


def test_it_refuses_another_users_task_as_anchor(alice, bob):
    (a,) = tasks_at(alice, [0])
    (theirs,) = tasks_at(bob, [0])

    with pytest.raises(Task.DoesNotExist):
        move(a, after=theirs.pk)


def test_it_bumps_the_version_so_a_stale_edit_sees_the_move(alice):
    a, b = tasks_at(alice, [0, GAP])

    move(a, after=b.pk)

    assert Task.objects.get(pk=a.pk).version == a.version + 1


# --- property: any sequence of moves keeps the order a permutation ------------------------------

COLUMNS = [Status.PENDING, Status.IN_PROGRESS, Status.COMPLETED]
moves = st.lists(
    st.tuples(
        st.integers(0, 7),  # which task
        st.sampled_from(COLUMNS),  # to which column
        st.sampled_from(["after", "before", "top"]),
        st.integers(0, 7),  # which anchor (if in that column)
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=moves, start=st.lists(st.integers(-3, 3), min_size=8, max_size=8))
def test_it_keeps_every_column_a_permutation_under_random_moves(django_user_model, moves, start):
    user, _ = django_user_model.objects.get_or_create(username="prop")
    Task.objects.filter(user=user).delete()
    # Crowded start positions (ties, gaps of 1) force rebalances early.
    tasks = [Task.objects.create(user=user, title=f"t{i}", position=p) for i, p in enumerate(start)]
    model = {s: [] for s in COLUMNS}
    model[Status.PENDING] = order(user)
    ids = [t.pk for t in tasks]
    for which, status, how, anchor_index in moves:
        pk, anchor = ids[which], ids[anchor_index]
        if how != "top" and (anchor == pk or anchor not in model[status]):
            continue
        for col in model.values():
            if pk in col:
                col.remove(pk)
        if how == "after":
            model[status].insert(model[status].index(anchor) + 1, pk)
        elif how == "before":
            model[status].insert(model[status].index(anchor), pk)
        else:
            model[status].insert(0, pk)
        anchor_kw = {} if how == "top" else {how: anchor}
        move(Task.objects.get(pk=pk), status, **anchor_kw)
        for s in COLUMNS:
            assert order(user, s) == model[s]
    assert sorted(pk for col in model.values() for pk in col) == sorted(ids)
    positions = list(Task.objects.filter(user=user).values_list("position", "id"))
    assert all(MIN_RANK <= p <= MAX_RANK for p, _ in positions)
