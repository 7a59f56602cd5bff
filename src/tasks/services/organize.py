"""Writes to how a person organizes tasks: projects, tags and saved views.

A project is changed by its owner and its admins (renamed, recoloured, archived); only its
owner reorders it in their list, deletes it or brings it back. Tags and saved views are
personal: only their owner changes them.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from .. import tagging
from ..models import Project, SavedView, Tag
from ..models.access import access_for
from ..text import clean_line
from .common import Forbidden, NotFound, in_transaction, wrote


class NameTaken(Exception):
    """Another of the person's projects (or saved views) already has this name."""


class Stale(Exception):
    """Changed elsewhere since the form was opened (a compare-and-swap lost): `current` is the
    object as it is now."""

    def __init__(self, current=None):
        super().__init__("changed elsewhere")
        self.current = current


# --- projects -----------------------------------------------------------------------------------
def _project(actor, pk: int, admin: bool = True) -> Project:
    """A live project `actor` sees (NotFound), which they may manage when `admin` (Forbidden)."""
    project = Project.objects.visible_to(actor).filter(pk=pk).first()
    if project is None:
        raise NotFound("No such project.")
    if admin and not access_for(actor).can_admin(project.pk):
        raise Forbidden("Only the project's owner and admins can change it.")
    return project


def _owned_project(actor, pk: int) -> Project:
    project = _project(actor, pk, admin=False)
    if project.user_id != actor.pk:
        raise Forbidden("Only the project's owner can do this.")
    return project


@in_transaction
def create_project(actor, name: str, colour: str) -> Project:
    """A new project of `actor`'s at the end of their list. NameTaken when they have one by
    that name (the unique constraint decides between two creates racing each other)."""
    name = clean_line(name)
    try:
        with transaction.atomic():
            project = Project.objects.create_for(actor, name, colour)
    except IntegrityError:
        raise NameTaken(name) from None
    wrote(actor)
    return project


@in_transaction
def edit_project(actor, pk: int, version: int, *, name: str, colour: str) -> Project:
    """Rename and recolour at the version the form was opened on: Stale (with the project as
    it is now) when it moved on, NameTaken when the name is the owner's other project's. The
    Inbox keeps its name (ValueError)."""
    name = clean_line(name)
    project = _project(actor, pk)
    if project.is_inbox and name != project.name:
        raise ValueError("The Inbox cannot be renamed.")
    try:
        with transaction.atomic():
            saved = project.update_if_current(version, name=name, colour=colour)
    except IntegrityError:
        raise NameTaken(name) from None
    if not saved:
        raise Stale(_project(actor, pk, admin=False))
    wrote(actor)
    return project


@in_transaction
def archive_project(actor, pk: int, version: int, archived: bool) -> Project:
    """Archive or bring back (ValueError for the Inbox; Stale when it moved on)."""
    project = _project(actor, pk)
    if project.is_inbox:
        raise ValueError("The Inbox cannot be archived.")
    if not project.update_if_current(version, archived=archived):
        raise Stale(project)
    wrote(actor)
    return project


@in_transaction
def move_project(actor, pk: int, step: int) -> bool:
    """One place up (-1) or down (+1) in the owner's list, under a lock on their projects."""
    _owned_project(actor, pk)
    moved = Project.objects.move(actor, pk, step)
    wrote(actor)
    return moved


@in_transaction
def delete_project(actor, pk: int) -> tuple[Project, int | None]:
    """The project and its tasks to the trash in one stamp (the Inbox refuses: ValueError);
    the number of tasks that went, None when it was already gone."""
    project = _owned_project(actor, pk)
    if project.is_inbox:
        raise ValueError("The Inbox cannot be deleted.")
    trashed = project.trash()
    wrote(actor)
    return project, trashed


@in_transaction
def restore_project(actor, pk: int) -> tuple[Project, int | None]:
    """Undo a project's delete (None: nothing to undo). Any of the owner's projects: undoing
    twice, or a live one, is "nothing to undo"."""
    project = Project.objects.filter(user=actor, pk=pk).first()
    if project is None:
        raise NotFound("No such project.")
    restored = project.restore()
    wrote(actor)
    return project, restored


