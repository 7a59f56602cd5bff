"""Every write to one task: create, edit, complete, move (manual order and between projects),
delete, restore and purge. Each takes the acting person first, finds the task through the one
visibility function, checks the person's role, and writes as a compare-and-swap or under a row
lock. The htmx and plain views, the worker and commands call these same functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from .. import kanban, recurrence
from ..filters import BoardView
from ..models import Edit, Project, RepeatFrom, Section, Status, Task, Toggle, ordering, today
from ..models.access import access_for
from ..tagging import set_task_tags
from ..text import clean_line
from . import completion
from .common import (
    NotFound,
    editable_project,
    editable_task,
    in_transaction,
    require_edit,
    visible_task,
    wrote,
)


class NoSuchProject(NotFound):
    """The project a task was to go into is not one the person may add tasks to."""


def _follow_owner(task: Task) -> None:
    """A task belongs to its project's owner (Task.user): after it moved into a project of
    someone else's, it follows, and its tags become the new owner's tags of the same names."""
    owner = task.project.user_id
    if task.user_id == owner:
        return
    names = task.tag_names
    Task.objects.filter(pk=task.pk).update(user_id=owner)
    task.user_id = owner
    set_task_tags(task, names)


def project_named(actor, name: str) -> Project:
    """The project called `name` (any case) that `actor` may add tasks to, their own first;
    a new project of theirs, at the end of their list, when there is none."""
    access = access_for(actor)
    matches = [p for p in access.projects.values() if p.name.casefold() == name.casefold()]
    matches.sort(key=lambda p: (p.shared_with_me, p.id))
    for match in matches:
        if access.can_edit(match.id):
            return editable_project(actor, match.id, lock=True)
    mine = Project.objects.owned_by(actor)
    last = mine.aggregate(last=Max("position"))["last"]
    try:
        with transaction.atomic():
            return Project.objects.create(
                user=actor, name=name, position=0 if last is None else last + 1
            )
    except IntegrityError:  # created meanwhile (another tab): that one
        return mine.get(name__iexact=name)


def _inbox(actor) -> Project:
    """The person's Inbox, from their Access when it was read (it can be neither deleted nor
    shared, so it needs no lock), else looked up (and made on first need)."""
    inbox = access_for(actor).inbox
    if inbox is None:
        return Project.inbox_for(actor)
    return Project(
        pk=inbox.id, user_id=inbox.owner_id, name=inbox.name, colour=inbox.colour, is_inbox=True
    )


@in_transaction
def create_task(
    actor,
    task: Task,
    *,
    project_name: str | None = None,
    tag_names: Iterable[str] | None = None,
    idempotency_key: str | None = None,
    section_name: str | None = None,
) -> Task:
    """Add `task` (unsaved, its fields set) for `actor`: into `project_name` (found or created),
    else the project it names, else the person's Inbox; with these tags; in the project's
    section called `section_name` (NotFound when it has none by that name). A second submit of
    the same form (`idempotency_key`) answers with the task the first one created."""
    task.title = clean_line(task.title)  # every writer's title is one line (tasks.text)
    if project_name is not None:
        project_name = clean_line(project_name)
        project = project_named(actor, project_name)
    elif task.project_id is not None:
        project = editable_project(actor, task.project_id, lock=True)
    else:
        project = _inbox(actor)
    task.project = project
    task.user_id = project.user_id
    if section_name is not None:
        task.section = (
            Section.objects.filter(project=project, name__iexact=section_name).live().first()
        )
        if task.section is None:
            raise NotFound(f"{project.name} has no section called “{section_name}”.")
    fresh = task
    task = task.save_once(idempotency_key or None)
    names = tuple(tag_names or ())
    if names:
        set_task_tags(task, names, new=task is fresh)
    elif task is fresh:
        task.tag_names = ()  # a new task without tags: its row needs no query to say so
    wrote(actor)
    return task


@in_transaction
def edit_task(actor, pk: int, version: int, mine: dict, original: dict | None) -> Edit:
    """Save the person's edit of task `pk`, opened at `version` on the `original` values
    (TaskQuerySet.edit: a compare-and-swap, merged with a change made elsewhere when they do
    not clash). A new project must be one they may add tasks to."""
    if "title" in mine:
        mine = mine | {"title": clean_line(mine["title"])}
    project = mine.get("project")
    if project is not None:
        editable_project(actor, project.pk, lock=True)
    try:
        current = Task.objects.visible_to(actor).for_edit(pk)
    except Task.DoesNotExist:
        raise NotFound("No such task.") from None
    require_edit(access_for(actor), current.project_id)
    edit = Task.objects.edit(current, version, mine, original)
    if edit.saved and "tag_names" in edit.changed:
        set_task_tags(edit.task, mine["tag_names"])
    if edit.saved and "project" in edit.changed:
        _follow_owner(edit.task)
    wrote(actor)
    return edit


@in_transaction
def toggle_task(actor, pk: int, occurrence=completion.NOT_GIVEN) -> Toggle:
    """Complete or reopen the task; a repeating one moves on to its next occurrence (`occurrence`:
    the due date the person saw, so two presses racing each other advance it once). The result
    says the status it had before (`was`), for its Undo (undo_toggle)."""
    # With its project and tag names: the answer's row shows their chips.
    task = editable_task(
        actor, pk, Task.objects.visible_to(actor).select_related("project").with_tag_names()
    )
    before = (task.status, task.version)
    result = completion.toggle(task, occurrence)
    if result is None:
        raise NotFound("This task was deleted meanwhile.")
    if result.task.version == before[1] + 1:
        result.was = before[0]  # nobody wrote in between: exactly the status it had
    else:  # the lock-free flip met another write: its inverse
        result.was = Status.PENDING if result.task.is_completed else Status.COMPLETED
    wrote(actor)
    return result


@in_transaction
def undo_toggle(actor, pk: int, version: int, status: str) -> Task | None:
    """Undo a completion (or reopening) of a task: back to `status` and to the version it had,
    only while the task is still at `version` (the one the toggle gave it), a compare-and-swap.
    None when it changed since (nothing is overwritten)."""
    editable_task(actor, pk)
    return _restore(pk, version, status=status)


def _restore(pk: int, version: int, **values) -> Task | None:
    """Put `values` back on task `pk` and give it the version before `version`, only while it is
    at `version` (a compare-and-swap): an undo, so a form opened before the change saves again
    and one opened on the change gets the usual conflict."""
    now = timezone.now()
    if "status" in values:
        done = values["status"] == Status.COMPLETED
        values["completed_at"] = now if done else None
    live = Task.objects.filter(pk=pk, version=version, deleted_at__isnull=True)
    if version < 2 or not live.update(**values, version=version - 1, updated_at=now):
        return None
    return Task.objects.select_related("project").with_tag_names().get(pk=pk)


@in_transaction
def undo_completion(actor, pk: int, completion_id: int) -> Task | None:
    """Put the task back as it was before that completion; None when it changed since."""
    task = editable_task(actor, pk)
    restored = completion.undo(task, completion_id)
    wrote(actor)
    return restored


@dataclass
class Rescheduled:
    """What a skip or a postpone did: the task as it is now, the due date and time it had (its
    Undo puts them back: undo_reschedule), and, when nothing changed, why (`refused`)."""

    task: Task
    was_date: dt.date | None = None
    was_time: dt.time | None = None
    refused: str = ""


def _reschedule(task: Task, version: int, day: dt.date) -> Rescheduled | None:
    """Move `task` (read under its row lock) to `day`, keeping its time, at `version`."""
    was = Rescheduled(task, task.due_date, task.due_time)
    now = timezone.now()
    live = Task.objects.filter(pk=task.pk, version=version, deleted_at__isnull=True)
    if not live.update(due_date=day, version=F("version") + 1, updated_at=now):
        return None
    task.due_date, task.version, task.updated_at = day, version + 1, now
    return was


def _locked(actor, pk: int) -> Task:
    """Task `pk` locked for a write the person may make, with what its row shows."""
    tasks = Task.objects.visible_to(actor).select_related("project").with_tag_names()
    return editable_task(actor, pk, tasks.select_for_update(of=("self",)))


@in_transaction
def skip_occurrence(actor, pk: int, occurrence=completion.NOT_GIVEN) -> Rescheduled:
    """Skip this occurrence of a repeating task: it moves on to its next one, as a completion
    would, but nothing is recorded as done. `occurrence`: the due date the person saw (two
    presses racing each other skip once). `refused` says why nothing changed."""
    task = _locked(actor, pk)
    if not task.recurrence:
        return Rescheduled(task, refused="This task does not repeat: postpone it instead.")
    if task.is_completed:
        return Rescheduled(task, refused="This task is completed: nothing to skip.")
    if occurrence is not completion.NOT_GIVEN and occurrence != task.due_date:
        return Rescheduled(task, refused="That occurrence was already skipped or completed.")
    try:
        following = recurrence.next_due(
            task.recurrence,
            due=task.due_date,
            repeat_from=task.repeat_from or RepeatFrom.DUE,
            completed_on=today(),
            completions=task.completions.count(),
        )
    except recurrence.RuleError:
        following = None
    if following is None:
        return Rescheduled(task, refused="This is the last occurrence: complete or delete it.")
    done = _reschedule(task, task.version, following)
    wrote(actor)
    return done


@in_transaction
def postpone(actor, pk: int, version: int, day: dt.date) -> Rescheduled | None:
    """Move the task to `day` (its time of day kept) at the version the person saw: a
    compare-and-swap, None when it changed since. A repeating task's series goes on from
    there."""
    task = _locked(actor, pk)
    if task.due_date == day:
        return Rescheduled(task, refused="It is due that day already.")
    done = _reschedule(task, version, day)
    wrote(actor)
    return done


@in_transaction
def undo_reschedule(
    actor, pk: int, version: int, due_date: dt.date | None, due_time: dt.time | None
) -> Task | None:
    """Undo a skip or a postpone: the due date and time back, while the task is still at
    `version` (a compare-and-swap; None when it changed since)."""
    editable_task(actor, pk)
    return _restore(pk, version, due_date=due_date, due_time=due_time)


@in_transaction
def undo_move(actor, pk: int, version: int, status: str, position: int) -> Task | None:
    """Undo a board move: the task back in column `status` at `position`, while it is still at
    `version` (the one the move gave it: a compare-and-swap; None when it changed since). Runs
    under the same project locks as a move."""
    ordering.lock_moves(access_for(actor).projects)
    task = editable_task(actor, pk)
    if status == task.status:  # a reorder within its column: the status stays as it is
        return _restore(pk, version, position=position)
    return _restore(pk, version, status=status, position=position)


@in_transaction
def set_task_project(actor, pk: int, version: int, project_pk: int | None) -> Task | None:
    """Put the task into another project at the version the person saw (None: it changed
    meanwhile). The target is locked while the task moves, so a project deleted meanwhile is
    refused (NoSuchProject) and a delete that follows takes the task with it."""
    task = editable_task(actor, pk)
    try:
        target = editable_project(actor, project_pk, lock=True)
    except NotFound:
        raise NoSuchProject("Choose one of your projects.") from None
    moved_from = task.project_id
    if not target.take(task, version):
        return None
    _follow_owner(task)
    task.moved_from = moved_from  # its old project's count is renewed too (sidebar_counts)
    wrote(actor)
    return task


@in_transaction
def delete_task(actor, pk: int) -> Task:
    """To the trash (undo brings back the very same row)."""
    task = editable_task(actor, pk)
    task.soft_delete()
    wrote(actor)
    return task


def _restorable(actor):
    """The tasks `actor` may bring back or look at in their trash: live or deleted."""
    return Task.objects.visible_to(actor) | Task.objects.deleted_visible_to(actor)


@in_transaction
def restore_task(actor, pk: int) -> Task:
    """Undo one delete (a compare-and-swap: restoring twice is harmless)."""
    task = visible_task(actor, pk, _restorable(actor))
    require_edit(access_for(actor), task.project_id)
    task.restore()
    wrote(actor)
    return task


@dataclass
class Undone:
    """What `z` brought back: a task, and the project when the last delete was a project's."""

    task: Task | None
    project: Project | None = None


