"""How a person organizes tasks: projects (each task in exactly one), tags (any number per task),
and saved views (a named board URL). Everything here belongs to one user and is looked up through
`visible_to`, so another user's id answers 404 like a missing one."""

from __future__ import annotations

import hashlib
import marshal
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Cast, Coalesce, Lower
from django.utils import timezone

from sharing.models import Membership

from ..prepared import Prepared
from .access import Access, access_for
from .choices import Status
from .section import Section

PROJECT_NAME_MAX = 80
TAG_NAME_MAX = 40
VIEW_NAME_MAX = 80
INBOX_NAME = "Inbox"


class Colour(models.TextChoices):
    """A fixed palette; static/css/app.css gives each a shade per theme that keeps 3:1 contrast
    against the page (WCAG 1.4.11, a graphical object) in both the light and the dark theme."""

    GREY = "grey", "Grey"
    RED = "red", "Red"
    ORANGE = "orange", "Orange"
    GREEN = "green", "Green"
    TEAL = "teal", "Teal"
    BLUE = "blue", "Blue"
    PURPLE = "purple", "Purple"
    PINK = "pink", "Pink"


def _owned_by(qs: models.QuerySet, user) -> models.QuerySet:
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(user=user)


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProjectQuerySet:
        """The projects `user` can see, not in the trash (archived ones included): their own
        and those shared with them (tasks.models.access)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(pk__in=list(access_for(user).projects), deleted_at__isnull=True)

    def owned_by(self, user) -> ProjectQuerySet:
        """The projects `user` owns, not in the trash."""
        return _owned_by(self, user).filter(deleted_at__isnull=True)

    def deleted_owned_by(self, user) -> ProjectQuerySet:
        """A user's projects in the trash (their delete can still be undone)."""
        return _owned_by(self, user).filter(deleted_at__isnull=False)

    def active(self) -> ProjectQuerySet:
        return self.filter(archived=False)

    def with_open_counts(self) -> ProjectQuerySet:
        """Each project's open (not completed) live tasks, summed from the trigger-kept
        counters in the same query (the admin's list: no query per project)."""
        still_open = ~Q(counts__status=Status.COMPLETED)
        return self.annotate(open_tasks=Coalesce(models.Sum("counts__total", filter=still_open), 0))

    def create_for(self, user, name: str, colour: str = Colour.GREY) -> Project:
        """A new project at the end of the user's list. Raises IntegrityError when the name is
        taken (the unique constraint decides between two creates racing each other)."""
        last = self.owned_by(user).aggregate(last=models.Max("position"))["last"]
        with transaction.atomic():
            return self.create(
                user=user, name=name, colour=colour, position=0 if last is None else last + 1
            )

    def move(self, user, pk: int, step: int) -> bool:
        """Move project `pk` one place up (step -1) or down (+1) among the user's projects of
        the same kind (active or archived), renumbering them all. Runs under a lock on every
        one of the user's projects, so two reorders apply one after the other. False when
        there is no such project or it is already at that end."""
        with transaction.atomic():
            projects = list(
                self.owned_by(user)
                .filter(is_inbox=False)
                .select_for_update()
                .order_by("position", "id")
            )
            current = next((p for p in projects if p.pk == pk), None)
            if current is None:
                return False
            group = [p for p in projects if p.archived == current.archived]
            index = group.index(current)
            target = index + step
            if not 0 <= target < len(group):
                return False
            group[index], group[target] = group[target], group[index]
            ordered = [p for p in projects if p.archived != current.archived] + group
            changed = []
            for position, project in enumerate(ordered):
                if project.position != position:
                    project.position = position
                    changed.append(project)
            self.bulk_update(changed, ["position"])
            return True


