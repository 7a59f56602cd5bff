"""What the list says about itself besides its rows: a heading per due day (Today, Upcoming),
the search tokens it did not understand, and why it is empty when the search and the selects
exclude each other. Pure Python over what the page query already read, plus one small query
only when the search names projects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import Q

from . import dates, kanban
from .filters import BoardView, Scope
from .kanban import COUNT_CAP, capped_counts
from .models import Priority, Project, SavedView, Status, Task, today
from .models.access import access_for
from .pagination import TaskPage, decode_cursor


@dataclass
class DayGroup:
    """The tasks of one due day on this page, under one heading."""

    key: str  # "overdue" or the ISO date: the heading's id
    label: str
    continued: bool = False  # the day began on an earlier page
    tasks: list[Task] = field(default_factory=list)


def day_key(day: dt.date, now: dt.date) -> str:
    return "overdue" if day < now else day.isoformat()


def day_label(day: dt.date, now: dt.date) -> str:
    if day < now:
        return "Overdue"
    return dates.day_text(day, now)


def day_groups(page: TaskPage, view: BoardView, after: str | None) -> list[DayGroup]:
    """The page's tasks under a heading per due day, overdue first (the list is sorted by due
    date). Every page starts with a heading, so each reads on its own; when the first day began
    on the page before (the `after` cursor's day), its heading says it continues."""
    if not view.by_day:
        return []
    now = today()
    groups: list[DayGroup] = []
    for task in page.tasks:
        day = task.due_date or dt.date.max  # Today and Upcoming hold dated tasks only
        key = day_key(day, now)
        if not groups or groups[-1].key != key:
            groups.append(DayGroup(key=key, label=day_label(day, now)))
        groups[-1].tasks.append(task)
    cursor = decode_cursor(after, view.sort)
    if groups and cursor is not None and day_key(cursor[0], now) == groups[0].key:
        groups[0].continued = True
    return groups


@dataclass
class SectionGroup:
    """One section's tasks in a project's list (the first of them: `more` links to the rest)."""

    key: str  # the section's id or "none": the heading's id
    label: str
    tasks: list[Task]
    count: int
    more: str = ""  # the search that lists every task of the section, when not all are here
    capped: bool = False


def section_term(name: str) -> str:
    return f'section:"{name}"' if any(c.isspace() or c == '"' for c in name) else f"section:{name}"


def section_groups(user, view: BoardView, size: int) -> list[SectionGroup] | None:
    """A project's list with sections: its tasks under a heading per section (and "No section"
    first, when it has tasks), each section's first `size` in the view's sort, in one query (as
    the board's columns). None when the view is not such a list (another scope, no sections,
    or a search that names a section: that list is one flat, paged list)."""
    if view.is_kanban or any(name == "section" for name, _ in view.search.terms):
        return None
    sections = kanban.board_sections(view)
    if sections is None:
        return None
    base = Task.objects.visible_to(user).filtered(view).select_related("project")
    columns = kanban.columns(user, view, {}, size=size, sections=sections, base=base)
    groups = []
    for column in columns:
        if column.section is None and not column.tasks:
            continue  # "No section" only when some task is in none
        group = SectionGroup(column.key, column.label, column.tasks, column.count)
        group.capped = column.more_than_cap
        if column.next_cursor:
            term = section_term(column.label) if column.section else "section:none"
            group.more = f"{view.q} {term}".strip()
        groups.append(group)
    return groups


def _status_set(value: str) -> set[str]:
    """The statuses a status value lets through ("open": all but completed)."""
    if value == "open":
        return {Status.PENDING, Status.IN_PROGRESS}
    return {value} if value in Status.values else set(Status.values)


def _token_for(name: str, value: str) -> str:
    if name == "status":
        word = "open" if value == "open" else value
        return f"is:{word}"
    return f"p:{value}"


def conflicts(view: BoardView) -> list[str]:
    """Why the search and the selects (or the scope) exclude each other, one sentence each:
    "is:completed in the search and Status: Pending exclude each other"."""
    reasons = []
    status_labels = dict(Status.choices)
    for name, value in view.search.terms:
        token = _token_for(name, value) if name in ("status", "priority") else None
        if name == "status":
            if view.status and not (_status_set(value) & _status_set(view.status)):
                reasons.append(
                    f"{token} in the search and Status: {status_labels[view.status]} "
                    "exclude each other"
                )
            if value == Status.COMPLETED and view.hide:
                reasons.append(f"{token} in the search and Hide completed exclude each other")
            if value == Status.COMPLETED and view.scope in (Scope.TODAY, Scope.UPCOMING):
                reasons.append(f"{Scope.TITLES[view.scope]} shows open tasks only, not {token}")
        elif name == "priority" and view.priority and view.priority != value:
            reasons.append(
                f"{token} in the search and Priority: {Priority(view.priority).label} "
                "exclude each other"
            )
    for name, value in view.search.excluded:
        if name == "status" and view.status and _status_set(view.status) <= _status_set(value):
            reasons.append(
                f"-{_token_for(name, value)} in the search and Status: "
                f"{status_labels[view.status]} exclude each other"
            )
        elif name == "priority" and view.priority == value:
            reasons.append(
                f"-{_token_for(name, value)} in the search and Priority: "
                f"{Priority(value).label} exclude each other"
            )
    return reasons


def not_understood(view: BoardView, user, nav=None) -> list[str]:
    """The search tokens the board did not understand, each with what it did instead. The
    person's project names come from `nav` (the sidebar's one query) when the page has it."""
    notes = [f"{token} — searched as text" for token in view.search.unknown]
    names = view.search.project_names
    if names:
        if nav is not None:
            mine = [project.name for project in nav.projects]
        else:
            named = Q()
            for name in names:
                named |= Q(name__iexact=name)
            mine = Project.objects.visible_to(user).filter(named).values_list("name", flat=True)
        known = {name.casefold() for name in mine}
        notes += [
            f"+{_quoted(name)} — you have no project by that name"
            for name in dict.fromkeys(names)
            if name.casefold() not in known
        ]
    return notes


def _quoted(name: str) -> str:
    return f'"{name}"' if any(c.isspace() for c in name) else name


# A new account's empty list offers these to try in quick add (each adds itself with one press).
TRY_LINES = (
    "Buy milk tomorrow #errand",
    "Pay rent on the 1st every month p1",
    "Call Sam friday 5pm",
)


def list_extras(request, view: BoardView, page: TaskPage, query, nav=None) -> dict:
    """The list's extras for the template: `day_groups`, `not_understood`, `conflicts`, and
    `try_lines` for a person without any task yet (the section groups come with the page
    itself: see views.common.board_context)."""
    first_time = not page.tasks and not access_for(request.user).counts.get("all")
    return {
        "try_lines": TRY_LINES if first_time and not view.filtered else (),
        "day_groups": day_groups(page, view, query.get("after")),
        "not_understood": not_understood(view, request.user, nav),
        "conflicts": conflicts(view) if not page.tasks else [],
    }


def scoped_counts(counts: dict, view: BoardView | None) -> dict[str, int | None]:
    """The status counts for the scope on screen, from TaskCount's one lookup: every task (All)
    or one project's (Inbox, a project), where they are exact. Today and Upcoming have no
    stored counts (their days move each midnight): their badges are left out (None) rather
    than show totals that are not theirs. A saved view's own counts (status_counts, under
    "view") come first."""
    if counts and counts.get("view") is not None:
        return counts["view"]
    scope = getattr(view, "scope", Scope.ALL)
    if scope == Scope.ALL:
        return counts
    if scope in (Scope.TODAY, Scope.UPCOMING):
        return {}
    project = view.project if scope == Scope.PROJECT else counts.get("inbox")
    mine = counts.get("by_project", {}).get(project, {})
    return {"all": sum(mine.values()), **{status: mine.get(status, 0) for status in Status.values}}


# --- saved views ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SavedOnScreen:
    """The saved view a list is (its heading, its sidebar link, its own status counts)."""

    id: int
    name: str
    url: str


def saved_view_on_screen(view: BoardView, views) -> SavedOnScreen | None:
    """The first of `views` (the sidebar's NavItems, or (id, name, url) rows) whose URL shows
    the same list as `view` (BoardView.identity: any status, sort and layout)."""
    wanted = view.identity
    for item in views:
        pk, name, url = (item.id, item.name, item.extra) if hasattr(item, "extra") else item
        if BoardView.at_url(url).identity == wanted:
            return SavedOnScreen(pk, name, url)
    return None


def saved_views_of(user) -> list[tuple[int, str, str]]:
    """A person's saved views as (id, name, url), for a write's answer (a page has them in
    its sidebar's Navigation)."""
    views = SavedView.objects.visible_to(user).order_by("position", "id")
    return list(views.values_list("id", "name", "url"))


def view_counts(user, view: BoardView) -> dict[str, int | str]:
    """The status counts of the list `view` shows, each counted under its filters (whatever
    status is chosen: they link to each), capped like the kanban columns' (500+), in one
    query."""
    totals = capped_counts(user, replace(view, status="", completed="show"))
    shown: dict[str, int | str] = {}
    for status in Status.values:
        n = totals[status]
        shown[status] = f"{COUNT_CAP}+" if n > COUNT_CAP else n
    total = sum(min(n, COUNT_CAP) for n in totals.values())
    capped = any(n > COUNT_CAP for n in totals.values())
    return {"all": f"{total}+" if capped else total, **shown}


def status_counts(user, view: BoardView, nav=None) -> dict | None:
    """The status counts a saved view on screen shows when its filters narrow its scope
    (`view_counts`); None when the scope's stored counts are the list's (`scoped_counts`).
    Its saved views come from the sidebar's `nav` when the page has one, else one query (only
    for a narrowed view)."""
    if not view.narrowed:
        return None
    views = nav.views if nav is not None else saved_views_of(user)
    if saved_view_on_screen(view, views) is None:
        return None
    return view_counts(user, view)
