from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, StringAgg, Subquery, Value, When
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from .. import query as search_syntax
from .access import access_for
from .choices import Due, Priority, RepeatFrom, Sort, Status
from .ordering import new_position
from .organize import Project, Tag, TaskTag
from .searchword import SearchWord


class View(Protocol):
    """What TaskQuerySet.filtered() reads of a view (filters.BoardView is one): the conditions
    (`terms`, `excluded`) and the search's free text (`search`)."""

    terms: tuple[tuple[str, str], ...]
    excluded: tuple[tuple[str, str], ...]
    search: object


# Sorting on a stored, never-NULL key lets every sort use a plain (user, key, id) index and a
# row-value comparison for keyset pagination, the same way on PostgreSQL and SQLite.
FAR_FUTURE = dt.date(9999, 12, 31)
# An all-day task sorts after the timed ones of its day: its deadline is the day's end (and it
# becomes overdue then, where a timed one does at its time).
END_OF_DAY = dt.time(23, 59, 59)


@dataclass(frozen=True)
class SortSpec:
    """Keyset sort: fields compared as a row, all ascending or all descending."""

    fields: tuple[str, ...]
    descending: bool

    def order_by(self, reverse: bool = False) -> list:
        desc = self.descending != reverse
        return [F(name).desc() if desc else F(name).asc() for name in self.fields]


SORTS: dict[str, SortSpec] = {
    Sort.NEWEST: SortSpec(("created_at", "id"), descending=True),
    Sort.DUE: SortSpec(("due_sort", "due_time_sort", "id"), descending=False),
    Sort.PRIORITY: SortSpec(("priority_rank", "id"), descending=True),
    Sort.TITLE: SortSpec(("title", "id"), descending=False),
    Sort.MANUAL: SortSpec(("position", "id"), descending=False),  # see ordering.py
}


def today() -> dt.date:
    return timezone.localdate()


def now_local() -> dt.datetime:
    """The wall clock in the active (the person's) zone: due times are wall-clock times."""
    return timezone.localtime()


def overdue_q(day: dt.date, time: dt.time) -> Q:
    """Open tasks whose deadline passed by `time` on `day` (local wall clock): an earlier
    day, or that day at a time already gone."""
    passed = Q(due_date__lt=day) | Q(due_date=day, due_time__lt=time)
    return passed & ~Q(status=Status.COMPLETED)


_DAY_OFFSETS = {"yesterday": -1, "today": 0, "tomorrow": 1}
_COMPARE = {"=": "", "<": "__lt", "<=": "__lte", ">": "__gt", ">=": "__gte"}


def due_condition(when: str | None) -> Q:
    """The condition a due value names: the filter bar's words, the scopes' ("through_today",
    "upcoming") and the search field's comparisons ("=tomorrow", "<2026-12-31", ">=today",
    filters.read_due). Days are the person's (the active time zone)."""
    day = today()
    match when:
        case Due.OVERDUE:
            return overdue_q(day, now_local().time())
        case Due.TODAY:
            return Q(due_date=day)
        case Due.WEEK:
            return Q(due_date__gte=day, due_date__lte=day + dt.timedelta(days=6))
        case Due.NONE:
            return Q(due_date__isnull=True)
        case "through_today":  # the Today scope: overdue or due today, still open
            return ~Q(status=Status.COMPLETED) & Q(due_date__lte=day)
        case "upcoming":  # the Upcoming scope: overdue or due within 14 days, still open
            return ~Q(status=Status.COMPLETED) & Q(due_date__lte=day + dt.timedelta(days=13))
    if when:
        op = next((o for o in ("<=", ">=", "<", ">", "=") if when.startswith(o)), None)
        if op is not None:
            text = when[len(op) :]
            if text in _DAY_OFFSETS:
                target = day + dt.timedelta(days=_DAY_OFFSETS[text])
            else:
                try:
                    target = dt.date.fromisoformat(text)
                except ValueError:
                    return Q()
            return Q(**{f"due_date{_COMPARE[op]}": target})
    return Q()


class TaskQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """As QuerySet.bulk_create, putting tasks without a project into their owner's Inbox
        (save() does it one by one; bulk_create skips save())."""
        objs = list(objs)
        inboxes: dict[int, Project] = {}
        for task in objs:
            if task.project_id is None:
                if task.user_id not in inboxes:
                    inboxes[task.user_id] = Project.inbox_for(task.user)
                task.project = inboxes[task.user_id]
        return super().bulk_create(objs, *args, **kwargs)

    def visible_to(self, user) -> TaskQuerySet:
        """The live tasks `user` may see (tasks.models.access): their own and those of the
        projects shared with them. Every read starts here."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        access = access_for(user)
        qs = self.filter(access.task_condition())
        qs._owner_ids = access.owner_ids
        qs._archived_ids = access.archived_ids
        return qs

    # The owners visible_to() found, kept through chaining: with_tag finds the tags by them, so
    # the tag lookup is a constant, not a subplan run for every task walked. The archived
    # projects likewise: leaving them out is a constant list, not a join per task.
    _owner_ids: list[int] | None = None
    _archived_ids: list[int] | None = None

    def _clone(self):
        clone = super()._clone()
        clone._owner_ids = self._owner_ids
        clone._archived_ids = self._archived_ids
        return clone

    def deleted_visible_to(self, user) -> TaskQuerySet:
        """The deleted tasks `user` may bring back (the Trash page, undo): in their own
        projects and in shared projects where they may edit tasks."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        access = access_for(user)
        editable = [pk for pk in access.shared_ids if access.can_edit(pk)]
        condition = Q(user_id=user.pk)
        if editable:
            condition |= Q(project_id__in=editable)
        return self.filter(condition, deleted_at__isnull=False)

    def last_deleted(self) -> Task | None:
        """The most recently deleted of these (undo brings deletes back newest first)."""
        return self.filter(deleted_at__isnull=False).order_by("-deleted_at", "-id").first()

    def with_status(self, status: str | None) -> TaskQuerySet:
        return self.filter(status=status) if status in Status.values else self

    def with_priority(self, priority: str | None) -> TaskQuerySet:
        return self.filter(priority=priority) if priority in Priority.values else self

    def open(self) -> TaskQuerySet:
        return self.exclude(status=Status.COMPLETED)

    def due(self, when: str | None) -> TaskQuerySet:
        return self.filter(due_condition(when))

    def search_text(
        self, words: list[str], phrases: tuple[str, ...] = (), negate: bool = False
    ) -> TaskQuerySet:
        """Free text: every word matches as a prefix (so typing narrows as you go) and every
        phrase as consecutive words. `negate` keeps the tasks that do NOT match all of it."""
        words = [w for w in words if w]
        phrases = tuple(p for p in phrases if p)
        if not words and not phrases:
            return self
        if self.db == "default" and _is_postgres():
            tsquery = search_syntax.to_tsquery(words, phrases)
            if not tsquery:
                return self
            qs = self.alias(_search=search_syntax.search_vector())
            match = {"_search": SearchQuery(tsquery, search_type="raw", config="simple")}
            if negate:
                return qs.exclude(**match)
            return qs.filter(**match).filter(*self._words_held(words, phrases))
        if _vendor() == "sqlite":
            # SQLite's LIKE folds ASCII letters only ("über" would miss "Über"): compare text
            # casefolded by Python's Unicode rules instead (registered in TasksConfig.ready).
            condition = Q()
            for text in [*words, *phrases]:
                folded = text.casefold()
                condition &= Q(_title_cf__contains=folded) | Q(_description_cf__contains=folded)
            qs = self.alias(
                _title_cf=search_syntax.casefold("title"),
                _description_cf=search_syntax.casefold("description"),
            )
            return (qs.exclude if negate else qs.filter)(condition)
        condition = Q()
        for text in [*words, *phrases]:
            condition &= Q(title__icontains=text) | Q(description__icontains=text)
        return self.exclude(condition) if negate else self.filter(condition)

    def _words_held(self, words: list[str], phrases: tuple[str, ...]) -> list[Exists]:
        """For each search word, that some task of the owners' ever held a word starting so
        (SearchWord). Uncorrelated, so PostgreSQL tests each once, before the scan: a word no
        task holds (a typo) ends the search there instead of walking every task to test it.
        Only for plain ASCII words, which PostgreSQL's parser reads as one token just as
        query.prefix_terms does; any other word is searched as before."""
        if not self._owner_ids:
            return []
        held = []
        for term in dict.fromkeys(search_syntax.prefix_terms(words, phrases)):
            if term.isascii() and term.isalnum():
                known = SearchWord.objects.filter(
                    user_id__in=self._owner_ids, word__startswith=term
                )
                held.append(Exists(known))
        return held

    def with_tag_names(self) -> TaskQuerySet:
        """Each task's tag names, comma-joined (Task.tag_names reads them), in the list query
        itself: a correlated subquery per row on TaskTag's (task, tag) key, so rows show their
        chips without a query per row or per page."""
        # Sorted here where the database can (SQLite before 3.44 cannot): Task.tag_names
        # sorts again, so the chips keep one order either way.
        ordered = connection.features.supports_aggregate_order_by_clause
        names = StringAgg("tag__name", Value(","), order_by=Lower("tag__name") if ordered else None)
        links = TaskTag.objects.filter(task=OuterRef("pk")).order_by().values("task")
        return self.annotate(tag_string=Subquery(links.annotate(names=names).values("names")))

    def in_archived_projects(self, archived: bool) -> TaskQuerySet:
        """Tasks of archived projects (`archived`), or of the others. Narrowed by visible_to(),
        the person's archived projects are a known list (their Access); else a join."""
        ids = self._archived_ids
        if ids is None or (archived and not ids):
            return self.filter(project__archived=archived)
        if archived:
            return self.filter(project_id__in=ids)
        return self.exclude(project_id__in=ids) if ids else self

    def with_tag(self, name: str) -> TaskQuerySet:
        """Tasks with a tag `name` (any case) of their owner's: `id IN` the tag's links, read
        from the (tag, task) index after finding the tags by the (user, lower(name)) index.
        Tasks not narrowed by visible_to() match the tag of each task's own owner (per row)."""
        if self._owner_ids is None:
            owner = OuterRef(OuterRef("user"))
            tags = Tag.objects.alias(lname=Lower("name")).filter(
                user=owner, lname=Lower(Value(name))
            )
            links = TaskTag.objects.filter(task=OuterRef("pk"), tag__in=tags.values("pk"))
            return self.filter(Exists(links))
        tags = Tag.objects.alias(lname=Lower("name")).filter(
            user_id__in=self._owner_ids, lname=Lower(Value(name))
        )
        links = TaskTag.objects.filter(tag__in=tags.values("pk")).values("task_id")
        return self.filter(pk__in=links)

    # The conditions a BoardView's terms name (filters.TOKEN_RULES and the filter bar): each
    # turns a value into a Q, so any of them can be negated (`-is:completed`, `-+Work`). A
    # condition written as a QuerySet step, `lambda qs, value: qs...`, works too (see filtered).
    FILTERS = {
        "status": lambda value: (
            ~Q(status=Status.COMPLETED)
            if value == "open"
            else (Q(status=value) if value in Status.values else Q())
        ),
        "priority": lambda value: Q(priority=value) if value in Priority.values else Q(),
        "due": lambda value: due_condition(value),
        "project": lambda value: Q(project_id=int(value)),
        "inbox": lambda value: Q(project__is_inbox=True),
        # The user's own projects only: a task is always in its owner's project, and every
        # query starts from visible_to, so another person's project name never matches.
        "project_name": lambda value: Q(project__name__iexact=value),
        # A QuerySet step (tasks.tagging's names, looked up once through the owner's index).
        "tag": lambda qs, value: qs.with_tag(value),
        # "yes": only archived projects' tasks (`is:archived`); "no": every list's default.
        "archived": lambda qs, value: qs.in_archived_projects(value == "yes"),
    }

    def filtered(self, view: View) -> TaskQuerySet:
        """The tasks in `view`: every condition and every free word must match (AND), and no
        negated one may."""
        qs = self
        for name, value in view.terms:
            qs = self._apply(qs, name, value, negate=False)
        for name, value in getattr(view, "excluded", ()):
            qs = self._apply(qs, name, value, negate=True)
        search = view.search
        qs = qs.search_text(list(search.words), getattr(search, "phrases", ()))
        # Each negated word or phrase excludes on its own: "-a -b" is neither a nor b.
        for word in getattr(search, "without", ()):
            qs = qs.search_text([word], negate=True)
        for phrase in getattr(search, "without_phrases", ()):
            qs = qs.search_text([], (phrase,), negate=True)
        return qs

    def _apply(self, qs: TaskQuerySet, name: str, value: str, negate: bool) -> TaskQuerySet:
        condition = self.FILTERS[name]
        if condition.__code__.co_argcount == 2:  # a QuerySet step: negate via a subquery
            matching = condition(self, value)
            return qs.exclude(pk__in=matching.values("pk")) if negate else condition(qs, value)
        q = condition(value)
        return qs.exclude(q) if negate else qs.filter(q)

    def ordered_by(self, sort: str, reverse: bool = False) -> TaskQuerySet:
        return self.order_by(*SORTS.get(sort, SORTS[Sort.NEWEST]).order_by(reverse))

    def after(self, sort: str, key: tuple) -> TaskQuerySet:
        """Rows strictly after `key` in `sort` order (keyset pagination: no OFFSET scan)."""
        spec = SORTS.get(sort, SORTS[Sort.NEWEST])
        lookup = TupleLessThan if spec.descending else TupleGreaterThan
        return self.filter(lookup(Tuple(*(F(f) for f in spec.fields)), key))

    def before(self, sort: str, key: tuple) -> TaskQuerySet:
        spec = SORTS.get(sort, SORTS[Sort.NEWEST])
        lookup = TupleGreaterThan if spec.descending else TupleLessThan
        return self.filter(lookup(Tuple(*(F(f) for f in spec.fields)), key))

    def for_edit(self, pk: int) -> Task:
        """Task `pk` locked for an edit (edit()), with its project and tag names, which the merge
        and the answer's row (its chips) read; only the task is locked. DoesNotExist when it is
        not among these."""
        return (
            self.select_related("project")
            .with_tag_names()
            .select_for_update(of=("self",))
            .get(pk=pk)
        )

    @staticmethod
    def edit(current: Task, version: int, mine: dict, original: dict | None) -> Edit:
        """Save the person's edit of `current` (read under its row lock by for_edit()), opened at
        `version` on the `original` values.

        Over the same version it is a plain compare-and-swap. Over a newer one, the fields the
        person changed are applied to the newer row when nobody else changed them differently
        (a merge); otherwise nothing is saved and the answer names the clashing fields. Under
        the row lock, the merge reads and writes one state.
        """
        if original is not None and not set(mine) <= set(original):
            original = None  # the form sent a field (tags) without its original value
        if current.version == version:
            changed = set(mine)
            merged = False
        elif original is None:  # a form without its original values cannot be merged
            elsewhere = _differing(current, mine)
            return Edit(current, saved=False, elsewhere=elsewhere, changed=set(mine))
        else:
            changed = {n for n, value in mine.items() if n not in original or value != original[n]}
            elsewhere = _differing(current, original)
            clashes = {n for n in changed & set(elsewhere) if mine[n] != elsewhere[n]}
            if clashes:
                return Edit(current, False, elsewhere=elsewhere, clashes=clashes, changed=changed)
            merged = True
        for name in changed:
            setattr(current, name, mine[name])
        # Tags live in TaskTag, not in the row: the CAS bumps the version; the caller links the
        # tags (services.edit_task) in the same transaction, under the row lock taken above.
        columns = sorted(changed - {"tag_names"})
        saved = current.save_if_current(current.version, columns or ["title"])
        return Edit(current, saved=saved, merged=merged and bool(changed), changed=changed)

    def purgeable(self, before: dt.datetime) -> TaskQuerySet:
        return self.filter(deleted_at__isnull=False, deleted_at__lt=before)


