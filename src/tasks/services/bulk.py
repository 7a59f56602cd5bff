"""Bulk actions and their undo, as a service: the selected (or all matching) tasks the person
may change, one set-based write per action (models/bulk.py)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from ..models import BulkAction, BulkChange, BulkRequest, BulkResult, Task, TaskTag
from ..models import bulk as batches
from ..models.access import access_for
from ..models.listversion import lock_versions
from ..tagging import set_task_tags
from .common import editable_project, in_transaction, wrote


def _editable_projects(actor) -> list[int]:
    access = access_for(actor)
    return [pk for pk in access.projects if access.can_edit(pk)]


def _rehome_tags(batch) -> None:
    """A batch's tasks that moved into (or back into) a project of another owner's: their tags
    become the new owner's tags of the same names (tags are their owner's)."""
    moved = Task.objects.filter(pk__in=BulkChange.objects.filter(batch=batch).values("task_id"))
    stray = moved.filter(
        Exists(TaskTag.objects.filter(task=OuterRef("pk")).exclude(tag__user=OuterRef("user")))
    )
    for task in stray.with_tag_names():
        set_task_tags(task, task.tag_names)


@in_transaction
def apply_bulk(actor, req: BulkRequest) -> BulkResult:
    """Apply `req` to the tasks of the person's it names that they may change; tasks of
    projects they may only view (or cannot see) match nothing, like ids that do not exist."""
    if req.action == BulkAction.MOVE:
        editable_project(actor, req.project.pk, lock=True)
    projects = _editable_projects(actor)
    result = batches.apply_bulk(actor, req, projects)
    if result.batch is not None:
        if req.action == BulkAction.MOVE:
            _rehome_tags(result.batch)
        result.projects = batches.touched_projects(result.batch)
        lock_versions(result.projects)
    wrote(actor)
    return result


@in_transaction
def undo_bulk(actor, batch_id: int) -> BulkResult | None:
    """Revert the person's batch on the tasks nobody changed since (None: no such batch)."""
    result = batches.undo_bulk(actor, batch_id, _editable_projects(actor))
    if result is not None:
        if result.batch.action == BulkAction.MOVE:
            _rehome_tags(result.batch)
        result.projects = batches.touched_projects(result.batch)
        lock_versions(result.projects)
    wrote(actor)
    return result
