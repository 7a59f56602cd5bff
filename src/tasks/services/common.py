"""What every service shares: finding the object the person acts on through the one visibility
function, the permission check, and the errors a caller answers with."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404

from ..models import Project, Task
from ..models.access import Access, access_for, forget_access

__all__ = [
    "Forbidden",
    "NotFound",
    "access_for",
    "editable_project",
    "editable_task",
    "forget_access",
    "in_transaction",
    "require_edit",
    "visible_task",
]


class NotFound(Http404):
    """Not there, or not the person's to see: the two answer alike (404), so ids leak nothing."""


class Forbidden(PermissionDenied):
    """The person sees it but their role does not allow this change (403)."""


def require_edit(access: Access, project_id: int | None) -> None:
    if not access.can_edit(project_id):
        raise Forbidden("You can view this project's tasks but not change them.")


def visible_task(actor, pk: int, queryset=None) -> Task:
    """The task `pk` if `actor` may see it (NotFound otherwise). `queryset` narrows or extends
    what is read (select_related, with_tag_names, a lock)."""
    tasks = Task.objects.visible_to(actor) if queryset is None else queryset
    task = tasks.filter(pk=pk).first()
    if task is None:
        raise NotFound("No such task.")
    return task


def editable_task(actor, pk: int, queryset=None) -> Task:
    """The task `pk` if `actor` may change it: NotFound when they cannot see it, Forbidden when
    they may only look."""
    task = visible_task(actor, pk, queryset)
    require_edit(access_for(actor), task.project_id)
    return task


def editable_project(actor, pk: int | None, lock: bool = False) -> Project:
    """A live project `actor` may add tasks to or move tasks into (locked until the transaction
    ends when `lock`: a delete running now either finished, and the project is NotFound, or
    waits for this write and then takes its task along)."""
    projects = Project.objects.visible_to(actor)
    if lock:
        projects = projects.select_for_update()
    project = projects.filter(pk=pk).first() if pk else None
    if project is None:
        raise NotFound("No such project.")
    require_edit(access_for(actor), project.pk)
    return project


def in_transaction(service):
    """Run `service` in the caller's transaction, or in one of its own when there is none.

    Not a nested atomic(): a savepoint costs two round trips on every write, and an expected
    refusal (NotFound, Stale) must not mark the caller's transaction as failed when the
    caller answers it (a form with its errors, a 409)."""

    @wraps(service)
    def run(*args, **kwargs):
        if connection.in_atomic_block:
            return service(*args, **kwargs)
        with transaction.atomic():
            return service(*args, **kwargs)

    return run


def wrote(actor) -> None:
    """After a write: what this request reads next of the person's projects is read afresh."""
    forget_access(actor)
