"""Bulk actions: one change applied to many tasks at once, and its undo.

The batch's before-state is kept server-side (BulkBatch + one BulkChange row per changed task),
not in a signed token: a "select all matching" batch can hold 10,000 tasks, far more than a
form field should carry, and the undo then runs as a few set-based statements joined to these
rows, whatever the count.

Every statement is set-based, so the number of queries does not depend on how many tasks change:
the before-state is copied with one INSERT ... SELECT (which also takes the row locks on
PostgreSQL), the change is one UPDATE joined to those rows, tags one INSERT ... SELECT or DELETE.

The conflict rule: a selection names each task with the version the page showed; a task whose
version moved on is left alone and reported, never overwritten. "All matching" names no tasks:
the view's filter is evaluated again inside the transaction.

Undo restores the fields the batch changed, and the version, on exactly the tasks it changed
that nobody changed since (their version is still the batch's): each is back as it was, so a form
opened before the batch saves again, and a page or form opened on the batch's state (its newer
version) gets the usual conflict instead of saving over the restored task.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.fields.tuple_lookups import Tuple, TupleIn
from django.db.models.functions import Lower
from django.utils import timezone

from .organize import Project, Tag, TaskTag
from .task import Status, Task, TaskQuerySet, today

# A selection of ids comes from one page of the board; "all matching" sends the filter instead.
MAX_SELECTED = 500


class BulkAction(models.TextChoices):
    COMPLETE = "complete", "Complete"
    REOPEN = "reopen", "Reopen"
    PRIORITY = "priority", "Set priority"
    STATUS = "status", "Set status"
    DUE = "due", "Set due date"
    TODAY = "today", "Reschedule to today"
    MOVE = "move", "Move to project"
    ADD_TAG = "add_tag", "Add tag"
    REMOVE_TAG = "remove_tag", "Remove tag"
    DELETE = "delete", "Delete"


# The fields each action writes, and so the ones its undo puts back.
RESTORES: dict[str, tuple[str, ...]] = {
    BulkAction.COMPLETE: ("status", "completed_at"),
    BulkAction.REOPEN: ("status", "completed_at"),
    BulkAction.STATUS: ("status", "completed_at"),
    BulkAction.PRIORITY: ("priority",),
    BulkAction.DUE: ("due_date", "due_time"),
    BulkAction.TODAY: ("due_date",),
    BulkAction.MOVE: ("project",),
    BulkAction.ADD_TAG: (),
    BulkAction.REMOVE_TAG: (),
    BulkAction.DELETE: (),
}
# Copied into each BulkChange: the task, its version before the batch, and the fields above.
BEFORE = (
    "id",
    "version",
    "status",
    "priority",
    "due_date",
    "due_time",
    "completed_at",
    "project_id",
)
CHANGE_COLUMNS = ["task_id", *BEFORE[1:]]


class BulkBatch(models.Model):
    """One bulk action a person took: what, when, on how many tasks, and whether undone."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=12, choices=BulkAction)
    # The value the action set (a priority, a status, a date, a tag or project name), for words.
    value = models.CharField(max_length=200, blank=True, default="")
    tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Also the deleted_at a Delete batch gave its tasks: its undo restores only those.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    undone_at = models.DateTimeField(null=True, blank=True, editable=False)
    total = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.action} on {self.total} tasks"


class BulkChange(models.Model):
    """One task a batch changed, with its state before the batch."""

    # No index of its own: the (batch, task) unique index serves "this batch's rows" and, unlike
    # a batch-only index, finds one task's row directly (undo's per-task lookups).
    batch = models.ForeignKey(
        BulkBatch, on_delete=models.CASCADE, related_name="changes", db_index=False
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()  # before the batch
    status = models.CharField(max_length=12)
    priority = models.CharField(max_length=10)
    due_date = models.DateField(null=True)
    due_time = models.TimeField(null=True)
    completed_at = models.DateTimeField(null=True)
    # No constraint: the project may be deleted later; undo then leaves those tasks where they are.
    project = models.ForeignKey(
        Project, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "task"], name="bulkchange_batch_task"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.task_id}"


