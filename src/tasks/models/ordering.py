"""Manual order: where a task stands among its neighbours (the Manual sort, the kanban columns).

Every list in manual order is sorted by the key (position, id), ascending. Positions are gapped
integers: a move puts the task at the midpoint between its new neighbours, one UPDATE. Only when
two neighbours leave no integer between them is a small window of the tasks that follow
renumbered (doubling its size until the range it spans has room), so a move writes O(1) rows
amortized and never renumbers a whole project or column.

A move is made on the mover's line: every task they can see (Task.objects.visible_to), in one
order. The list on screen (a column, a project, the Manual list) is a subset of it, and a
window is always renumbered in the line's order, so a rebalance made for one column cannot
reorder another column or project. A project's tasks are all on the line of everyone who sees
the project, so its manual order is one, shared by its members.

Moves are serialized by row locks on the projects of the line (FOR NO KEY UPDATE, in id order,
which does not block inserts that reference them): two people moving cards of one project both
land, one after the other, each reading the positions the other wrote.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Case, F, Q, Value, When
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


# `section` left as it is (a move within the status columns, or the list).
KEEP = object()


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
def after_key(position: int, pk: int, inclusive: bool = False) -> Q:
    ids = Q(position=position, id__gte=pk) if inclusive else Q(position=position, id__gt=pk)
    return Q(position__gte=position) & (Q(position__gt=position) | ids)


def before_key(position: int, pk: int, inclusive: bool = False) -> Q:
    ids = Q(position=position, id__lte=pk) if inclusive else Q(position=position, id__lt=pk)
    return Q(position__lte=position) & (Q(position__lt=position) | ids)


def successor(scope: TaskQuerySet, task: Task, exclude: int | None = None) -> Task | None:
    """The task right after `task` in `scope`'s manual order (skipping `exclude`)."""
    qs = scope.filter(after_key(task.position, task.pk))
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("position", "id").only("id", "position").first()


def predecessor(scope: TaskQuerySet, task: Task, exclude: int | None = None) -> Task | None:
    """The task right before `task` in `scope`'s manual order (skipping `exclude`)."""
    qs = scope.filter(before_key(task.position, task.pk))
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("-position", "-id").only("id", "position").first()


def anchor_and_neighbour(
    line: TaskQuerySet, anchor_id: int, task_pk: int, after: bool
) -> tuple[Task, Task | None]:
    """The anchor and the task right after it (`after`) or right before it on the line,
    skipping the moved task. Raises Task.DoesNotExist when the anchor is not on the line."""
    anchor = line.only("id", "position", "status", "section_id").get(pk=anchor_id)
    others = line.exclude(pk=task_pk)
    neighbour = (successor if after else predecessor)(others, anchor)
    return anchor, neighbour


def first_in(scope: TaskQuerySet, exclude: int | None = None) -> Task | None:
    qs = scope.exclude(pk=exclude) if exclude is not None else scope
    return qs.order_by("position", "id").only("id", "position").first()


def lock_moves(project_ids: Iterable[int]) -> None:
    """Serialize the moves on a line (see the module docstring): the rows of the projects its
    tasks are in (the mover's projects), locked in id order until the transaction ends. Call
    inside one."""
    # By name, not imported: the models build on this module (Task's default position).
    Project = apps.get_model("tasks", "Project")
    projects = Project.objects.filter(pk__in=sorted(project_ids)).order_by("pk")
    list(projects.select_for_update(no_key=True).values_list("pk", flat=True))


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
    line: TaskQuerySet,
    task: Task,
    status: str,
    prev: Task | None,
    next_: Task | None,
    keep: bool = False,
    section=KEEP,
) -> Move:
    """Put `task` in column `status` (and `section`, a section id or None, unless KEEP), right
    after `prev` and before `next_` (None: that end), which are neighbours on `line`. Call
    inside a transaction, after lock_moves(). Writes the task and, when there is no room, a
    small window of the line."""
    if keep:
        position = task.position
    else:
        position = between(prev.position if prev else None, next_.position if next_ else None)
    written = 0
    if position is None:
        position, written = _rebalance(line, task, prev)
    now = timezone.now()
    values = {"position": position, "version": F("version") + 1, "updated_at": now}
    if status != task.status:
        # Only a change of column names the status: the count triggers then count it anew.
        task.status = status
        task._sync_completed_at()
        values |= {"status": status, "completed_at": task.completed_at}
    if section is not KEEP and section != task.section_id:
        task.section_id = section
        values["section_id"] = section
    line.model.objects.filter(pk=task.pk).update(**values)
    task.position = position
    task.version += 1
    task.updated_at = now
    return Move(position=position, written=written + 1, version=task.version)