class Project(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects"
    )
    name = models.CharField(max_length=PROJECT_NAME_MAX)
    colour = models.CharField(max_length=10, choices=Colour, default=Colour.GREY)
    position = models.IntegerField(default=0)
    archived = models.BooleanField(default=False)
    # Every user has exactly one Inbox (a partial unique constraint): new tasks land there and it
    # can be neither deleted nor archived.
    is_inbox = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # A deleted project goes to the trash with its tasks, so the delete can be undone.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-is_inbox", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                "user",
                Lower("name"),
                condition=Q(deleted_at__isnull=True),
                name="project_user_name",
                violation_error_message="You already have a project with this name.",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_inbox=True), name="project_user_inbox"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def css_class(self) -> str:
        return f"project-colour-{self.colour}"

    def update_if_current(self, version: int, **values) -> bool:
        """Save `values` only if nobody saved since `version` (compare-and-swap), and only
        while the project is live. The Inbox cannot be archived. False when it moved on."""
        if self.is_inbox and values.get("archived"):
            raise ValueError("The Inbox cannot be archived.")
        updated = Project.objects.filter(
            pk=self.pk, version=version, deleted_at__isnull=True
        ).update(version=models.F("version") + 1, **values)
        if updated:
            for name, value in values.items():
                setattr(self, name, value)
            self.version = version + 1
        return bool(updated)

    def take(self, task, version: int) -> bool:
        """Move `task` into this project if it is still at `version` (compare-and-swap). The
        caller checked the person may (tasks.services) and holds a lock on this project's row
        (see `trash`). False when the task moved on."""
        now = timezone.now()
        # Sections are the project's own: the task leaves its old project's section.
        updated = (
            type(task)
            .objects.filter(pk=task.pk, version=version, deleted_at__isnull=True)
            .update(project=self, section=None, version=models.F("version") + 1, updated_at=now)
        )
        if updated:
            task.project, task.version, task.updated_at = self, version + 1, now
            task.section = None
        return bool(updated)

    def trash(self) -> int | None:
        """Move the project and its live tasks to the trash, all with ONE deleted_at stamp, so
        undo brings back exactly these (not tasks that were in the trash before). Locks the
        project row first: a task being moved into it (which locks it too) either lands before
        and goes to the trash with it, or waits and then finds the project gone. Returns the
        number of tasks trashed, None when the project was already gone. The Inbox refuses."""
        if self.is_inbox:
            raise ValueError("The Inbox cannot be deleted.")
        with transaction.atomic():
            locked = Project.objects.select_for_update().filter(pk=self.pk, deleted_at=None)
            if not locked.exists():
                return None
            stamp = timezone.now()
            moved = self.tasks.filter(deleted_at__isnull=True).update(deleted_at=stamp)
            locked.update(deleted_at=stamp, version=models.F("version") + 1)
            self.deleted_at = stamp
            return moved

    def restore(self) -> int | None:
        """Undo `trash`: the project and exactly the tasks trashed with it come back. A project
        created meanwhile under the same name keeps it; this one is renamed "Name (restored)".
        Returns the number of tasks restored, None when the project was not in the trash."""
        with transaction.atomic():
            project = (
                Project.objects.select_for_update()
                .filter(pk=self.pk, deleted_at__isnull=False)
                .first()
            )
            if project is None:
                return None
            name = project.name
            taken = Project.objects.filter(
                user_id=project.user_id, deleted_at__isnull=True, name__iexact=name
            )
            if taken.exists():
                name = f"{name[: PROJECT_NAME_MAX - 11]} (restored)"
            restored = project.tasks.filter(deleted_at=project.deleted_at).update(deleted_at=None)
            Project.objects.filter(pk=self.pk).update(
                deleted_at=None, name=name, version=models.F("version") + 1
            )
            self.refresh_from_db()
            return restored

    @classmethod
    def inbox_for(cls, user) -> Project:
        """The user's Inbox, created on first need (the unique constraint settles a race)."""
        inbox = cls.objects.filter(user=user, is_inbox=True).first()
        if inbox is not None:
            return inbox
        try:
            with transaction.atomic():
                return cls.objects.create(user=user, name=INBOX_NAME, is_inbox=True, position=-1)
        except IntegrityError:
            return cls.objects.get(user=user, is_inbox=True)


class TagQuerySet(models.QuerySet):
    def visible_to(self, user) -> TagQuerySet:
        """A person's own tags (tags are personal; a shared task shows its owner's)."""
        return _owned_by(self, user)

    def named(self, name: str) -> TagQuerySet:
        return self.filter(name__iexact=name)