@dataclass
class BulkResult:
    """What a bulk action (or its undo) did: the batch (None when nothing changed), how many
    tasks changed, and how many selected ones had changed elsewhere and were left alone."""

    batch: BulkBatch | None
    changed: int
    conflicts: int = 0
    # The projects whose lists the batch changed (before and after): their sidebar counts.
    projects: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class BulkRequest:
    """A validated bulk action: which tasks (`selected` (id, version) pairs, or the `view`'s
    filter), what to do, and its value (`priority`, `status`, `due_date`, `project`, `tag`)."""

    action: str
    selected: tuple[tuple[int, int], ...] = ()
    view: object | None = None  # a filters.BoardView: "all matching"
    priority: str = ""
    status: str = ""
    due_date: dt.date | None = None
    project: Project | None = None
    tag_name: str = ""


def tag_named(user_id: int, name: str) -> Tag:
    """The tag called `name` (any case) of user `user_id`, created when missing; a concurrent
    create of the same name is settled by the unique constraint."""
    tag = Tag.objects.filter(user_id=user_id).named(name).first()
    if tag is not None:
        return tag
    try:
        with transaction.atomic():
            return Tag.objects.create(user_id=user_id, name=name)
    except IntegrityError:
        return Tag.objects.filter(user_id=user_id).named(name).get()


def _has_tag(name: str) -> Exists:
    """For a task: it has its owner's tag called `name` (tags are their owner's)."""
    links = TaskTag.objects.alias(lname=Lower("tag__name")).filter(
        task=OuterRef("pk"), tag__user=OuterRef("user"), lname=name.lower()
    )
    return Exists(links)


def _targets(user, req: BulkRequest, projects: list[int]) -> TaskQuerySet:
    """The selected tasks the action would change (no-ops left out: completing a completed task
    changes nothing and takes no version), among those in `projects` (the ones the person may
    change)."""
    tasks = Task.objects.visible_to(user).filter(project_id__in=projects)
    if req.view is not None:
        tasks = tasks.filtered(req.view)
    else:
        tasks = tasks.filter(TupleIn(Tuple(F("id"), F("version")), list(req.selected)))
    match req.action:
        case BulkAction.COMPLETE:
            return tasks.exclude(status=Status.COMPLETED)
        case BulkAction.REOPEN:
            return tasks.filter(status=Status.COMPLETED)
        case BulkAction.STATUS:
            return tasks.exclude(status=req.status)
        case BulkAction.PRIORITY:
            return tasks.exclude(priority=req.priority)
        case BulkAction.DUE:
            if req.due_date is None:
                return tasks.filter(due_date__isnull=False)
            return tasks.exclude(due_date=req.due_date)
        case BulkAction.TODAY:  # the overdue ones (an earlier day, still open)
            return tasks.filter(due_date__lt=today()).exclude(status=Status.COMPLETED)
        case BulkAction.MOVE:
            return tasks.exclude(project=req.project)
        case BulkAction.ADD_TAG:
            return tasks.exclude(_has_tag(req.tag_name))
        case BulkAction.REMOVE_TAG:
            return tasks.filter(_has_tag(req.tag_name))
    return tasks  # DELETE


def _new_values(req: BulkRequest, now: dt.datetime) -> dict:
    """The UPDATE's SET for the action (the tag actions and Delete only move the version)."""
    match req.action:
        case BulkAction.COMPLETE:
            return {"status": Status.COMPLETED, "completed_at": now}
        case BulkAction.REOPEN:
            return {"status": Status.PENDING, "completed_at": None}
        case BulkAction.STATUS:
            done = req.status == Status.COMPLETED
            return {"status": req.status, "completed_at": now if done else None}
        case BulkAction.PRIORITY:
            return {"priority": req.priority}
        case BulkAction.DUE:
            # A time of day means nothing without its date.
            return {"due_date": req.due_date} | ({} if req.due_date else {"due_time": None})
        case BulkAction.TODAY:  # the person's today; each keeps its time of day
            return {"due_date": today()}
        case BulkAction.MOVE:
            # A task belongs to its project's owner.
            # ... and the sections are the old project's: the tasks leave theirs.
            return {"project": req.project, "user_id": req.project.user_id, "section": None}
    return {}


