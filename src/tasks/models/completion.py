"""A repeating task's completions: each occurrence done, with what undo needs to put the task
back (services/completion.py records them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from .choices import Status
from .task import Task


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
