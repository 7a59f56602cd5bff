"""Completing a repeating task: the completion is recorded and the task moves on to its next
occurrence, in one transaction under the task's row lock; undo puts back the exact state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from .. import recurrence
from .task import RepeatFrom, Status, Task, today


class TaskCompletion(models.Model):
    """One completed occurrence of a repeating task (the history on the task's page), with
    what undo needs to put the task back exactly as it was."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)
    # The occurrence completed: the task's due date and time at that moment.
    due_date = models.DateField(null=True, blank=True)
    due_time = models.TimeField(null=True, blank=True)
    # Where it moved the task (None: it was the last occurrence and completed the task).
    next_due_date = models.DateField(null=True, blank=True)
    previous_status = models.CharField(max_length=12, choices=Status)
    previous_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["-completed_at", "-id"]
        indexes = [models.Index(fields=["task", "-completed_at", "-id"], name="completion_task")]

    def __str__(self) -> str:
        return f"{self.task_id} done {self.completed_at:%Y-%m-%d %H:%M}"


@dataclass
class Toggle:
    """What a press of a task's checkbox did."""

    task: Task
    # "advanced" (a repeating task moved on), "completed", "reopened", or "already" (this
    # occurrence was completed meanwhile, by another tab or a double submit: nothing changed)
    outcome: str
    completion: TaskCompletion | None = None
    # The status the task had before (services.toggle_task sets it), for the toast's Undo.
    was: str = ""

    @property
    def next_due(self) -> dt.date | None:
        return self.task.due_date if self.outcome == "advanced" else None


NOT_GIVEN = object()


def toggle(task: Task, occurrence=NOT_GIVEN) -> Toggle | None:
    """Toggle `task` completed; a repeating task's completion moves it to its next occurrence.

    `occurrence` is the due date the person saw when pressing (the row sends it): when the task
    has moved past it, that occurrence was completed already and nothing happens, so two
    presses racing each other advance the task once. None when the task is gone.
    """
    if not task.recurrence:  # a one-off: the lock-free flip (Task.toggle_completed)
        if not task.toggle_completed():
            return None
        return Toggle(task, "completed" if task.is_completed else "reopened")
    with transaction.atomic():
        current = Task.objects.select_for_update().filter(pk=task.pk, deleted_at=None).first()
        if current is None:
            return None
        # What the caller read with the task (its project, tag names) stays valid: the lock
        # re-reads the row's own fields only.
        if "tag_string" in task.__dict__:
            current.tag_names = task.tag_names
        if Task.project.is_cached(task):
            current.project = task.project
        if current.is_completed:
            return _reopen(current)
        if occurrence is not NOT_GIVEN and occurrence != current.due_date:
            return Toggle(current, "already")
        return _complete_occurrence(current)


def _complete_occurrence(task: Task) -> Toggle:
    now = timezone.now()
    try:
        following = recurrence.next_due(
            task.recurrence,
            due=task.due_date,
            repeat_from=task.repeat_from or RepeatFrom.DUE,
            completed_on=today(),
            completions=task.completions.count(),
        )
    except recurrence.RuleError:
        following = None  # a rule we cannot read (stored by hand): complete it as a one-off
    record = TaskCompletion.objects.create(
        task=task,
        completed_at=now,
        due_date=task.due_date,
        due_time=task.due_time,
        next_due_date=following,
        previous_status=task.status,
        previous_version=task.version,
    )
    if following is None:
        values = {"status": Status.COMPLETED, "completed_at": now}
    else:
        values = {"due_date": following, "status": Status.PENDING, "completed_at": None}
    Task.objects.filter(pk=task.pk).update(
        version=models.F("version") + 1, updated_at=now, **values
    )
    task.refresh_from_db()
    return Toggle(task, "advanced" if following else "completed", record)


def _reopen(task: Task) -> Toggle:
    """Not completed after all: the series' last occurrence is open again (its record goes)."""
    now = timezone.now()
    last = task.completions.filter(next_due_date=None).first()
    if last is not None:
        last.delete()
    Task.objects.filter(pk=task.pk).update(
        status=Status.PENDING, completed_at=None, version=models.F("version") + 1, updated_at=now
    )
    task.refresh_from_db()
    return Toggle(task, "reopened")


def undo(task: Task, completion_id: int) -> Task | None:
    """Put the task back as it was before completion `completion_id`: due date and time,
    status, version, and the record removed. Only while that completion is the task's latest
    and nothing changed the task since (else None: undoing would overwrite a later change).

    The version goes back too, so an edit form opened before the completion still saves.
    """
    with transaction.atomic():
        current = Task.objects.select_for_update().filter(pk=task.pk, deleted_at=None).first()
        if current is None:
            return None
        latest = current.completions.first()
        if (
            latest is None
            or latest.pk != completion_id
            or current.version != latest.previous_version + 1
        ):
            return None
        was_completed = latest.previous_status == Status.COMPLETED
        Task.objects.filter(pk=current.pk).update(
            due_date=latest.due_date,
            due_time=latest.due_time,
            status=latest.previous_status,
            completed_at=current.completed_at if was_completed else None,
            version=latest.previous_version,
            updated_at=timezone.now(),
        )
        latest.delete()
        current.refresh_from_db()
        return current