def _untouched(batch: BulkBatch) -> Exists:
    """For a task: this batch changed it and nobody changed it since (it has the version the
    batch gave it; a Delete keeps the version)."""
    bump = 0 if batch.action == BulkAction.DELETE else 1
    return Exists(
        BulkChange.objects.filter(
            batch=batch, task=OuterRef("pk"), version=OuterRef("version") - bump
        )
    )


def _link_tag(tasks: TaskQuerySet, name: str) -> None:
    """Give each of these tasks its owner's tag `name` (created where missing)."""
    by_owner: dict[int, list[int]] = {}
    for pk, owner in tasks.values_list("pk", "user_id"):
        by_owner.setdefault(owner, []).append(pk)
    for owner, ids in sorted(by_owner.items()):
        tag = tag_named(owner, name)
        TaskTag.objects.bulk_create(
            [TaskTag(task_id=pk, tag_id=tag.pk) for pk in ids],
            ignore_conflicts=True,
            batch_size=1000,
        )


def _unlink_tag(tasks: TaskQuerySet, name: str) -> None:
    """Take the owner's tag `name` off each of these tasks."""
    TaskTag.objects.alias(lname=Lower("tag__name")).filter(
        task__in=tasks.values("pk"), tag__user=F("task__user"), lname=name.lower()
    ).delete()


def touched_projects(batch: BulkBatch) -> set[int]:
    """The projects a batch's tasks were in before and are in now (their lists changed)."""
    changes = BulkChange.objects.filter(batch=batch)
    before = set(changes.values_list("project_id", flat=True))
    now = set(
        Task.objects.filter(pk__in=changes.values("task_id")).values_list("project_id", flat=True)
    )
    return before | now


def apply_bulk(user, req: BulkRequest, projects: list[int]) -> BulkResult:
    """Apply `req` to the user's tasks in `projects` (those they may change), in the caller's
    transaction. Other tasks' ids match nothing, exactly like ids that do not exist."""
    spelling = req.tag_name
    if req.action == BulkAction.ADD_TAG:
        # The person's own tag, made even if no task gains it; its spelling names the batch.
        spelling = tag_named(user.pk, req.tag_name).name
    elif req.action == BulkAction.REMOVE_TAG:
        tag = Tag.objects.filter(user_id=user.pk).named(req.tag_name).first()
        spelling = tag.name if tag else req.tag_name
    now = timezone.now()
    # A batch can be undone as long as its deleted tasks stay restorable; older ones go (with
    # their change rows), so the table holds about a day of each person's bulk actions.
    kept = dt.timedelta(hours=settings.TASKS_PURGE_AFTER_HOURS)
    BulkBatch.objects.filter(user=user, created_at__lt=now - kept).delete()
    batch = BulkBatch.objects.create(
        user=user, action=req.action, value=_value_words(req, spelling), created_at=now
    )
    # Copy the before-state; on PostgreSQL FOR UPDATE locks the rows (in id order, so two batches
    # over the same tasks queue instead of deadlocking) and re-reads one another transaction
    # changed meanwhile, checking the (id, version) match again on its new version.
    rows = _targets(user, req, projects).select_for_update().order_by("pk").values_list(*BEFORE)
    BulkChange.objects.bulk_create(
        [BulkChange(batch=batch, **dict(zip(CHANGE_COLUMNS, row, strict=True))) for row in rows],
        batch_size=1000,
    )
    changed = BulkChange.objects.filter(batch=batch).count()
    conflicts = _conflicts(user, req)
    if not changed:
        batch.delete()
        return BulkResult(None, 0, conflicts)
    in_batch = Task.objects.filter(pk__in=BulkChange.objects.filter(batch=batch).values("task_id"))
    if req.action == BulkAction.DELETE:
        # As a single delete: to the trash, version kept (the fields did not change).
        in_batch.update(deleted_at=now)
    else:
        in_batch.update(**_new_values(req, now), version=F("version") + 1, updated_at=now)
    if req.action == BulkAction.ADD_TAG:
        _link_tag(in_batch, req.tag_name)
    elif req.action == BulkAction.REMOVE_TAG:
        _unlink_tag(in_batch, req.tag_name)
    batch.total = changed
    batch.save(update_fields=["total"])
    return BulkResult(batch, changed, conflicts)


