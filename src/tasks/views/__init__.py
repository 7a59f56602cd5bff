"""The tasks app's views, a module per area; urls.py names them from here."""

from .board import board
from .bulk import bulk_action, bulk_matching, bulk_projects, bulk_undo
from .task import task_create, task_delete, task_detail, task_edit, task_toggle
from .trash import task_restore, trash, trash_purge, trash_restore, trash_undo

__all__ = [
    "board",
    "bulk_action",
    "bulk_matching",
    "bulk_projects",
    "bulk_undo",
    "task_create",
    "task_delete",
    "task_detail",
    "task_edit",
    "task_restore",
    "task_toggle",
    "trash",
    "trash_purge",
    "trash_restore",
    "trash_undo",
]
