"""The tasks app's views, a module per area; urls.py names them from here."""

from .board import board
from .quickadd import task_parse
from .recur import completion_undo
from .saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_move,
    saved_view_rename,
    saved_views,
    search_syntax,
)
from .task import task_create, task_delete, task_detail, task_edit, task_toggle
from .trash import task_restore, trash, trash_purge, trash_restore, trash_undo

__all__ = [
    "board",
    "completion_undo",
    "saved_view_create",
    "saved_view_delete",
    "saved_view_move",
    "saved_view_rename",
    "saved_views",
    "search_syntax",
    "task_create",
    "task_delete",
    "task_detail",
    "task_edit",
    "task_parse",
    "task_restore",
    "task_toggle",
    "trash",
    "trash_purge",
    "trash_restore",
    "trash_undo",
]