def _conflicts(user, req: BulkRequest) -> int:
    """Selected tasks of the user's whose version moved on since the page showed them."""
    if req.view is not None or not req.selected:
        return 0
    ids = [pk for pk, _ in req.selected]
    shown = TupleIn(Tuple(F("id"), F("version")), list(req.selected))
    return Task.objects.visible_to(user).filter(pk__in=ids).exclude(shown).count()


def _value_words(req: BulkRequest, tag_name: str) -> str:
    match req.action:
        case BulkAction.PRIORITY:
            return req.priority
        case BulkAction.STATUS:
            return req.status
        case BulkAction.DUE:
            return req.due_date.isoformat() if req.due_date else ""
        case BulkAction.TODAY:
            return today().isoformat()
        case BulkAction.MOVE:
            return req.project.name
    return tag_name


def undo_bulk(user, batch_id: int, projects: list[int]) -> BulkResult | None:
    """Revert the user's batch on the tasks nobody changed since, among those in `projects`
    (the ones they may still change); None when there is no such batch of theirs or it was
    already undone. Runs in the caller's transaction."""
    batch = (
        BulkBatch.objects.select_for_update()
        .filter(pk=batch_id, user=user, undone_at__isnull=True)
        .first()
    )
    if batch is None:
        return None
    now = timezone.now()
    untouched = _untouched(batch)
    # Driven from the batch's rows: undoing 10 tasks of a 100,000-task account reads 10 tasks.
    in_batch = BulkChange.objects.filter(batch=batch).values("task_id")
    live = Task.objects.filter(pk__in=in_batch, project_id__in=projects)
    if batch.action == BulkAction.DELETE:
        # Only the tasks this batch put in the trash and nobody restored (or edited) since.
        reverted = live.filter(untouched, deleted_at=batch.created_at).update(deleted_at=None)
    else:
        before = BulkChange.objects.filter(batch=batch, task=OuterRef("pk"))
        restore = {}
        for name in RESTORES[batch.action]:
            column = "project_id" if name == "project" else name
            restore[column] = Subquery(before.values(column)[:1])
        if batch.action == BulkAction.MOVE:
            # Back into a project only while it still exists and the person may add to it,
            # and to that project's owner.
            old = BulkChange.objects.filter(batch=batch, task=OuterRef(OuterRef("pk")))
            back = Project.objects.filter(pk__in=projects, deleted_at__isnull=True)
            untouched &= Exists(back.filter(pk=Subquery(old.values("project_id")[:1])))
            owner = Project.objects.filter(pk=Subquery(old.values("project_id")[:1]))
            restore["user_id"] = Subquery(owner.values("user_id")[:1])
        reverted = live.filter(untouched, deleted_at__isnull=True).update(
            **restore, version=Subquery(before.values("version")[:1]), updated_at=now
        )
        # The tasks just reverted: back at their change row's version, stamped by this UPDATE
        # (one changed elsewhere has another time), and locked by it.
        rows = BulkChange.objects.filter(
            batch=batch, task__version=F("version"), task__updated_at=now
        )
        done = Task.objects.filter(pk__in=rows.values("task_id"))
        if batch.action == BulkAction.ADD_TAG:
            _unlink_tag(done, batch.value)
        elif batch.action == BulkAction.REMOVE_TAG:
            _link_tag(done, batch.value)
    batch.undone_at = now
    batch.save(update_fields=["undone_at"])
    return BulkResult(batch, reverted, batch.total - reverted)
