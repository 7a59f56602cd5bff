"""Manual order: where a task stands among its neighbours (the Manual sort, the kanban columns).

Every list in manual order is sorted by the key (position, id), ascending. Positions are gapped
integers: a move puts the task at the midpoint between its new neighbours, one UPDATE. Only when
two neighbours leave no integer between them is a small window of the tasks that follow
renumbered (doubling its size until the range it spans has room), so a move writes O(1) rows
amortized and never renumbers a whole project or column.

All of a user's tasks share one number line. A column (one status, perhaps one project) or the
list is a subset of it, and a window is always renumbered in the order of the user's whole line:
spreading it keeps every subset's order too, so a rebalance made for one column cannot reorder
another column, project or the Manual list.

Moves of one user are serialized by a row lock on the user (FOR NO KEY UPDATE, which does not
block inserts that reference the user): two tabs moving at once both land, one after the other,
each reading the positions the other wrote, so no two moves compute the same midpoint.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.db.transaction import TransactionManagementError
from django.utils import timezone

if TYPE_CHECKING:
    from .task import Task, TaskQuerySet

# The distance a move to either end of a column leaves, and the spacing of renumbered ranks.
GAP = 1 << 16
# Positions stay inside +-2**62: a move past either end can never overflow a 64-bit column.
MIN_RANK = -(1 << 62)
MAX_RANK = 1 << 62
# The first window a rebalance tries; it doubles until the range it spans leaves every task at
# least SPREAD apart, so the next rebalance there is some halvings away (amortized O(1) writes).
WINDOW = 8
SPREAD = GAP // 16


def new_position() -> int:
    """A new task's position: newer tasks first (top of their column), like the default sort.

    Minus the time in microseconds, so creating a task needs no query and no lock; tasks created
    seconds apart are a million apart, and two created in the same microsecond tie on position
    and are ordered by id.
    """
    return -time.time_ns() // 1000


@dataclass(frozen=True)
class Move:
    """What a move did: the task's new position, and how many rows it wrote."""

    position: int
    written: int
    version: int = 0


# The redundant bound on position alone is what lets an index on (..., position, id) start its
# scan at the key: with only the OR, PostgreSQL filtered the user's whole index from one end
# (12 ms, 99,780 rows removed, for the successor of a card at the bottom of 100,000 tasks).
def _after_key(position: int, pk: int, inclusive: bool = False) -> Q:
    ids = Q(position=position, id__gte=pk) if inclusive else Q(position=position, id__gt=pk)
    return Q(position__gte=position) & (Q(position__gt=position) | ids)


def _before_key(position: int, pk: int, inclusive: bool = False) -> Q:
    ids = Q(position=position, id__lte=pk) if inclusive else Q(position=position, id__lt=pk)
    return Q(position__lte=position) & (Q(position__lt=position) | ids)


def successor(scope: TaskQuerySet, task: Task, exclude: int | None = None) -> Task | None:
    """The task right after `task` in `scope`'s manual order (skipping `exclude`)."""
    qs = scope.filter(_after_key(task.position, task.pk))
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("position", "id").only("id", "position").first()


def predecessor(scope: TaskQuerySet, task: Task, exclude: int | None = None) -> Task | None:
    """The task right before `task` in `scope`'s manual order (skipping `exclude`)."""
    qs = scope.filter(_before_key(task.position, task.pk))
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("-position", "-id").only("id", "position").first()