@in_transaction
def undo_last_delete(actor) -> Undone:
    """Bring back the most recently deleted task, one per press; when that delete was a
    project's, the project comes back with its tasks."""
    in_trash = (
        Task.objects.deleted_visible_to(actor)
        .select_related("project")
        .select_for_update(of=("self",))
    )
    task = in_trash.last_deleted()
    if task is None:
        return Undone(None)
    project = None
    if task.project.deleted_at == task.deleted_at and task.project.user_id == actor.pk:
        task.project.restore()
        project = task.project
    task.restore()
    wrote(actor)
    return Undone(task, project)


@in_transaction
def restore_from_trash(actor, pk: int) -> Task:
    # Locked, so a "Delete forever" racing this waits and then finds nothing left to restore.
    in_trash = Task.objects.deleted_visible_to(actor).select_for_update()
    task = visible_task(actor, pk, in_trash)
    task.restore()
    wrote(actor)
    return task


@in_transaction
def purge_task(actor, pk: int, version: int | None) -> tuple[Task, bool]:
    """Delete forever: only a task still in the trash, at the version the page showed. The
    task and whether it went (False: it changed since the page was loaded)."""
    in_trash = Task.objects.deleted_visible_to(actor)
    task = visible_task(actor, pk, in_trash.select_for_update())
    deleted, _ = in_trash.filter(pk=pk, version=version).delete()
    wrote(actor)
    return task, bool(deleted)


