"""Who sees what: the one place that decides it.

A person sees the projects they own (Project.user) and the projects they are a member of
(sharing.Membership), and every live task in those projects. `access_for(person)` reads those
projects once per request, with the person's role in each, each project's task counts and
list version, in one query; every visibility filter (`Task.objects.visible_to`,
`Project.objects.visible_to`), every count, every cache key and every permission check
(`can_edit`, `can_admin`) reads it.

Task.user is the owner of the task's project (the services keep it so when a task moves), so
a person's own tasks are `user = person` and use the (user, ...) indexes; tasks shared with
them are `project IN (their shared projects)`.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property

from django.apps import apps
from django.db.models import CharField, F, Q, Value

from sharing.models import Role

from ..prepared import Prepared
from .choices import Status

OWNER = "owner"
# What each role may do, weakest first: a role may do what the ones before it may.
ROLES = (Role.VIEWER, Role.EDITOR, Role.ADMIN, OWNER)


@dataclass(frozen=True)
class ProjectAccess:
    """One project a person can see, as the sidebar, the counts and the checks need it."""

    id: int
    owner_id: int
    name: str
    colour: str
    position: int
    archived: bool
    is_inbox: bool
    role: str  # OWNER, or the person's sharing.Role
    version: int  # its ListVersion
    counts: tuple[tuple[str, int], ...] = ()  # (status, live tasks)

    @property
    def shared_with_me(self) -> bool:
        return self.role != OWNER

    @property
    def extra(self) -> str:  # the sidebar's templates read a project's colour as `extra`
        return self.colour


def _project_rows(user_id: int):
    """The person's projects, then the ones shared with them, each with its list version and
    one row per status count: two index lookups by person (a UNION, not an OR: an OR of the
    two reads every project there is)."""
    # By name, not imported: tasks.models.organize (Project) builds on this module.
    Project = apps.get_model("tasks", "Project")
    columns = (
        "id",
        "user_id",
        "name",
        "colour",
        "position",
        "archived",
        "is_inbox",
        "member_role",
        "list_ver",
        "count_status",
        "count_total",
    )
    extra = {
        "list_ver": F("list_version__version"),
        "count_status": F("counts__status"),
        "count_total": F("counts__total"),
    }
    owned = (
        Project.objects.filter(user_id=user_id, deleted_at__isnull=True)
        .annotate(member_role=Value("", output_field=CharField()), **extra)
        .order_by()
        .values_list(*columns)
    )
    shared = (
        Project.objects.filter(memberships__user_id=user_id, deleted_at__isnull=True)
        .annotate(member_role=F("memberships__role"), **extra)
        .order_by()
        .values_list(*columns)
    )
    return owned.union(shared, all=True).order_by()


PROJECT_ROWS = Prepared(_project_rows, "user_id")


@dataclass
class Access:
    """The projects a person can see (`projects`, by id) and what follows from them."""

    user_id: int | None
    projects: dict[int, ProjectAccess] = field(default_factory=dict)

    @classmethod
    def read(cls, user) -> Access:
        if not getattr(user, "is_authenticated", False):
            return cls(None)
        grouped: dict[int, list] = {}
        counts: dict[int, list] = {}
        for row in PROJECT_ROWS.rows(user_id=user.pk):
            pk, owner, name, colour, position, archived, inbox, role, version, status, total = row
            if pk not in grouped:
                role = OWNER if owner == user.pk else role
                # bool(): SQLite gives 0 and 1.
                grouped[pk] = [pk, owner, name, colour, position, bool(archived), bool(inbox)]
                grouped[pk] += [role, version or 0]
                counts[pk] = []
            if status is not None:
                counts[pk].append((status, total))
        projects = {
            pk: ProjectAccess(*values, counts=tuple(sorted(counts[pk])))
            for pk, values in grouped.items()
        }
        return cls(user.pk, projects)

    # --- visibility ---------------------------------------------------------------------------
    @cached_property
    def shared_ids(self) -> list[int]:
        """The projects others own that this person is a member of."""
        return sorted(pk for pk, p in self.projects.items() if p.shared_with_me)

    @cached_property
    def owner_ids(self) -> list[int]:
        """Everyone whose tasks this person sees (themselves first): tags are their owners'."""
        others = {p.owner_id for p in self.projects.values()} - {self.user_id}
        return [self.user_id, *sorted(others)]

    @cached_property
    def archived_ids(self) -> list[int]:
        """The archived projects this person sees: All, Today and Upcoming leave them out."""
        return sorted(pk for pk, p in self.projects.items() if p.archived)

    def task_condition(self) -> Q:
        """The live tasks this person sees: their own, and those of projects shared with them."""
        condition = Q(user_id=self.user_id)
        if self.shared_ids:
            condition |= Q(project_id__in=self.shared_ids)
        return condition & Q(deleted_at__isnull=True)

    # --- permissions --------------------------------------------------------------------------
    def role(self, project_id: int | None) -> str | None:
        project = self.projects.get(project_id)
        return project.role if project else None

    def allows(self, project_id: int | None, needed: str) -> bool:
        role = self.role(project_id)
        return role is not None and ROLES.index(role) >= ROLES.index(needed)

    def can_edit(self, project_id: int | None) -> bool:
        """Change tasks in the project: its owner, admins and editors."""
        return self.allows(project_id, Role.EDITOR)

    def can_admin(self, project_id: int | None) -> bool:
        """Rename, archive, share the project: its owner and admins."""
        return self.allows(project_id, Role.ADMIN)

    # --- what the pages read ------------------------------------------------------------------
    @cached_property
    def counts(self) -> dict:
        """The status counts over every project this person sees (summarize)."""
        rows = [
            (pk, status, total, project.is_inbox and not project.shared_with_me, project.archived)
            for pk, project in self.projects.items()
            for status, total in project.counts
        ]
        return summarize(rows)

    @property
    def inbox(self) -> ProjectAccess | None:
        return next(
            (p for p in self.projects.values() if p.is_inbox and not p.shared_with_me), None
        )

    @cached_property
    def versions_key(self) -> str:
        """A digest of every visible project's list version: any change to a task, link, tag
        or project any list of this person's can show gives a new key (tasks/listcache.py)."""
        text = ",".join(f"{pk}:{p.version}" for pk, p in sorted(self.projects.items()))
        return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def summarize(rows) -> dict:
    """The counts a page shows, from (project, status, live tasks, is the Inbox, is archived)
    rows: per status
    plus `all`, `open_by_project`, `completed_by_project` ({project id: tasks}), `by_project`
    ({project id: {status: tasks}}) and `inbox` (the Inbox's id, when it has tasks)."""
    counts = dict.fromkeys(Status.values, 0)
    open_by_project: dict[int, int] = {}
    completed_by_project: dict[int, int] = {}
    by_project: dict[int, dict[str, int]] = {}
    inbox = None
    for project_id, status, total, is_inbox, archived in rows:
        # The totals are All tasks' list, which leaves archived projects out; each project
        # keeps its own counts (the sidebar, its page).
        if not archived:
            counts[status] = counts.get(status, 0) + total
        by_project_status = completed_by_project if status == Status.COMPLETED else open_by_project
        by_project_status[project_id] = by_project_status.get(project_id, 0) + total
        by_project.setdefault(project_id, {})[status] = total
        if is_inbox:
            inbox = project_id
    return {
        "all": sum(counts.values()),
        **counts,
        "open_by_project": open_by_project,
        "completed_by_project": completed_by_project,
        "by_project": by_project,
        "inbox": inbox,
    }


# The Access objects read during the current request (by user id); None outside a request, where
# every access_for() reads afresh (tests, commands and the worker then never see a stale one).
_request_scope: ContextVar[dict[int, Access] | None] = ContextVar("tasks_access", default=None)


@contextmanager
def request_scope():
    """Read each person's Access at most once while this block runs (one request: see
    tasks.middleware.AccessScopeMiddleware), until a service forgets it after a write."""
    token = _request_scope.set({})
    try:
        yield
    finally:
        _request_scope.reset(token)


def access_for(user) -> Access:
    """The person's Access: read once per request, read afresh anywhere else."""
    if not getattr(user, "is_authenticated", False):
        return Access(None)
    scope = _request_scope.get()
    if scope is None:
        return Access.read(user)
    if user.pk not in scope:
        scope[user.pk] = Access.read(user)
    return scope[user.pk]


def forget_access(user) -> None:
    """After a write: the next access_for(user) in this request reads counts, versions and
    roles again."""
    scope = _request_scope.get()
    if scope is not None:
        scope.pop(getattr(user, "pk", None), None)