# --- tags ---------------------------------------------------------------------------------------
def _tag(actor, pk: int, lock: bool = False) -> Tag:
    tags = Tag.objects.visible_to(actor)
    tag = (tags.select_for_update() if lock else tags).filter(pk=pk).first()
    if tag is None:
        raise NotFound("No such tag.")
    return tag


@in_transaction
def rename_tag(actor, pk: int, name: str) -> tuple[str, Tag]:
    """(the old name, the tag renamed); tagging.TagClash when another tag has the name."""
    name = tagging.clean_tag_name(clean_line(name))
    tag = _tag(actor, pk, lock=True)
    old = tag.name
    try:
        renamed = tagging.rename_tag(tag, name)
    except Tag.DoesNotExist:
        raise NotFound("No such tag.") from None
    wrote(actor)
    return old, renamed


@in_transaction
def merge_tags(actor, pk: int, into: Tag) -> tuple[Tag, int]:
    """Merge tag `pk` into another of the person's tags: (the merged tag, tasks moved)."""
    tag = _tag(actor, pk)
    if into.user_id != actor.pk or into.pk == tag.pk:
        raise NotFound("No such tag.")
    try:
        moved = tagging.merge_tags(tag, into)
    except Tag.DoesNotExist:
        raise NotFound("No such tag.") from None
    wrote(actor)
    return tag, moved


@in_transaction
def delete_tag(actor, pk: int) -> tuple[Tag, int]:
    """Delete the tag and its links (the tasks stay): (the tag, how many tasks had it)."""
    tag = _tag(actor, pk)
    try:
        linked = tagging.delete_tag(tag)
    except Tag.DoesNotExist:
        raise NotFound("No such tag.") from None
    wrote(actor)
    return tag, linked


# --- saved views --------------------------------------------------------------------------------
def _views(actor):
    return SavedView.objects.visible_to(actor)


def _view(actor, pk: int) -> SavedView:
    view = _views(actor).select_for_update().filter(pk=pk).first()
    if view is None:
        raise NotFound("No such view.")
    return view


@in_transaction
def save_view(actor, name: str, url: str) -> SavedView:
    """Save a board URL (already checked by the form) under a name, last in the person's list.
    NameTaken when they have a view by that name."""
    name = clean_line(name)
    if _views(actor).filter(name__iexact=name).exists():
        raise NameTaken(name)
    # Under a lock on the person's views, so two saves do not take one position.
    last = _views(actor).select_for_update().aggregate(last=Max("position"))["last"]
    try:
        with transaction.atomic():
            view = SavedView.objects.create(
                user=actor, name=name, url=url, position=(last or 0) + 1
            )
    except IntegrityError:  # a save racing this one took the name
        raise NameTaken(name) from None
    wrote(actor)
    return view


@in_transaction
def rename_view(actor, pk: int, version: int, name: str) -> SavedView:
    name = clean_line(name)
    view = _view(actor, pk)
    if version != view.version:
        raise Stale(view)
    if _views(actor).filter(name__iexact=name).exclude(pk=pk).exists():
        raise NameTaken(name)
    SavedView.objects.filter(pk=pk).update(name=name, version=F("version") + 1)
    view.name = name
    wrote(actor)
    return view


@in_transaction
def move_view(actor, pk: int, version: int, direction: str) -> SavedView:
    """Swap a view with its neighbour above or below. All the person's views are locked, so
    two moves at once apply one after the other instead of interleaving positions."""
    views = list(_views(actor).select_for_update().order_by("position", "id"))
    view = next((v for v in views if v.pk == pk), None)
    if view is None:
        raise NotFound("No such view.")
    if version != view.version:
        raise Stale(view)
    index = views.index(view)
    other = index + (-1 if direction == "up" else 1)
    if 0 <= other < len(views):
        views[index], views[other] = views[other], views[index]
        # Renumber densely: positions may have ties or gaps from earlier saves.
        swapped = (view.pk, views[index].pk)
        for position, row in enumerate(views, start=1):
            if row.position != position or row.pk in swapped:
                bump = F("version") + (1 if row.pk in swapped else 0)
                SavedView.objects.filter(pk=row.pk).update(position=position, version=bump)
    wrote(actor)
    return view


@in_transaction
def delete_view(actor, pk: int, version: int) -> SavedView:
    view = _view(actor, pk)
    if version != view.version:
        raise Stale(view)
    view.delete()
    wrote(actor)
    return view
