"""The kanban layout (?layout=board): three status columns of the view's tasks, each a keyset
page of KANBAN_PAGE_SIZE cards that loads more as it scrolls.

The columns are read in ONE query (three index range scans, each LIMITed), and
their tag names in the same query (a subquery), so the full page stays within five queries
whatever the number of tasks: session, user, the sidebar, the status counts, the columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, IntegerField, Q, Subquery

from .filters import BoardView
from .models import Status, Task, TaskQuerySet
from .models.ordering import before_key
from .pagination import decode_cursor, encode_cursor

KANBAN_PAGE_SIZE = 50
# Under filters a column's total is counted up to this many, then shown as "500+": counting a
# filter's every match walks the column (half a second for 9,000 of 100,000 tasks).
COUNT_CAP = 500


class CappedCount(Subquery):
    """COUNT(*) over at most COUNT_CAP + 1 rows of a queryset, as a scalar subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()

    def __init__(self, queryset, **extra):
        # Ordered like the column's index, so the LIMIT stops an index scan, not a Seq Scan.
        ordered = queryset.order_by("position", "id").values("pk")[: COUNT_CAP + 1]
        super().__init__(ordered, **extra)


def capped_counts(user, view: BoardView) -> dict[str, int]:
    """Each column's total under the view's filters, capped (one query)."""
    tasks = Task.objects.visible_to(user).filtered(view)
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**{s: CappedCount(tasks.filter(status=s)) for s, _ in Status.choices})
        .values(*Status.values)
        .get()
    )
    return row


COLUMNS: tuple[tuple[str, str], ...] = tuple(Status.choices)


@dataclass
class Column:
    status: str
    label: str
    tasks: list[Task] = field(default_factory=list)
    count: int = 0
    next_cursor: str | None = None
    capped: bool = False  # counted by CappedCount (under filters)

    @property
    def more_than_cap(self) -> bool:
        return self.capped and self.count > COUNT_CAP

    @property
    def shown_count(self) -> str:
        return f"{COUNT_CAP}+" if self.more_than_cap else str(self.count)


def _with_card_fields(tasks: TaskQuerySet) -> TaskQuerySet:
    """What a card shows of its project, in the same query (no query per card)."""
    return tasks.annotate(project_name=F("project__name"), project_colour=F("project__colour"))


def board_tasks(user, view: BoardView) -> TaskQuerySet:
    """The view's tasks with what a card shows of their project (no query per card)."""
    return _with_card_fields(Task.objects.visible_to(user).filtered(view))


def card_tasks(user) -> TaskQuerySet:
    """Every task the person sees (archived projects' too), with what a card shows (project
    name and colour, tag names)."""
    return _with_card_fields(Task.objects.visible_to(user)).with_tag_names()


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
    counted = not view.active  # the trigger-kept counts are the column totals
    rows = list(_rows(user, view, column, after, size))
    result = []
    for status, label in COLUMNS:
        mine = [t for t in rows if t.status == status]
        col = Column(status=status, label=label, tasks=mine[:size], capped=not counted)
        if len(mine) > size:
            col.next_cursor = encode_cursor(mine[size - 1], view.sort)
        if counted:
            col.count = counts.get(status, 0)
        else:
            col.count = getattr(rows[0], f"total_{status}") or 0 if rows else 0
        result.append(col)
    return result


def _rows(user, view: BoardView, column: str | None, after: str | None, size: int):
    """The query columns() reads: the rows whose ids are among each column's first page (an
    index range with a LIMIT per column), and, when filters apply, each column's total as an
    uncorrelated scalar subquery (evaluated once, not per row)."""
    tasks = board_tasks(user, view)
    counted = not view.active
    arms = []
    totals = {}
    for status, _label in COLUMNS:
        part = tasks.filter(status=status)
        if not counted:
            totals[f"total_{status}"] = CappedCount(part)
        key = decode_cursor(after, view.sort) if status == column else None
        if key is not None:
            part = part.after(view.sort, key)
        arms.append(part.ordered_by(view.sort).values("pk")[: size + 1])
    if connection.vendor == "postgresql":
        # One IN over a UNION ALL: PostgreSQL joins its 153 ids by primary key. (With an OR of
        # three INs it filtered the user's whole index instead: 200 ms at 100,000 tasks.)
        chosen = Q(pk__in=arms[0].union(*arms[1:], all=True))
    else:  # SQLite allows no LIMIT inside a UNION
        chosen = Q(pk__in=arms[0]) | Q(pk__in=arms[1]) | Q(pk__in=arms[2])
    return tasks.filter(chosen).annotate(**totals).with_tag_names().ordered_by(view.sort)


def more(user, view: BoardView, status: str, after: str | None) -> Column:
    """The next page of one column ("Load more", or scrolling to its end)."""
    tasks = board_tasks(user, view).filter(status=status)
    key = decode_cursor(after, view.sort)
    if key is not None:
        tasks = tasks.after(view.sort, key)
    rows = list(tasks.with_tag_names().ordered_by(view.sort)[: KANBAN_PAGE_SIZE + 1])
    col = Column(status=status, label=Status(status).label, tasks=rows[:KANBAN_PAGE_SIZE])
    if len(rows) > KANBAN_PAGE_SIZE:
        col.next_cursor = encode_cursor(rows[KANBAN_PAGE_SIZE - 1], view.sort)
    return col


def place_in_column(user, view: BoardView, task: Task, counts: dict) -> tuple[int, int]:
    """Where `task` stands in its column as the view shows it (in the manual order): its
    1-based position and the column's total, for the announcement."""
    column = Task.objects.visible_to(user).filtered(view).filter(status=task.status)
    before = column.filter(before_key(task.position, task.pk)).count()
    if view.active:
        return before + 1, capped_counts(user, view)[task.status]
    return before + 1, counts.get(task.status, 0)
