"""The kanban layout (?layout=board): three status columns of the view's tasks, each a keyset
page of KANBAN_PAGE_SIZE cards that loads more as it scrolls.

The columns are read in ONE query (three index range scans, each LIMITed), and
their tags in one more, so the full page stays within five queries whatever the number of tasks:
session, user, the status counts, the columns, their tags.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Subquery, prefetch_related_objects

from .filters import BoardView
from .models import Status, Task, TaskQuerySet
from .models.ordering import _before_key
from .pagination import decode_cursor, encode_cursor

KANBAN_PAGE_SIZE = 50
COLUMNS: tuple[tuple[str, str], ...] = tuple(Status.choices)


@dataclass
class Column:
    status: str
    label: str
    tasks: list[Task] = field(default_factory=list)
    count: int = 0
    next_cursor: str | None = None


def board_tasks(user, view: BoardView) -> TaskQuerySet:
    """The view's tasks with what a card shows of their project (no query per card)."""
    return (
        Task.objects.for_user(user)
        .filtered(view)
        .annotate(project_name=F("project__name"), project_colour=F("project__colour"))
    )


def columns(
    user,
    view: BoardView,
    counts: dict,
    column: str | None = None,
    after: str | None = None,
    size: int = KANBAN_PAGE_SIZE,
) -> list[Column]:
    """The three columns: the first `size` cards of each (of `column`, those after the cursor
    `after`: the no-JavaScript "Load more"), with each column's total."""
    tasks = board_tasks(user, view)
    counted = not view.active  # the trigger-kept counts are the column totals
    # One query: each column's first page as an IN (... LIMIT) on its own index range (SQLite
    # allows no LIMIT inside a UNION), and, when filters apply, each column's total as an
    # uncorrelated scalar subquery (evaluated once, not per row).
    in_a_column = Q()
    totals = {}
    for status, _label in COLUMNS:
        part = tasks.filter(status=status)
        if not counted:
            totals[f"total_{status}"] = Subquery(
                part.order_by().values("user").annotate(n=Count("id")).values("n")[:1]
            )
        key = decode_cursor(after, view.sort) if status == column else None
        if key is not None:
            part = part.after(view.sort, key)
        in_a_column |= Q(pk__in=part.ordered_by(view.sort).values("pk")[: size + 1])
    rows = list(tasks.filter(in_a_column).annotate(**totals).ordered_by(view.sort))
    prefetch_related_objects(rows, "tags")
    result = []
    for status, label in COLUMNS:
        mine = [t for t in rows if t.status == status]
        col = Column(status=status, label=label, tasks=mine[:size])
        if len(mine) > size:
            col.next_cursor = encode_cursor(mine[size - 1], view.sort)
        if counted:
            col.count = counts.get(status, 0)
        else:
            col.count = getattr(rows[0], f"total_{status}") or 0 if rows else 0
        result.append(col)
    return result


def more(user, view: BoardView, status: str, after: str | None) -> Column:
    """The next page of one column ("Load more", or scrolling to its end)."""
    tasks = board_tasks(user, view).filter(status=status)
    key = decode_cursor(after, view.sort)
    if key is not None:
        tasks = tasks.after(view.sort, key)
    rows = list(tasks.ordered_by(view.sort)[: KANBAN_PAGE_SIZE + 1])
    prefetch_related_objects(rows, "tags")
    col = Column(status=status, label=Status(status).label, tasks=rows[:KANBAN_PAGE_SIZE])
    if len(rows) > KANBAN_PAGE_SIZE:
        col.next_cursor = encode_cursor(rows[KANBAN_PAGE_SIZE - 1], view.sort)
    return col


def place_in_column(user, view: BoardView, task: Task, counts: dict) -> tuple[int, int]:
    """Where `task` stands in its column as the view shows it (in the manual order): its
    1-based position and the column's total, for the announcement."""
    column = Task.objects.for_user(user).filtered(view).filter(status=task.status)
    if view.active:
        totals = column.aggregate(
            before=Count("id", filter=_before_key(task.position, task.pk)), total=Count("id")
        )
        return totals["before"] + 1, totals["total"]
    before = column.filter(_before_key(task.position, task.pk)).count()
    return before + 1, counts.get(task.status, 0)
