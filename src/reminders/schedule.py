"""When a reminder fires: wall-clock times in the owner's zone turned into UTC moments.

DST: a wall time that does not exist (spring forward, 02:30 in Europe/Berlin on the last Sunday
of March) fires at the same UTC moment as the offset before the change gives (03:30 local): late
rather than never. A wall time that happens twice (fall back) fires at the first one (fold=0).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone

from accounts import timezones

from .models import Kind, Reminder

# An all-day task's "due time", for reminders relative to it.
ALL_DAY_DUE_TIME = dt.time(9, 0)


def zone_of(name: str | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name if timezones.is_valid(name) else settings.TIME_ZONE)


def wall_to_utc(day: dt.date, at: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    local = dt.datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    # Round trip through UTC: a nonexistent local time normalizes to the moment it stands for.
    return local.astimezone(dt.UTC)


def due_moment(task, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    if task.due_date is None:
        return None
    return wall_to_utc(task.due_date, task.due_time or ALL_DAY_DUE_TIME, zone)


def fire_at(reminder: Reminder, task, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """The moment `reminder` fires for `task` as it is now (None: it cannot fire, e.g. a due
    date so far off that the moment is not a datetime: year 1 minus a day, 9999 in UTC-8)."""
    if reminder.kind == Kind.AT:
        return reminder.remind_at
    if task.due_date is None:
        return None
    try:
        if reminder.kind == Kind.DUE_DAY:
            return wall_to_utc(task.due_date, reminder.at_time, zone)
        return due_moment(task, zone) - dt.timedelta(minutes=reminder.offset_minutes or 0)
    except OverflowError:
        return None


def resync(reminders, zone_names: dict[int, str] | None = None) -> int:
    """Re-derive fire_at of the given reminders (task selected with them); returns how many
    changed. One UPDATE per changed reminder: a task rarely has more than a few."""
    # Here: accounts' models import this module's callers (the signals) at app loading.
    from accounts.models import Profile

    reminders = list(reminders)
    if not reminders:
        return 0
    if zone_names is None:
        users = {r.user_id for r in reminders}
        zone_names = dict(Profile.objects.filter(user__in=users).values_list("user_id", "timezone"))
    now = timezone.now()
    changed = 0
    for reminder in reminders:
        moment = fire_at(reminder, reminder.task, zone_of(zone_names.get(reminder.user_id)))
        # Only pending rows: a reminder delivered meanwhile keeps its history.
        changed += Reminder.objects.filter(pk=reminder.pk, state="pending").update(
            fire_at=moment, synced_at=now
        )
    return changed


def resync_stale(limit: int = 500) -> int:
    """Re-derive the relative reminders whose task changed since (bounded per call)."""
    stale = Reminder.objects.stale().select_related("task").order_by("id")[:limit]
    return resync(stale)