@dataclass
class Moved:
    """What a move did: the task (with what its card shows), whether it moved, whether it
    changed columns, its (version, updated_at) before, and, when it did not move, the end it
    is already at ("top", "bottom")."""

    task: Task
    moved: bool
    changed_column: bool = False
    was: tuple[int, dt.datetime] | None = None
    edge: str = ""
    # Where it was (its column and manual position): the toast's Undo puts it back (undo_move).
    from_status: str = ""
    from_position: int | None = None


@in_transaction
def move_task(
    actor,
    pk: int,
    view: BoardView,
    *,
    status: str | None = None,
    after: int | None = None,
    before: int | None = None,
    direction: str | None = None,
    section=ordering.KEEP,
    at: str | None = None,
) -> Moved:
    """Move a task in manual order: next to a card (`after`/`before`), to the top of a column
    (`status`, or `section` on a project's board of sections: a section id, None for no
    section; with `at` "bottom", to its end), or one place up or down (`direction`) in the list
    `view` shows. In a project's list grouped by section, a task dropped next to another joins
    that one's section. Raises
    ordering.AnchorMoved when the neighbour it was aimed at left that column meanwhile (or the
    task left the project whose sections are on screen)."""
    access = access_for(actor)
    line = Task.objects.visible_to(actor)
    ordering.lock_moves(access.projects)
    # Read under the lock, with what its card shows (project, tags): the move and the answer
    # both use this row.
    task = editable_task(actor, pk, kanban.card_tasks(actor))
    sections = kanban.board_sections(view)
    by_section = sections is not None
    if by_section:
        if task.project_id != view.project:
            raise ordering.AnchorMoved
        if section is ordering.KEEP:
            section = task.section_id
        elif section is not None and section not in {s.pk for s in sections}:
            raise NotFound("No such section in this project.")
    else:
        section = ordering.KEEP
    # The list (Manual sort) mixes statuses: a move there reorders and keeps the status.
    target = status if view.is_kanban and status and not by_section else task.status
    if by_section and not view.is_kanban and (after or before):
        # The list grouped by section: dropped next to a task, it joins that task's section.
        near = list(line.filter(pk=after or before).values_list("section_id", flat=True)[:1])
        if near:
            section = near[0]

    def in_column(qs, status_value, section_value):
        if not by_section:
            return qs.filter(status=status_value)
        if section_value is None:
            return qs.filter(section__isnull=True)
        return qs.filter(section_id=section_value)

    anchor = {"after": after, "before": before}
    if direction:
        shown = line.filtered(view)
        if view.is_kanban or by_section:
            shown = in_column(shown, task.status, task.section_id)
        anchor = ordering.step(shown, task, -1 if direction == "up" else 1)
        target = task.status
        section = ordering.KEEP if not by_section else task.section_id
        if anchor is None:
            return Moved(task, moved=False, edge="top" if direction == "up" else "bottom")
    column = None  # the target column is read only for a move to its top (no anchor)
    if anchor.get("after") is None and anchor.get("before") is None:
        column = in_column(line.filtered(view), target, section)
        if at == "bottom":
            last = column.exclude(pk=task.pk).order_by("-position", "-id").only("id").first()
            if last is not None:
                anchor = {"after": last.pk, "before": None}
    changed_column = target != task.status or (by_section and section != task.section_id)
    was = (task.version, task.updated_at)
    whence = {"from_status": task.status, "from_position": task.position}
    try:
        ordering.move(
            line,
            task,
            target,
            column,
            after=anchor.get("after"),
            before=anchor.get("before"),
            anchor_in_column=view.is_kanban,
            section=section,
        )
    except Task.DoesNotExist:
        raise NotFound("That task is gone.") from None
    wrote(actor)
    return Moved(task, True, changed_column, was, **whence)


__all__ = [
    "Moved",
    "NoSuchProject",
    "Rescheduled",
    "Undone",
    "create_task",
    "delete_task",
    "edit_task",
    "move_task",
    "postpone",
    "project_named",
    "purge_task",
    "restore_from_trash",
    "restore_task",
    "set_task_project",
    "skip_occurrence",
    "toggle_task",
    "undo_completion",
    "undo_last_delete",
    "undo_move",
    "undo_reschedule",
    "undo_toggle",
]
