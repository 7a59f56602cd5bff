"""Tags: what a tag name may be, reading "home, errand" into names, and the writes that link
tags to tasks, rename, merge and delete them, each safe against the others running at once.

A name is 1-40 letters (any script), digits, `-`, `_`, `/` or `.`: no spaces, commas or `#`,
because `#word` is the search syntax and "a, b" or "a b" is a list of tags. The comma is also
the separator of the list queries' aggregated names (TaskQuerySet.with_tag_names), which is
why no name may contain it. "Home" and "home" are one tag: the first spelling stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Lower

from .models import TAG_NAME_MAX, Tag, Task, TaskTag

# The separator of aggregated names: a character no name may contain.
SEPARATOR = ","
TAG_NAME = re.compile(rf"[\w\-/.]{{1,{TAG_NAME_MAX}}}")
# A task with more tags than this is a paste gone wrong, not a plan: refuse it clearly.
MAX_TAGS_PER_TASK = 20
# "home, errand", "home errand", "#home #errand": commas and blanks both separate.
_SPLIT = re.compile(r"[\s,]+")
TAG_NAME_HELP = (
    "Letters, digits, - _ / . (no spaces), up to 40 characters; separate tags with commas."
)


def clean_tag_name(text: str) -> str:
    """One tag name as typed (a leading `#` allowed), or ValidationError saying why not."""
    name = text.strip().removeprefix("#")
    if not name:
        raise ValidationError("A tag needs a name.", code="required")
    if len(name) > TAG_NAME_MAX:
        raise ValidationError(
            f"Keep tag names to {TAG_NAME_MAX} characters (“{name[:20]}…” has {len(name)}).",
            code="max_length",
        )
    if not TAG_NAME.fullmatch(name):
        raise ValidationError(
            f"“{name}” is not a tag name: use letters, digits, - _ / or . only.", code="invalid"
        )
    return name


def parse_tag_names(text: str) -> tuple[str, ...]:
    """The names in a tags field ("home, errand"), the first spelling of each kept, in a stable
    case-insensitive order (so two edits compare equal however they were typed)."""
    names: dict[str, str] = {}
    errors = []
    for part in _SPLIT.split(text or ""):
        if not part or part == "#":
            continue
        try:
            name = clean_tag_name(part)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        names.setdefault(name.casefold(), name)
    if errors:
        raise ValidationError(errors)
    if len(names) > MAX_TAGS_PER_TASK:
        raise ValidationError(f"A task can have up to {MAX_TAGS_PER_TASK} tags.")
    return sort_names(names.values())


def sort_names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=lambda name: (name.casefold(), name)))


def same_names(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two lists name the same tags (case-insensitively: "Home" is "home")."""
    return sorted(n.casefold() for n in a) == sorted(n.casefold() for n in b)


class TagNamesField(forms.CharField):
    """The task forms' tags: a text field ("home, errand") read into a tuple of names. With
    JavaScript the field becomes chips with suggestions (static/js/tags.js) that write the same
    text back into it, so both ways submit the same thing."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Tags")
        kwargs.setdefault("help_text", TAG_NAME_HELP)
        kwargs.setdefault("max_length", None)
        super().__init__(**kwargs)
        # static/js/tags.js turns an input with data-tags-input into chips with suggestions.
        self.widget.attrs.update(
            {"data-tags-input": "", "autocomplete": "off", "spellcheck": "false"}
        )

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value) -> tuple[str, ...]:
        if isinstance(value, list | tuple):
            value = ", ".join(value)
        text = super().to_python(value)
        if len(text) > 2000:
            raise ValidationError("That is far too much text for a list of tags.")
        return parse_tag_names(text)

    def has_changed(self, initial, data) -> bool:
        try:
            return not same_names(self.to_python(initial), self.to_python(data))
        except ValidationError:
            return True


def named(user_id: int, names: Iterable[str]):
    """The user's tags with these names, ignoring case (the (user, lower(name)) index)."""
    condition = Q()
    for name in names:
        condition |= Q(lname=Lower(Value(name)))
    if not condition:
        return Tag.objects.none()
    return Tag.objects.filter(user_id=user_id).alias(lname=Lower("name")).filter(condition)