def anchor_and_neighbour(
    user_id: int, anchor_id: int, task_pk: int, after: bool
) -> tuple[Task, Task | None]:
    """The anchor and the task right after it (`after`) or right before it on the user's line,
    skipping the moved task, in ONE statement: the first two rows of the line from the anchor's
    key on. The key is a row comparison whose position is a scalar subquery (evaluated once),
    which PostgreSQL's index on (user, position, id) takes as its scan bound. Raises
    Task.DoesNotExist when the anchor is not on the line.

    Raw SQL because this runs on every move and the ORM spelling (the key as an OR of
    subqueries) cost more to compile than to run.
    """
    from .task import Task

    compare, order = (">=", "ASC") if after else ("<=", "DESC")
    table = Task._meta.db_table
    sql = (
        # The table name and the two keywords are ours; every value is a parameter.
        f"SELECT id, position, status FROM {table}"  # noqa: S608
        " WHERE user_id = %s AND deleted_at IS NULL AND id <> %s AND (position, id)"
        f" {compare} ((SELECT position FROM {table} WHERE id = %s AND user_id = %s"
        " AND deleted_at IS NULL), %s)"
        f" ORDER BY position {order}, id {order} LIMIT 2"
    )
    params = [user_id, task_pk, anchor_id, user_id, anchor_id]
    rows = list(Task.objects.raw(sql, params))
    if not rows or rows[0].pk != anchor_id:
        raise Task.DoesNotExist("The anchor is gone.")
    return rows[0], rows[1] if len(rows) > 1 else None


def first_in(scope: TaskQuerySet, exclude: int | None = None) -> Task | None:
    qs = scope.exclude(pk=exclude) if exclude is not None else scope
    return qs.order_by("position", "id").only("id", "position").first()


def lock_user_moves(user_id: int) -> None:
    """Serialize one user's moves (see the module docstring); a no-op on SQLite, which
    serializes every write anyway."""
    if not connection.features.has_select_for_no_key_update:
        get_user_model().objects.select_for_update(no_key=True).filter(pk=user_id).exists()
        return
    # The same statement the ORM writes, without compiling it on every move (1 ms of CPU).
    if connection.get_autocommit():
        raise TransactionManagementError("lock_user_moves() needs a transaction.")
    table = get_user_model()._meta.db_table
    with connection.cursor() as cursor:
        sql = f"SELECT 1 FROM {table} WHERE id = %s FOR NO KEY UPDATE"  # noqa: S608 (our table)
        cursor.execute(sql, [user_id])


def between(lo: int | None, hi: int | None) -> int | None:
    """A position strictly between `lo` and `hi` (None: that end is open), or None if there is
    no integer room (then the caller rebalances)."""
    if lo is None and hi is None:
        return 0
    if lo is None:
        return hi - GAP if hi - GAP >= MIN_RANK else None
    if hi is None:
        return lo + GAP if lo + GAP <= MAX_RANK else None
    if hi - lo >= 2:
        return lo + (hi - lo) // 2
    return None


def spread(lo: int | None, hi: int | None, count: int, min_step: int = 1) -> list[int] | None:
    """`count` increasing positions strictly between `lo` and `hi` (None: open end), evenly
    spaced, or None when the range cannot hold them `min_step` apart."""
    low = MIN_RANK - 1 if lo is None else lo
    high = min(MAX_RANK + 1, low + (count + 1) * GAP) if hi is None else hi
    step = (high - low) // (count + 1)
    if step < min_step:
        return None
    return [low + step * (i + 1) for i in range(count)]


def place(
    task: Task, status: str, prev: Task | None, next_: Task | None, keep: bool = False
) -> Move:
    """Put `task` in column `status`, right after `prev` and before `next_` (None: that end),
    which are neighbours in the order of the list the person sees. Call inside a transaction,
    after lock_user_moves(). Writes the task and, when there is no room, a small window."""
    from .task import Task

    if keep:
        position = task.position
    else:
        position = between(prev.position if prev else None, next_.position if next_ else None)
    written = 0
    if position is None:
        position, written = _rebalance(task, prev)
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    # Raw, like the move's other statements: the ORM's UPDATE cost more to compile than to run.
    sets, params = (
        ["position = %s", "version = version + 1", "updated_at = %s"],
        [position, adapt(now)],
    )
    if status != task.status:
        # Only a change of column names the status: the count triggers fire on any UPDATE OF
        # status, so a reorder within a column leaves them out.
        task.status = status
        task._sync_completed_at()
        sets += ["status = %s", "completed_at = %s"]
        params += [status, adapt(task.completed_at)]
    table = Task._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {', '.join(sets)} WHERE id = %s",  # noqa: S608 (ours; values bound)
            [*params, task.pk],
        )
    task.position = position
    task.version += 1
    task.updated_at = now
    return Move(position=position, written=written + 1, version=task.version)


