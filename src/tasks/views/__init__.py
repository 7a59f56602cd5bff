"""The tasks app's views, a module per area; urls.py names them from here."""

from .board import board
from .bulk import bulk_action, bulk_matching, bulk_projects, bulk_undo
from .kanban import task_move
from .projects import (
    project_archive,
    project_create,
    project_delete,
    project_edit,
    project_list,
    project_move,
    project_restore,
    task_set_project,
)
from .quickadd import task_parse
from .recur import completion_undo
from .reschedule import task_reschedule
from .saved_views import (
    saved_view_create,
    saved_view_delete,
    saved_view_move,
    saved_view_rename,
    saved_views,
    search_syntax,
)
from .sections import (
    section_delete,
    section_list,
    section_move,
    section_rename,
    section_restore,
)
from .tags import tag_delete, tag_list, tag_merge, tag_rename, tag_suggest
from .task import task_create, task_delete, task_detail, task_edit, task_toggle
from .trash import task_restore, trash, trash_purge, trash_restore, trash_undo
from .undo import task_undo

__all__ = [
    "board",
    "bulk_action",
    "bulk_matching",
    "bulk_projects",
    "bulk_undo",
    "completion_undo",
    "project_archive",
    "project_create",
    "project_delete",
    "project_edit",
    "project_list",
    "project_move",
    "project_restore",
    "saved_view_create",
    "saved_view_delete",
    "saved_view_move",
    "saved_view_rename",
    "saved_views",
    "search_syntax",
    "section_delete",
    "section_list",
    "section_move",
    "section_rename",
    "section_restore",
    "tag_delete",
    "tag_list",
    "tag_merge",
    "tag_rename",
    "tag_suggest",
    "task_create",
    "task_delete",
    "task_detail",
    "task_edit",
    "task_move",
    "task_parse",
    "task_reschedule",
    "task_restore",
    "task_set_project",
    "task_toggle",
    "task_undo",
    "trash",
    "trash_purge",
    "trash_restore",
    "trash_undo",
]
