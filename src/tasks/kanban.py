"""The kanban layout (?layout=board): a column per status of the view's tasks (or, on the board
of a project that has sections, a column per section and one for the tasks in none), each a
keyset page of KANBAN_PAGE_SIZE cards that loads more as it scrolls.

The columns are read in ONE query (an index range scan per column, each LIMITed), and
their tag names in the same query (a subquery), so the full page stays within five queries
whatever the number of tasks: session, user, the sidebar, the status counts, the columns (and,
in a project's view, its sections).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Subquery, Value, When

from .filters import BoardView, Scope
from .models import Section, Status, Task, TaskQuerySet
from .models.ordering import before_key
from .pagination import decode_cursor, encode_cursor

KANBAN_PAGE_SIZE = 15
NO_SECTION = "none"  # the column (and the move form's value) of the tasks in no section
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


def capped_counts(user, view: BoardView, specs=None) -> dict[str, int]:
    """Each column's total under the view's filters, capped (one query)."""
    tasks = Task.objects.visible_to(user).filtered(view)
    specs = column_specs(None) if specs is None else specs
    names = {f"c{i}": spec for i, spec in enumerate(specs)}
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**{n: CappedCount(tasks.filter(s.condition())) for n, s in names.items()})
        .values(*names)
        .get()
    )
    return {spec.key: row[n] for n, spec in names.items()}


COLUMNS: tuple[tuple[str, str], ...] = tuple(Status.choices)


def board_sections(view: BoardView) -> list[Section] | None:
    """The sections of the project on screen, in order, when it has any (its board's columns,
    its list's groups); None in any other view (one query in a project's view)."""
    if view.scope != Scope.PROJECT or view.project is None:
        return None
    sections = list(Section.objects.filter(project_id=view.project).live().order_by("position"))
    return sections or None


@dataclass(frozen=True)
class ColumnSpec:
    """What a column holds: a status, or a section (`section`: the Section; None for the tasks
    in no section, when `by_section`)."""

    key: str  # the status, the section's id, or NO_SECTION: the column's id and the move's value
    label: str
    by_section: bool = False
    section: Section | None = None

    @property
    def field(self) -> str:
        """The move form's field that names this column."""
        return "section" if self.by_section else "status"

    def condition(self) -> Q:
        if not self.by_section:
            return Q(status=self.key)
        if self.section is None:
            return Q(section__isnull=True)
        return Q(section_id=self.section.pk)


def column_specs(sections: list[Section] | None) -> list[ColumnSpec]:
    if sections is None:
        return [ColumnSpec(status, label) for status, label in COLUMNS]
    first = ColumnSpec(NO_SECTION, "No section", by_section=True)
    return [first] + [ColumnSpec(str(s.pk), s.name, True, s) for s in sections]


def spec_for(sections: list[Section] | None, key: str | None) -> ColumnSpec | None:
    return next((c for c in column_specs(sections) if c.key == key), None)


@dataclass
class Column:
    key: str
    label: str
    tasks: list[Task] = field(default_factory=list)
    count: int = 0
    next_cursor: str | None = None
    capped: bool = False  # counted by CappedCount (under filters)
    field: str = "status"  # the move form's field that names the column
    section: Section | None = None

    @property
    def status(self) -> str:
        """The status of a status column (templates and tests read columns by status)."""
        return self.key

    @property
    def more_than_cap(self) -> bool:
        return self.capped and self.count > COUNT_CAP

    @property
    def shown_count(self) -> str:
        return f"{COUNT_CAP}+" if self.more_than_cap else str(self.count)


