"""The service layer: every write, as a plain function taking the acting person first.

Views (htmx and plain), management commands, the worker and the API call these; none of them
writes a model itself. Each service finds what it changes through the one visibility function
(tasks.models.access), checks the person's role (Forbidden: 403; NotFound: 404 for what they
cannot see), writes as a compare-and-swap or under a row lock inside one transaction, and
returns what changed.
"""

from .bulk import apply_bulk, undo_bulk
from .common import Forbidden, NotFound
from .organize import (
    NameTaken,
    Stale,
    archive_project,
    create_project,
    delete_project,
    delete_tag,
    delete_view,
    edit_project,
    merge_tags,
    move_project,
    move_view,
    rename_tag,
    rename_view,
    restore_project,
    save_view,
)
from .tasks import (
    Moved,
    NoSuchProject,
    Rescheduled,
    Undone,
    create_task,
    delete_task,
    edit_task,
    move_task,
    postpone,
    project_named,
    purge_task,
    restore_from_trash,
    restore_task,
    set_task_project,
    skip_occurrence,
    toggle_task,
    undo_completion,
    undo_last_delete,
    undo_move,
    undo_reschedule,
    undo_toggle,
)

__all__ = [
    "Forbidden",
    "Moved",
    "NameTaken",
    "NoSuchProject",
    "NotFound",
    "Rescheduled",
    "Stale",
    "Undone",
    "apply_bulk",
    "archive_project",
    "create_project",
    "create_task",
    "delete_project",
    "delete_tag",
    "delete_task",
    "delete_view",
    "edit_project",
    "edit_task",
    "merge_tags",
    "move_project",
    "move_task",
    "move_view",
    "postpone",
    "project_named",
    "purge_task",
    "rename_tag",
    "rename_view",
    "restore_from_trash",
    "restore_project",
    "restore_task",
    "save_view",
    "set_task_project",
    "skip_occurrence",
    "toggle_task",
    "undo_bulk",
    "undo_completion",
    "undo_last_delete",
    "undo_move",
    "undo_reschedule",
    "undo_toggle",
]
