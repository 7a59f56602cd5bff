"""Keyset ("cursor") pagination for the board.

A page is found by comparing the sort key with the last row seen, so page 200 costs what page
1 costs: the database walks the index from the cursor instead of counting past skipped rows.
Cursors are opaque, URL-safe and tamper-tolerant: a cursor that does not decode is ignored.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import GeneratedField
from django.utils import timezone

from .models import SORTS, Sort, Task, TaskQuerySet


@dataclass
class TaskPage:
    tasks: list[Task]
    next_cursor: str | None
    prev_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.prev_cursor)


def encode_cursor(task: Task, sort: str) -> str:
    values = []
    for value in task.sort_key(sort):
        values.append(
            value.isoformat() if isinstance(value, dt.date | dt.datetime | dt.time) else value
        )
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, sort: str) -> tuple | None:
    if not cursor or len(cursor) > 1024:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError):
        return None
    fields = SORTS.get(sort, SORTS[Sort.NEWEST]).fields
    if not isinstance(values, list) or len(values) != len(fields):
        return None
    key = []
    for name, value in zip(fields, values, strict=True):
        if not isinstance(value, str | int) or isinstance(value, bool):
            return None
        if isinstance(value, str) and "\x00" in value:  # PostgreSQL refuses NUL in text
            return None
        field = Task._meta.get_field(name)
        # A generated column converts like the type it stores; the base Field would pass the raw
        # value on to SQL, where "garbage" compared with a date column is a database error.
        if isinstance(field, GeneratedField):
            field = field.output_field
        if name == "id" and not isinstance(value, int):
            return None
        try:
            python_value = field.to_python(value)
        except (ValidationError, ValueError, TypeError, OverflowError):
            return None
        if python_value is None or not _storable(python_value):
            return None
        key.append(python_value)
    return tuple(key)


def _storable(value) -> bool:
    """Whether both databases accept `value` as a query parameter without raising.

    A tampered cursor must be ignored, not become a 500: SQLite overflows past 64-bit integers,
    a far-off timezone offset overflows the conversion to UTC, and NUL or lone surrogates in a
    string cannot be sent at all.
    """
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return False
        try:
            value.astimezone(dt.UTC)
        except OverflowError:
            return False
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            return False
        return "\x00" not in value
    return True


def paginate(
    tasks: TaskQuerySet, sort: str, after: str | None, before: str | None, size: int
) -> TaskPage:
    """One page of `tasks` in `sort` order, after or before a cursor (one query)."""
    after_key = decode_cursor(after, sort)
    before_key = decode_cursor(before, sort) if after_key is None else None
    if before_key is not None:
        rows = list(tasks.before(sort, before_key).ordered_by(sort, reverse=True)[: size + 1])
        has_prev = len(rows) > size
        rows = rows[:size][::-1]
        has_next = True
    else:
        if after_key is not None:
            tasks = tasks.after(sort, after_key)
        rows = list(tasks.ordered_by(sort)[: size + 1])
        has_next = len(rows) > size
        rows = rows[:size]
        has_prev = after_key is not None
    return TaskPage(
        tasks=rows,
        next_cursor=encode_cursor(rows[-1], sort) if has_next and rows else None,
        prev_cursor=encode_cursor(rows[0], sort) if has_prev and rows else None,
    )