@dataclass
class Edit:
    """What became of an edit: saved (perhaps merged with a change made elsewhere) or not,
    with the values changed elsewhere, the fields both sides changed (`clashes`) and the ones
    the person changed."""

    task: Task
    saved: bool
    merged: bool = False
    elsewhere: dict = field(default_factory=dict)
    clashes: set = field(default_factory=set)
    changed: set = field(default_factory=set)  # the fields the person changed


def _differing(task: Task, values: dict) -> dict:
    return {name: getattr(task, name) for name, v in values.items() if getattr(task, name) != v}


def _is_postgres() -> bool:
    return _vendor() == "postgresql"


def _vendor() -> str:

    return connection.vendor


class Task(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tasks"
    )
    # Always set: a task without one lands in its owner's Inbox (save()).
    project = models.ForeignKey("tasks.Project", on_delete=models.CASCADE, related_name="tasks")
    tags = models.ManyToManyField(
        "tasks.Tag", through="tasks.TaskTag", related_name="tasks", blank=True
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    priority = models.CharField(max_length=10, choices=Priority, default=Priority.MEDIUM)
    status = models.CharField(max_length=12, choices=Status, default=Status.PENDING)
    due_date = models.DateField(null=True, blank=True)
    # A wall-clock time in the owner's time zone on due_date (none: an all-day task).
    due_time = models.TimeField(null=True, blank=True)
    # RFC 5545 RRULE text ("FREQ=WEEKLY;BYDAY=MO"), empty for a one-off task.
    recurrence = models.CharField(max_length=500, blank=True, default="")
    repeat_from = models.CharField(max_length=10, choices=RepeatFrom, default=RepeatFrom.DUE)
    # Manual order within the task's project (the Manual sort and the kanban columns).
    position = models.BigIntegerField(default=new_position)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Soft delete: undo restores the very same row (id, fields, place); a purge removes it later.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Optimistic concurrency: an edit saves only over the version it was opened on.
    version = models.PositiveIntegerField(default=1, editable=False)
    # The random token of the form that created the task: a second submit of the same form
    # finds this task instead of adding a duplicate (unique per user, see Meta.constraints).
    # NULL, not "", for "none": a NOT NULL column with a default makes SQLite's migration
    # rebuild the table, which would drop the TaskCount triggers (migration 0003).
    idempotency_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    priority_rank = models.GeneratedField(
        expression=Case(
            When(priority=Priority.HIGH, then=Value(3)),
            When(priority=Priority.MEDIUM, then=Value(2)),
            default=Value(1),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    due_sort = models.GeneratedField(
        expression=Coalesce(F("due_date"), Value(FAR_FUTURE)),
        output_field=models.DateField(),
        db_persist=True,
    )
    # The tie-break within a day (the Due sort is due_sort, due_time_sort, id): never NULL, so
    # the row comparison of keyset pagination and the index work as for due_sort.
    due_time_sort = models.GeneratedField(
        expression=Coalesce(F("due_time"), Value(END_OF_DAY, output_field=models.TimeField())),
        output_field=models.TimeField(),
        db_persist=True,
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        live = Q(deleted_at__isnull=True)
        indexes = [
            models.Index(
                fields=["user", "-created_at", "-id"], condition=live, name="task_user_created"
            ),
            models.Index(
                fields=["user", "status", "-created_at", "-id"],
                condition=live,
                name="task_user_status",
            ),
            models.Index(
                fields=["user", "due_sort", "due_time_sort", "id"],
                condition=live,
                name="task_user_due_at",
            ),
            models.Index(
                fields=["user", "-priority_rank", "-id"], condition=live, name="task_user_priority"
            ),
            models.Index(fields=["user", "title", "id"], condition=live, name="task_user_title"),
            # A project's list: without these a small project in a 100,000-task account walks
            # the owner's whole index to fill one page.
            models.Index(
                fields=["project", "-created_at", "-id"],
                condition=live,
                name="task_project_created",
            ),
            models.Index(
                fields=["project", "due_sort", "due_time_sort", "id"],
                condition=live,
                name="task_project_due_at",
            ),
            # Manual order (ordering.py): the Manual list, the kanban columns, a move's neighbours.
            models.Index(
                fields=["user", "position", "id"], condition=live, name="task_user_position"
            ),
            models.Index(
                fields=["user", "status", "position", "id"],
                condition=live,
                name="task_user_status_position",
            ),
            models.Index(
                fields=["project", "status", "position", "id"],
                condition=live,
                name="task_project_status_position",
            ),
            models.Index(
                fields=["deleted_at"], condition=Q(deleted_at__isnull=False), name="task_deleted"
            ),
            # The Trash and undo: one user's deleted tasks, newest deleted first, read in index
            # order. task_deleted alone walks every user's recent deletions to find this user's.
            models.Index(
                fields=["user", "-deleted_at", "-id"],
                condition=Q(deleted_at__isnull=False),
                name="task_user_trash",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="task_user_idempotency_key",
            ),
        ]
        del live

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self._sync_completed_at()
        if self.project_id is None:
            self.project = Project.inbox_for(self.user)
        super().save(*args, **kwargs)

    @property
    def tag_names(self) -> tuple[str, ...]:
        """The task's tag names, sorted ignoring case: from the list query's `tag_string`
        (TaskQuerySet.with_tag_names) when it has one, else read now."""
        if "tag_string" not in self.__dict__:
            if self.pk is None:
                return ()
            names = self.tags.values_list("name", flat=True)
            self.__dict__["tag_string"] = ",".join(names)
        text = self.__dict__["tag_string"] or ""
        return tuple(sorted(filter(None, text.split(",")), key=lambda n: (n.casefold(), n)))

    @tag_names.setter
    def tag_names(self, names) -> None:
        # An edit's new tags, before set_task_tags links them (services.edit_task).
        self.__dict__["tag_string"] = ",".join(names)

    @property
    def tag_key(self) -> str:
        """The tag names as one string, for the row cache's key (a tag renamed, merged or
        deleted changes the row without changing the task's version)."""
        return ",".join(self.tag_names)

    @property
    def is_completed(self) -> bool:
        return self.status == Status.COMPLETED

    @property
    def is_overdue(self) -> bool:
        if not self.due_date or self.is_completed:
            return False
        day = today()
        if self.due_date != day:
            return self.due_date < day
        return self.due_time is not None and self.due_time < now_local().time()

    @property
    def due_at(self) -> dt.datetime | None:
        """The deadline as an aware datetime in the owner's (the active) zone; None for none or
        an all-day task."""
        if not self.due_date or self.due_time is None:
            return None
        naive = dt.datetime.combine(self.due_date, self.due_time)
        return timezone.make_aware(naive, timezone.get_current_timezone())

    @property
    def repeats(self) -> bool:
        return bool(self.recurrence)

    @property
    def is_due_today(self) -> bool:
        return self.due_date == today()

    def sort_key(self, sort: str) -> tuple:
        return tuple(getattr(self, f) for f in SORTS.get(sort, SORTS[Sort.NEWEST]).fields)

    def apply_status(self, status: str) -> None:
        """Set status and keep completed_at in step with it."""
        self.status = status
        self._sync_completed_at()

    def _sync_completed_at(self) -> None:
        """completed_at is set when the status becomes completed and cleared when it leaves."""
        if self.status != Status.COMPLETED:
            self.completed_at = None
        elif self.completed_at is None:
            self.completed_at = timezone.now()

    def toggle_completed(self) -> bool:
        """Flip completed/pending in one UPDATE that reads the row it writes.

        A read-flip-save loses a concurrent edit or a second toggle (both answer 200, one
        effect vanishes). Here the database evaluates the CASEs on the row as it is when the
        write takes its lock, so concurrent writes both land (version +2) or, for an edit
        opened on the old version, that edit gets its 409. False when the task is gone.
        """
        now = timezone.now()
        was_completed = Q(status=Status.COMPLETED)
        updated = Task.objects.filter(pk=self.pk, deleted_at__isnull=True).update(
            status=Case(
                When(was_completed, then=Value(Status.PENDING)), default=Value(Status.COMPLETED)
            ),
            completed_at=Case(
                When(was_completed, then=Value(None, output_field=models.DateTimeField())),
                default=Value(now),
            ),
            version=F("version") + 1,
            updated_at=now,
        )
        if updated:
            self.refresh_from_db(fields=["status", "completed_at", "version", "updated_at"])
        return bool(updated)

    def save_if_current(self, expected_version: int, fields: list[str]) -> bool:
        """Save `fields` only if nobody saved since `expected_version` (compare-and-swap).

        Returns False, saving nothing, when the row moved on: the caller shows a conflict.
        """
        self._sync_completed_at()
        values = {name: getattr(self, name) for name in fields}
        values["completed_at"] = self.completed_at
        values["updated_at"] = timezone.now()
        updated = Task.objects.filter(
            pk=self.pk, version=expected_version, deleted_at__isnull=True
        ).update(version=F("version") + 1, **values)
        if updated:
            self.version = expected_version + 1
            self.updated_at = values["updated_at"]
        return bool(updated)

    def save_once(self, key: str | None) -> Task:
        """Insert this new task, unless the same form (`key`) already created one: then that one.

        The unique (user, idempotency_key) constraint decides between two submits racing each
        other; the loser's savepoint rolls back and it answers with the winner's task.
        """
        if key is None:
            self.save()
            return self
        existing = Task.objects.filter(user_id=self.user_id, idempotency_key=key).first()
        if existing is not None:
            return existing
        self.idempotency_key = key
        try:
            with transaction.atomic():
                self.save()
        except IntegrityError:
            return Task.objects.get(user_id=self.user_id, idempotency_key=key)
        return self

    def soft_delete(self) -> bool:
        """Move the task to the trash; False if it was already there (or purged)."""
        return self._set_deleted_at(timezone.now(), live=True)

    def restore(self) -> bool:
        """Bring the task back from the trash; False if it was not in it. A task whose project
        is in the trash (deleted with it) comes back alone, into its owner's Inbox: the project
        returns only through its own Undo."""
        # One UPDATE, as before projects existed: the Inbox is chosen in the database.
        gone = Exists(Project.objects.filter(pk=OuterRef("project_id"), deleted_at__isnull=False))
        inbox = Project.objects.filter(user_id=OuterRef("user_id"), is_inbox=True).values("pk")
        updated = Task.objects.filter(pk=self.pk, deleted_at__isnull=False).update(
            deleted_at=None,
            project=Case(When(gone, then=Subquery(inbox[:1])), default=F("project")),
        )
        if updated:
            self.refresh_from_db(fields=["deleted_at", "project"])
        return bool(updated)

    def _set_deleted_at(self, value, live: bool) -> bool:
        # A compare-and-swap on the trash state: of two concurrent deletes (or restores) one
        # applies and the other learns it had nothing to do. The version stays: the task's
        # fields did not change, so an edit opened before a delete and undo still saves.
        updated = Task.objects.filter(pk=self.pk, deleted_at__isnull=live).update(deleted_at=value)
        if updated:
            self.refresh_from_db(fields=["deleted_at"])
        return bool(updated)


class TaskCount(models.Model):
    """How many live (not deleted) tasks a project has per status, kept by triggers.

    The board shows the status counts and the sidebar each project's open count on every full
    page; a person's counts are the sum over the projects they can see (tasks.access), read in
    the same query as those projects. Triggers (migration 0013), not signals or save(),
    maintain it, so bulk_create, QuerySet.update() and deletes keep it right too. A row that
    reaches 0 is removed.
    """

    # No FK constraint and no ORM cascade: the triggers own these rows, and deleting a
    # project's tasks brings its rows to 0, which removes them.
    project = models.ForeignKey(
        "tasks.Project", on_delete=models.DO_NOTHING, db_constraint=False, related_name="counts"
    )
    status = models.CharField(max_length=12, choices=Status)
    total = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "status"], name="taskcount_project_status"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}/{self.status}: {self.total}"

    @classmethod
    def for_user(cls, user) -> dict:
        """The counts of every project `user` can see (access.summarize)."""
        return access_for(user).counts