def tags_for(user_id: int, names: Iterable[str]) -> list[Tag]:
    """The user's tags with these names, created when missing, each row locked (FOR NO KEY
    UPDATE) until the transaction ends: a merge or delete of one of them waits for this
    transaction, and one that committed first is seen (the name is then created afresh), so a
    link is never made to a tag being merged away. Must run inside a transaction."""
    names = list(names)
    if not names:
        return []
    found: dict[str, Tag] = {}
    for _attempt in range(3):
        locked = named(user_id, names).order_by("pk").select_for_update(no_key=True)
        found = {tag.name.casefold(): tag for tag in locked}
        missing = [name for name in names if name.casefold() not in found]
        if not missing:
            break
        try:
            with transaction.atomic():  # a savepoint: a name created meanwhile is a retry
                for name in missing:
                    found[name.casefold()] = Tag.objects.create(user_id=user_id, name=name)
        except IntegrityError:
            continue
        break
    return [found[name.casefold()] for name in names if name.casefold() in found]


def set_task_tags(task: Task, names: Iterable[str], new: bool = False) -> None:
    """Make `task`'s tags exactly `names` (its owner's tags, created on the fly). The caller
    holds the task's row (an edit's CAS, a create) inside a transaction. A `new` task has no
    links yet: nothing to compare or remove."""
    if not connection.in_atomic_block:  # a caller outside any transaction: one of its own
        with transaction.atomic():
            return set_task_tags(task, names, new)
    wanted = {tag.pk: tag for tag in tags_for(task.user_id, names)}
    have = set()
    if not new:
        links = TaskTag.objects.filter(task=task)
        links.exclude(tag_id__in=list(wanted)).delete()
        have = set(links.values_list("tag_id", flat=True))
    TaskTag.objects.bulk_create(
        [TaskTag(task=task, tag_id=pk) for pk in wanted if pk not in have],
        ignore_conflicts=True,
    )
    task.__dict__["tag_string"] = SEPARATOR.join(tag.name for tag in wanted.values())


class TagClash(Exception):
    """A rename to a name another of the person's tags already has (a merge is offered)."""

    def __init__(self, other: Tag):
        super().__init__(other.name)
        self.other = other


def rename_tag(tag: Tag, name: str) -> Tag:
    """Rename `tag` (already cleaned `name`); TagClash when another tag has the name. Under the
    tag's row lock, so two renames apply one after the other; the unique constraint settles
    two renames of different tags to one name (the second gets TagClash)."""
    with transaction.atomic():
        locked = Tag.objects.select_for_update().filter(pk=tag.pk).first()
        if locked is None:
            raise Tag.DoesNotExist
        other = named(tag.user_id, [name]).exclude(pk=tag.pk).first()
        if other is not None:
            raise TagClash(other)
        locked.name = name
        try:
            with transaction.atomic():
                locked.save(update_fields=["name"])
        except IntegrityError:
            other = named(tag.user_id, [name]).exclude(pk=tag.pk).first()
            if other is None:  # the clash is gone again: impossible to tell apart, say so
                raise
            raise TagClash(other) from None
    return locked


def merge_tags(source: Tag, target: Tag) -> int:
    """Move every task of `source` to `target` (no task gets `target` twice) and delete
    `source`; the number of tasks that gained `target`. Both rows are locked FOR UPDATE (in id
    order, so two opposite merges cannot deadlock), which makes a concurrent edit that links
    one of them wait (tags_for), and then see the merge."""
    if source.pk == target.pk or source.user_id != target.user_id:
        raise ValueError("merge two different tags of one person")
    with transaction.atomic():
        locked = {
            tag.pk: tag
            for tag in Tag.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise Tag.DoesNotExist
        have = TaskTag.objects.filter(tag_id=target.pk).values("task_id")
        moving = list(
            TaskTag.objects.filter(tag_id=source.pk)
            .exclude(task_id__in=have)
            .values_list("task_id", flat=True)
        )
        TaskTag.objects.bulk_create(
            [TaskTag(task_id=pk, tag_id=target.pk) for pk in moving], ignore_conflicts=True
        )
        TaskTag.objects.filter(tag_id=source.pk).delete()
        Tag.objects.filter(pk=source.pk).delete()
    return len(moving)


def delete_tag(tag: Tag) -> int:
    """Delete `tag` and its links (the tasks stay); how many tasks had it."""
    with transaction.atomic():
        if not Tag.objects.select_for_update().filter(pk=tag.pk).exists():
            raise Tag.DoesNotExist
        linked, _ = TaskTag.objects.filter(tag_id=tag.pk).delete()
        Tag.objects.filter(pk=tag.pk).delete()
    return linked
