"""The tasks app's models: tasks (task.py), how they are organized (organize.py), their
manual order (ordering.py) and the words search checks first (searchword.py)."""

from .bulk import MAX_SELECTED, BulkAction, BulkBatch, BulkChange, BulkRequest, BulkResult
from .completion import TaskCompletion, Toggle
from .listversion import ListVersion
from .ordering import GAP, AnchorMoved, Move, new_position
from .organize import (
    INBOX_NAME,
    PROJECT_NAME_MAX,
    TAG_NAME_MAX,
    VIEW_NAME_MAX,
    Colour,
    Navigation,
    NavItem,
    Project,
    SavedView,
    Tag,
    TaskTag,
)
from .searchword import SearchWord
from .section import SECTION_NAME_MAX, Section
from .task import (
    FAR_FUTURE,
    SORTS,
    Due,
    Edit,
    Priority,
    RepeatFrom,
    Sort,
    SortSpec,
    Status,
    Task,
    TaskCount,
    TaskQuerySet,
    today,
)

__all__ = [
    "FAR_FUTURE",
    "GAP",
    "INBOX_NAME",
    "MAX_SELECTED",
    "PROJECT_NAME_MAX",
    "SECTION_NAME_MAX",
    "SORTS",
    "TAG_NAME_MAX",
    "VIEW_NAME_MAX",
    "AnchorMoved",
    "BulkAction",
    "BulkBatch",
    "BulkChange",
    "BulkRequest",
    "BulkResult",
    "Colour",
    "Due",
    "Edit",
    "ListVersion",
    "Move",
    "NavItem",
    "Navigation",
    "Priority",
    "Project",
    "RepeatFrom",
    "SavedView",
    "SearchWord",
    "Section",
    "Sort",
    "SortSpec",
    "Status",
    "Tag",
    "Task",
    "TaskCompletion",
    "TaskCount",
    "TaskQuerySet",
    "TaskTag",
    "Toggle",
    "new_position",
    "today",
]