def _rebalance(task: Task, prev: Task | None) -> tuple[int, int]:
    """Make room right after `prev` (None: at the very start) in the user's whole order by
    renumbering the fewest following tasks that fit; the moved task's new position and the
    number of other rows written."""
    from .task import Task

    # Raw SQL: a move that rebalances is one of a move's slowest (the p95), and compiling the
    # window's read and the CASE of its write cost 7 ms of CPU for a window of 16 in the ORM.
    table = Task._meta.db_table
    after = " AND (position, id) > (%s, %s)" if prev else ""
    read = (
        f"SELECT id, position FROM {table}"  # noqa: S608 (our table; values are parameters)
        f" WHERE user_id = %s AND deleted_at IS NULL AND id <> %s{after}"
        " ORDER BY position, id LIMIT %s"
    )
    params = [task.user_id, task.pk, *([prev.position, prev.pk] if prev else [])]
    lo = prev.position if prev else None
    size = WINDOW
    with connection.cursor() as cursor:
        while True:
            cursor.execute(read, [*params, size + 1])
            rows = cursor.fetchall()
            window, beyond = rows[:size], rows[size:]
            hi = beyond[0][1] if beyond else None
            # The moved task takes the first slot, the window the rest, in their old order.
            slots = spread(lo, hi, len(window) + 1, SPREAD if beyond else 1)
            if slots is not None:
                break
            if not beyond:  # the room is used up right up to MAX_RANK: spread the whole line once
                return _renumber_all(task, prev)
            size *= 2
        changed = [
            (pk, slot)
            for (pk, position), slot in zip(window, slots[1:], strict=True)
            if position != slot
        ]
        if changed:
            cases = " ".join("WHEN %s THEN %s" for _ in changed)
            marks = ", ".join("%s" for _ in changed)
            cursor.execute(
                f"UPDATE {table} SET position = CASE id {cases} END"  # noqa: S608 (as above)
                f" WHERE id IN ({marks})",
                [value for pair in changed for value in pair] + [pk for pk, _ in changed],
            )
    return slots[0], len(changed)