class Tag(models.Model):
    """A label; names are unique per user ignoring case ("Home" and "home" are one tag)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tags"
    )
    name = models.CharField(max_length=TAG_NAME_MAX)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                "user",
                Lower("name"),
                name="tag_user_name",
                violation_error_message="You already have a tag with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TaskTag(models.Model):
    """Task <-> Tag. Explicit so the (tag, task) index exists for "tasks with this tag"."""

    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "tag"], name="tasktag_task_tag"),
        ]
        indexes = [models.Index(fields=["tag", "task"], name="tasktag_tag_task")]

    def __str__(self) -> str:
        return f"{self.task_id}#{self.tag_id}"


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, user) -> SavedViewQuerySet:
        return _owned_by(self, user)


class SavedView(models.Model):
    """A named board URL: its path (All, Inbox, Today, Upcoming, a project) and query string."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=VIEW_NAME_MAX)
    url = models.CharField(max_length=600)
    position = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                "user",
                Lower("name"),
                name="savedview_user_name",
                violation_error_message="You already have a view with this name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def _tags_and_views(user_id: int):
    tags = (
        Tag.objects.filter(user_id=user_id)
        .order_by()
        .values_list(Value("t"), "id", "name", Value(""), Value(0))
    )
    views = (
        SavedView.objects.filter(user_id=user_id)
        .order_by()
        .values_list(Value("v"), "id", "name", "url", "position")
    )
    # The sections of the projects the person sees (quick add's `/Section`), with their project.
    shared = Membership.objects.filter(user_id=user_id).values("project_id")
    sections = (
        Section.objects.filter(
            Q(project__user_id=user_id) | Q(project_id__in=shared),
            deleted_at__isnull=True,
            project__deleted_at__isnull=True,
        )
        .order_by()
        .values_list(Value("s"), "id", "name", Cast("project_id", models.CharField()), "position")
    )
    return tags.union(views, sections, all=True).order_by()


# The sidebar's tags and saved views and the sections in one query; its projects come from the
# person's Access.
TAGS_AND_VIEWS = Prepared(_tags_and_views, "user_id")


@dataclass
class NavItem:
    id: int
    name: str
    extra: str  # a project's colour, a saved view's URL
    position: int
    archived: bool = False
    is_inbox: bool = False
    shared: bool = False  # a project someone else owns


@dataclass
class Navigation:
    """The sidebar: a person's projects (from their Access), tags and saved views (one query),
    so every page keeps its small constant query count however many of each there are."""

    projects: list[NavItem] = field(default_factory=list)
    tags: list[NavItem] = field(default_factory=list)
    views: list[NavItem] = field(default_factory=list)
    sections: list[NavItem] = field(default_factory=list)  # extra: the project's id
    _rows: list[tuple] = field(default_factory=list, repr=False)
    access: Access | None = None

    @classmethod
    def for_user(cls, user) -> Navigation:
        nav = cls()
        if not getattr(user, "is_authenticated", False):
            return nav
        nav.access = access_for(user)
        for p in nav.access.projects.values():
            nav._rows.append(("p", p.id, p.name, p.colour, p.position, p.archived, p.is_inbox))
            item = NavItem(p.id, p.name, p.colour, p.position, p.archived, p.is_inbox)
            item.shared = p.shared_with_me
            nav.projects.append(item)
        lists = {"t": nav.tags, "v": nav.views, "s": nav.sections}
        for kind, pk, name, extra, position in TAGS_AND_VIEWS.rows(user_id=user.pk):
            nav._rows.append((kind, pk, name, extra, position, False, False))
            lists[kind].append(NavItem(pk, name, extra, position))
        # The person's own projects in their order, then those shared with them by name.
        nav.projects.sort(
            key=lambda p: (
                not p.is_inbox,
                p.shared,
                p.position if not p.shared else 0,
                p.name.casefold(),
                p.id,
            )
        )
        nav.tags.sort(key=lambda t: (t.name.casefold(), t.id))
        nav.views.sort(key=lambda v: (v.position, v.id))
        nav.sections.sort(key=lambda s: (s.extra, s.position, s.id))
        return nav

    def sections_of(self, project_id: int | None) -> list[NavItem]:
        """The sections of one project, in order."""
        return [s for s in self.sections if s.extra == str(project_id)]

    @property
    def list_version(self) -> str:
        """The key part of the list cache that follows the projects' list versions."""
        return self.access.versions_key if self.access else ""

    @cached_property
    def key(self) -> str:
        """A digest of everything the sidebar shows from here (names, colours, order, archived),
        for the fragment caches of the sidebar's lists and the project picker: any rename,
        recolour, reorder, archive, new or deleted project or tag gives a new key."""
        # marshal: six times cheaper than repr() for 250 rows; bytes differ only between Python
        # versions, which then just miss each other's entries.
        return hashlib.blake2b(marshal.dumps(sorted(self._rows)), digest_size=12).hexdigest()

    @property
    def inbox(self) -> NavItem | None:
        return next((p for p in self.projects if p.is_inbox), None)

    def project(self, pk: int) -> NavItem | None:
        return next((p for p in self.projects if p.id == pk), None)

    @property
    def active_projects(self) -> list[NavItem]:
        return [p for p in self.projects if not p.archived]

    @property
    def archived_projects(self) -> list[NavItem]:
        return [p for p in self.projects if p.archived]
