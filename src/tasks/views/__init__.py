"""The tasks app's views, a module per area; urls.py names them from here."""

from .board import board
from .tags import tag_delete, tag_list, tag_merge, tag_rename, tag_suggest
from .task import task_create, task_delete, task_detail, task_edit, task_toggle
from .trash import task_restore, trash, trash_purge, trash_restore, trash_undo

__all__ = [
    "board",
    "tag_delete",
    "tag_list",
    "tag_merge",
    "tag_rename",
    "tag_suggest",
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
