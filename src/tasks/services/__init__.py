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
from .sections import (
    create_section,
    delete_section,
    move_section,
    rename_section,
    restore_section,
    set_task_section,
)
from .tasks import (
    Moved,
    NoSuchProject,
    Undone,
    create_task,
    delete_task,
    edit_task,
    move_task,
    project_named,
    purge_task,
    restore_from_trash,
    restore_task,
    set_task_project,
    toggle_task,
    undo_completion,
    undo_last_delete,
)

__all__ = [
    "Forbidden",
    "Moved",
    "NameTaken",
    "NoSuchProject",
    "NotFound",
    "Stale",
    "Undone",
    "apply_bulk",
    "archive_project",
    "create_project",
    "create_section",
    "create_task",
    "delete_project",
    "delete_section",
    "delete_tag",
    "delete_task",
    "delete_view",
    "edit_project",
    "edit_task",
    "merge_tags",
    "move_project",
    "move_section",
    "move_task",
    "move_view",
    "project_named",
    "purge_task",
    "rename_section",
    "rename_tag",
    "rename_view",
    "restore_from_trash",
    "restore_project",
    "restore_section",
    "restore_task",
    "save_view",
    "set_task_project",
    "set_task_section",
    "toggle_task",
    "undo_bulk",
    "undo_completion",
    "undo_last_delete",
]