def _renumber_all(task: Task, prev: Task | None) -> tuple[int, int]:
    """The last resort at the ends of the number line: the user's whole order, GAP apart."""
    from .task import Task

    line = list(
        Task.objects.filter(user_id=task.user_id, deleted_at__isnull=True)
        .exclude(pk=task.pk)
        .order_by("position", "id")
        .only("id", "position")
    )
    at = 0 if prev is None else next(i for i, t in enumerate(line) if t.pk == prev.pk) + 1
    ordered = [*line[:at], None, *line[at:]]
    start = -(len(ordered) // 2) * GAP
    position = 0
    for i, row in enumerate(ordered):
        if row is None:
            position = start + i * GAP
        else:
            row.position = start + i * GAP
    Task.objects.bulk_update(line, ["position"], batch_size=1000)
    return position, len(line)


def ids_in_order(scope: TaskQuerySet) -> Sequence[int]:
    """`scope`'s ids in manual order (tests and the property check)."""
    return list(scope.order_by("position", "id").values_list("id", flat=True))


class AnchorMoved(Exception):
    """The neighbour a move was aimed at is no longer in that column (another tab moved it)."""


def move(
    task: Task,
    status: str,
    column: TaskQuerySet | None,
    *,
    after: int | None = None,
    before: int | None = None,
    anchor_in_column: bool = True,
    locked: bool = False,
) -> Move:
    """Move `task` into `column` (its status `status`): right after task `after`, else right
    before task `before`, else to the top of `column` (which only that case reads). The
    neighbours are found on the user's whole line, so the task lands next to its anchor in
    every list that shows both.

    Call inside a transaction; it takes the user's move lock and re-reads every row it uses
    after that (`locked`: the caller took lock_user_moves() and read `task` after it, so
    neither is done again; `task` is then updated in place). Raises AnchorMoved when the
    anchor left the column, Task.DoesNotExist when the task or anchor is gone.
    """
    from .task import Task

    line = Task.objects.filter(user_id=task.user_id, deleted_at__isnull=True)
    if not locked:
        lock_user_moves(task.user_id)
        task = line.get(pk=task.pk)
    anchor_id = after if after is not None else before
    if anchor_id is not None:
        if anchor_id == task.pk:
            raise AnchorMoved
        anchor, neighbour = anchor_and_neighbour(
            task.user_id, anchor_id, task.pk, after is not None
        )
        # On the board the anchor is a card of the target column; in the Manual list, any row.
        if anchor_in_column and anchor.status != status:
            raise AnchorMoved
        prev, next_ = (anchor, neighbour) if after is not None else (neighbour, anchor)
    else:
        next_ = first_in(column, exclude=task.pk)
        if next_ is None:  # an empty column: the task keeps its place on the line
            return place(task, status, None, None, keep=True)
        prev = predecessor(line, next_, exclude=task.pk)
    return place(task, status, prev, next_)


@dataclass(frozen=True)
class CardMove:
    """What move_next_to_card() did. `outcome`: "moved"; "no task" (not the user's live task);
    "gone" (nor is the anchor); "conflict" (the anchor left the column, or is the task itself);
    "no room" (nothing written: the room is used up to the end of the line, make the move with
    move(), which renumbers the line). When moved: the task as its card shows it, its status
    and its (version, updated_at) before, how many cards are above it in its column and how
    many are in it, and, when it changed columns, TaskCount.rows_sql()'s rows (None within a
    column, where no count changes)."""

    outcome: str
    task: Task | None = None
    was_status: str = ""
    was: tuple | None = None
    above: int = 0
    column_total: int = 0
    count_rows: list | None = None


_CARD_MOVE_SQL = (
    "SELECT f.outcome, f.was_status, f.was_version, f.was_updated_at, f.before_count, f.counts,"
    " f.column_total, f.project_name, f.project_colour, f.tag_string, (f.card).*"
    " FROM tasks_move_card(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) f"
)


def can_move_next_to_card() -> bool:
    return connection.vendor == "postgresql"


def move_next_to_card(
    user_id: int, pk: int, status: str | None, anchor: int, after: bool
) -> CardMove:
    """Move the user's task `pk` right after (`after`) or before card `anchor`, into column
    `status` (None: its own), in ONE call of the tasks_move_card function (move_function.py),
    which also reads what the answer shows. PostgreSQL only (can_move_next_to_card()). The
    same steps as move(), for the kanban board without filters (the cards above it are counted
    in the whole column). In autocommit the call is its own transaction; in a transaction it
    takes the move lock there, as move() does."""
    from .task import Task

    now = timezone.now()
    params = [user_id, pk, status, anchor, after, now, GAP, MIN_RANK, MAX_RANK, WINDOW, SPREAD]
    with connection.cursor() as cursor:
        cursor.execute(_CARD_MOVE_SQL, params)
        row = cursor.fetchone()
        names = [column.name for column in cursor.description]
    outcome, was_status, was_version, was_updated_at, above, counts, total = row[:7]
    name, colour, tags = row[7:10]
    if outcome != "moved":
        return CardMove(outcome)
    columns = dict(zip(names[10:], row[10:], strict=True))
    attnames = [f.attname for f in Task._meta.concrete_fields]
    task = Task.from_db(connection.alias, attnames, [columns[a] for a in attnames])
    task.project_name, task.project_colour, task.tag_string = name, colour, tags
    was = (was_version, was_updated_at)
    if task.status != was_status:
        counts = counts or []  # json_agg of no rows is NULL: a user whose counts are all 0
    return CardMove(outcome, task, was_status, was, above, total, counts)


def step(column: TaskQuerySet, task: Task, delta: int) -> dict[str, int] | None:
    """The anchor that moves `task` one place up (-1) or down (+1) in `column` as shown, or
    None when it is already first or last."""
    if delta < 0:
        neighbour = predecessor(column, task)
        return {"before": neighbour.pk} if neighbour else None
    neighbour = successor(column, task)
    return {"after": neighbour.pk} if neighbour else None