def _with_card_fields(tasks: TaskQuerySet) -> TaskQuerySet:
    """What a card shows of its project, in the same query (no query per card)."""
    return tasks.annotate(
        project_name=F("project__name"),
        project_colour=F("project__colour"),
        project_inbox=F("project__is_inbox"),
    )


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
    sections: list[Section] | None = None,
    base: TaskQuerySet | None = None,
) -> list[Column]:
    """The columns: the first `size` cards of each (of `column`, those after the cursor
    `after`: the no-JavaScript "Load more"), with each column's total. `sections`: the
    project's sections (board_sections), whose columns replace the status columns. `base`:
    the view's tasks with what is shown of them (default: a card's, board_tasks)."""
    specs = column_specs(sections)
    # The trigger-kept counts are the status columns' totals on the unfiltered board.
    counted = not view.active and sections is None
    base = board_tasks(user, view) if base is None else base
    rows = list(_rows(base, view, specs, column, after, size, counted))
    result = []
    for i, spec in enumerate(specs):
        mine = [t for t in rows if t.column_index == i]
        col = Column(
            key=spec.key,
            label=spec.label,
            tasks=mine[:size],
            capped=not counted,
            field=spec.field,
            section=spec.section,
        )
        if len(mine) > size:
            col.next_cursor = encode_cursor(mine[size - 1], view.sort)
        if counted:
            col.count = counts.get(spec.key, 0)
        else:
            col.count = getattr(rows[0], f"total_{i}") or 0 if rows else 0
        result.append(col)
    return result


def _rows(tasks: TaskQuerySet, view: BoardView, specs, column, after, size: int, counted: bool):
    """The query columns() reads: the rows whose ids are among each column's first page (an
    index range with a LIMIT per column), each marked with its column's index, and, when
    filters apply, each column's total as an uncorrelated scalar subquery (evaluated once, not
    per row)."""
    arms = []
    totals = {}
    which = []
    for i, spec in enumerate(specs):
        part = tasks.filter(spec.condition())
        which.append(When(spec.condition(), then=Value(i)))
        if not counted:
            totals[f"total_{i}"] = CappedCount(part)
        key = decode_cursor(after, view.sort) if spec.key == column else None
        if key is not None:
            part = part.after(view.sort, key)
        arms.append(part.ordered_by(view.sort).values("pk")[: size + 1])
    if connection.vendor == "postgresql":
        # One IN over a UNION ALL: PostgreSQL joins its 153 ids by primary key. (With an OR of
        # three INs it filtered the user's whole index instead: 200 ms at 100,000 tasks.)
        chosen = (
            Q(pk__in=arms[0].union(*arms[1:], all=True)) if len(arms) > 1 else Q(pk__in=arms[0])
        )
    else:  # SQLite allows no LIMIT inside a UNION
        chosen = Q()
        for arm in arms:
            chosen |= Q(pk__in=arm)
    index = Case(*which, default=Value(-1), output_field=IntegerField())
    return (
        tasks.filter(chosen)
        .annotate(column_index=index, **totals)
        .with_tag_names()
        .ordered_by(view.sort)
    )


def more(user, view: BoardView, key: str, after: str | None, sections=None) -> Column | None:
    """The next page of one column ("Load more", or scrolling to its end); None for a column
    the view does not have."""
    spec = spec_for(sections, key)
    if spec is None:
        return None
    tasks = board_tasks(user, view).filter(spec.condition())
    cursor = decode_cursor(after, view.sort)
    if cursor is not None:
        tasks = tasks.after(view.sort, cursor)
    rows = list(tasks.with_tag_names().ordered_by(view.sort)[: KANBAN_PAGE_SIZE + 1])
    col = Column(
        key=spec.key,
        label=spec.label,
        tasks=rows[:KANBAN_PAGE_SIZE],
        field=spec.field,
        section=spec.section,
    )
    if len(rows) > KANBAN_PAGE_SIZE:
        col.next_cursor = encode_cursor(rows[KANBAN_PAGE_SIZE - 1], view.sort)
    return col


def column_of(task: Task, sections: list[Section] | None) -> ColumnSpec:
    """The column `task` is in on a board with these sections (None: the status columns)."""
    if sections is None:
        return spec_for(None, task.status)
    key = NO_SECTION if task.section_id is None else str(task.section_id)
    return spec_for(sections, key) or column_specs(sections)[0]


def place_in_column(
    user, view: BoardView, task: Task, counts: dict, sections=None
) -> tuple[int, int, str]:
    """Where `task` stands in its column as the view shows it (in the manual order): its
    1-based position, the column's total and the column's name, for the announcement."""
    spec = column_of(task, sections)
    column = Task.objects.visible_to(user).filtered(view).filter(spec.condition())
    before = column.filter(before_key(task.position, task.pk)).count()
    if view.active or sections is not None:
        return before + 1, capped_counts(user, view, [spec])[spec.key], spec.label
    return before + 1, counts.get(task.status, 0), spec.label
