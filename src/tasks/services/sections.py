"""Writes to a project's sections (models/section.py): create, rename, reorder, delete and
undo, and putting a task into a section.

Sections belong to their project: whoever may change the project's tasks (its owner, admins and
editors: Access.can_edit) may arrange its sections, for everyone who sees the project. Each
write takes the project's row lock first (a section's position, a delete and its undo are
decided under it, one after the other), then writes as a compare-and-swap where the person
acted on a version they saw.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from ..models import SECTION_NAME_MAX, Project, Section, Task
from ..models.access import access_for
from .common import NotFound, editable_project, editable_task, in_transaction, require_edit, wrote
from .organize import NameTaken, Stale

RESTORED = " (restored)"


def _section(actor, pk: int, lock: bool = False) -> tuple[Section, Project]:
    """A live section `actor` may arrange, and its project (locked when `lock`): NotFound when
    they cannot see it, Forbidden when they may only look."""
    section = Section.objects.visible_to(actor).filter(pk=pk).first()
    if section is None:
        raise NotFound("No such section.")
    require_edit(access_for(actor), section.project_id)
    project = editable_project(actor, section.project_id, lock=lock)
    return section, project


def sections_of(actor, project_id: int) -> list[Section]:
    """The live sections of a project `actor` sees, in order (NotFound for another's)."""
    if project_id not in access_for(actor).projects:
        raise NotFound("No such project.")
    return list(Section.objects.filter(project_id=project_id).live().order_by("position", "id"))


@in_transaction
def create_section(actor, project_id: int, name: str) -> Section:
    """A new section at the end of the project's. NameTaken when it has one by that name."""
    project = editable_project(actor, project_id, lock=True)
    last = Section.objects.filter(project=project).live().aggregate(last=Max("position"))
    position = 0 if last["last"] is None else last["last"] + 1
    try:
        with transaction.atomic():
            section = Section.objects.create(project=project, name=name, position=position)
    except IntegrityError:
        raise NameTaken(name) from None
    wrote(actor)
    return section


@in_transaction
def rename_section(actor, pk: int, version: int, name: str) -> Section:
    """Rename at the version the form was opened on: Stale (with the section as it is now) when
    it moved on, NameTaken when another section of the project has that name."""
    section, _project = _section(actor, pk)
    try:
        with transaction.atomic():
            saved = section.update_if_current(version, name=name)
    except IntegrityError:
        raise NameTaken(name) from None
    if not saved:
        raise Stale(Section.objects.visible_to(actor).filter(pk=pk).first())
    wrote(actor)
    return section


@in_transaction
def move_section(actor, pk: int, step: int) -> bool:
    """One place left/up (-1) or right/down (+1) among the project's sections, renumbering
    them under the project's lock. False when it is already at that end."""
    section, project = _section(actor, pk, lock=True)
    ordered = list(Section.objects.filter(project=project).live().order_by("position", "id"))
    index = next(i for i, s in enumerate(ordered) if s.pk == section.pk)
    target = index + step
    if not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, each in enumerate(ordered):
        if each.position != position:
            Section.objects.filter(pk=each.pk).update(position=position, version=F("version") + 1)
    wrote(actor)
    return True


@in_transaction
def delete_section(actor, pk: int) -> tuple[Section, int]:
    """The section to the trash; its tasks (live and in the trash) go to no section. Returns the
    section and how many live tasks left it. Undo: restore_section."""
    section, _project = _section(actor, pk, lock=True)
    now = timezone.now()
    tasks = Task.objects.filter(section=section)
    ids = list(tasks.values_list("pk", flat=True))
    live = tasks.filter(deleted_at__isnull=True).count()
    tasks.update(section=None, version=F("version") + 1, updated_at=now)
    Section.objects.filter(pk=section.pk).update(
        deleted_at=now, orphans=ids, version=F("version") + 1
    )
    section.deleted_at, section.orphans = now, ids
    wrote(actor)
    return section, live


@in_transaction
def restore_section(actor, pk: int) -> Section | None:
    """Undo a section's delete: it comes back at its place, with those of its tasks that are
    still in its project and in no section. A section made meanwhile under the same name keeps
    it; this one becomes "Name (restored)". None when there is nothing to undo."""
    section = Section.objects.filter(pk=pk, deleted_at__isnull=False).first()
    if section is None or section.project_id not in access_for(actor).projects:
        return None
    project = editable_project(actor, section.project_id, lock=True)
    section = Section.objects.filter(pk=pk, deleted_at__isnull=False).first()
    if section is None:  # undone meanwhile
        return None
    name = section.name
    if Section.objects.filter(project=project, name__iexact=name).live().exists():
        name = f"{name[: SECTION_NAME_MAX - len(RESTORED)]}{RESTORED}"
    now = timezone.now()
    Task.objects.filter(pk__in=section.orphans, project=project, section__isnull=True).update(
        section=section, version=F("version") + 1, updated_at=now
    )
    Section.objects.filter(pk=pk).update(
        deleted_at=None, orphans=[], name=name, version=F("version") + 1
    )
    section.refresh_from_db()
    wrote(actor)
    return section


@in_transaction
def set_task_section(actor, pk: int, section_id: int | None, version: int | None = None) -> Task:
    """Put task `pk` into section `section_id` of its project (None: no section), at the
    version the person saw when given (Stale when it moved on). NotFound when the section is
    not a live one of the task's project."""
    task = editable_task(actor, pk)
    # The project's lock: a delete of the section either finished (NotFound here) or waits.
    editable_project(actor, task.project_id, lock=True)
    if section_id is not None:
        live = Section.objects.filter(pk=section_id, project_id=task.project_id).live()
        if not live.exists():
            raise NotFound("No such section in this task's project.")
    now = timezone.now()
    rows = Task.objects.filter(pk=pk, project_id=task.project_id, deleted_at__isnull=True)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(section_id=section_id, version=F("version") + 1, updated_at=now):
        raise Stale(Task.objects.visible_to(actor).filter(pk=pk).first())
    task.refresh_from_db(fields=["section", "version", "updated_at"])
    wrote(actor)
    return task