def _rebalance(line: TaskQuerySet, task: Task, prev: Task | None) -> tuple[int, int]:
    """Make room right after `prev` (None: at the very start) on the line by renumbering the
    fewest following tasks that fit; the moved task's new position and the number of other
    rows written."""
    following = line.exclude(pk=task.pk).order_by("position", "id")
    if prev is not None:
        following = following.filter(after_key(prev.position, prev.pk))
    lo = prev.position if prev else None
    size = WINDOW
    while True:
        rows = list(following.values_list("id", "position")[: size + 1])
        window, beyond = rows[:size], rows[size:]
        hi = beyond[0][1] if beyond else None
        # The moved task takes the first slot, the window the rest, in their old order.
        slots = spread(lo, hi, len(window) + 1, SPREAD if beyond else 1)
        if slots is not None:
            break
        if not beyond:  # the room is used up right up to MAX_RANK: spread the whole line once
            return _renumber_all(line, task, prev)
        size *= 2
    changed = [
        (pk, slot)
        for (pk, position), slot in zip(window, slots[1:], strict=True)
        if position != slot
    ]
    if changed:
        line.model.objects.filter(pk__in=[pk for pk, _ in changed]).update(
            position=Case(*(When(pk=pk, then=Value(slot)) for pk, slot in changed))
        )
    return slots[0], len(changed)


def _renumber_all(line: TaskQuerySet, task: Task, prev: Task | None) -> tuple[int, int]:
    """The last resort at the ends of the number line: the whole line, GAP apart."""
    rows = list(line.exclude(pk=task.pk).order_by("position", "id").only("id", "position"))
    at = 0 if prev is None else next(i for i, t in enumerate(rows) if t.pk == prev.pk) + 1
    ordered = [*rows[:at], None, *rows[at:]]
    start = -(len(ordered) // 2) * GAP
    position = 0
    for i, row in enumerate(ordered):
        if row is None:
            position = start + i * GAP
        else:
            row.position = start + i * GAP
    line.model.objects.bulk_update(rows, ["position"], batch_size=1000)
    return position, len(rows)


def ids_in_order(scope: TaskQuerySet) -> Sequence[int]:
    """`scope`'s ids in manual order (tests and the property check)."""
    return list(scope.order_by("position", "id").values_list("id", flat=True))


class AnchorMoved(Exception):
    """The neighbour a move was aimed at is no longer in that column (another tab moved it)."""


def move(
    line: TaskQuerySet,
    task: Task,
    status: str,
    column: TaskQuerySet | None,
    *,
    after: int | None = None,
    before: int | None = None,
    anchor_in_column: bool = True,
    section=KEEP,
) -> Move:
    """Move `task` into `column` (its status `status`): right after task `after`, else right
    before task `before`, else to the top of `column` (which only that case reads). `line` is
    every task the mover sees (Task.objects.visible_to), so the task lands next to its anchor
    in every list that shows both.

    On a board of sections the column is a section (`section`: its id, None for no section)
    and the status stays.

    Call inside a transaction, after lock_moves(), with `task` read after that (it is
    updated in place). Raises AnchorMoved when the anchor left the column, Task.DoesNotExist
    when the anchor is gone.
    """
    anchor_id = after if after is not None else before
    if anchor_id is not None:
        if anchor_id == task.pk:
            raise AnchorMoved
        anchor, neighbour = anchor_and_neighbour(line, anchor_id, task.pk, after is not None)
        # On the board the anchor is a card of the target column; in the Manual list, any row.
        if anchor_in_column:
            column_of_anchor = anchor.status if section is KEEP else anchor.section_id
            if column_of_anchor != (status if section is KEEP else section):
                raise AnchorMoved
        prev, next_ = (anchor, neighbour) if after is not None else (neighbour, anchor)
    else:
        next_ = first_in(column, exclude=task.pk)
        if next_ is None:  # an empty column: the task keeps its place on the line
            return place(line, task, status, None, None, keep=True, section=section)
        prev = predecessor(line, next_, exclude=task.pk)
    return place(line, task, status, prev, next_, section=section)


def step(column: TaskQuerySet, task: Task, delta: int) -> dict[str, int] | None:
    """The anchor that moves `task` one place up (-1) or down (+1) in `column` as shown, or
    None when it is already first or last."""
    if delta < 0:
        neighbour = predecessor(column, task)
        return {"before": neighbour.pk} if neighbour else None
    neighbour = successor(column, task)
    return {"after": neighbour.pk} if neighbour else None
