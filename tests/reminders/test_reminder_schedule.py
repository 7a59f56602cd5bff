"""When reminders fire: absolute, relative to the due time, the default on the due day, in the
owner's zone, across DST changes; and re-derived when the task's due date changes."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from accounts.models import Profile
from reminders import schedule
from reminders.models import Kind, Reminder, ReminderSettings, State
from tasks.models import Task

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def relative(task, minutes):
    return Reminder(task=task, user=task.user, kind=Kind.BEFORE, offset_minutes=minutes)


def test_it_fires_an_hour_before_a_timed_due_in_the_owners_zone(alice, make_task):
    task = make_task(alice, due_date=dt.date(2026, 12, 3), due_time=dt.time(10, 0))
    moment = schedule.fire_at(relative(task, 60), task, BERLIN)
    assert moment == dt.datetime(2026, 12, 3, 8, 0, tzinfo=UTC)  # 09:00 CET


def test_it_counts_a_day_before_in_wall_clock_across_spring_forward(alice, make_task):
    # 29 Mar 2026: Berlin goes from +01:00 to +02:00. "1 day before" 10:00 on the 29th is
    # 24 real hours earlier: 10:00 UTC+2 minus 24 h = 09:00 on the 28th local (UTC+1).
    task = make_task(alice, due_date=dt.date(2026, 3, 29), due_time=dt.time(10, 0))
    moment = schedule.fire_at(relative(task, 1440), task, BERLIN)
    assert moment == dt.datetime(2026, 3, 28, 8, 0, tzinfo=UTC)


def test_it_fires_a_nonexistent_wall_time_after_the_gap_not_never(alice, make_task):
    task = make_task(alice, due_date=dt.date(2026, 3, 29))
    reminder = Reminder(task=task, user=alice, kind=Kind.DUE_DAY, at_time=dt.time(2, 30))
    moment = schedule.fire_at(reminder, task, BERLIN)
    assert moment == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert moment.astimezone(BERLIN).hour == 3


def test_it_fires_a_repeated_wall_time_at_the_first_occurrence(alice, make_task):
    # 25 Oct 2026: 02:30 happens twice in Berlin (CEST, then CET).
    task = make_task(alice, due_date=dt.date(2026, 10, 25))
    reminder = Reminder(task=task, user=alice, kind=Kind.DUE_DAY, at_time=dt.time(2, 30))
    assert schedule.fire_at(reminder, task, BERLIN) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_it_uses_nine_oclock_for_an_all_day_task(alice, make_task):
    task = make_task(alice, due_date=dt.date(2026, 12, 3))
    moment = schedule.fire_at(relative(task, 0), task, zoneinfo.ZoneInfo("UTC"))
    assert moment == dt.datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_it_cannot_fire_a_relative_reminder_without_a_due_date(alice, make_task):
    task = make_task(alice)
    assert schedule.fire_at(relative(task, 60), task, BERLIN) is None


def test_it_gives_a_new_task_with_a_due_date_the_default_reminder(alice, make_task):
    Profile.objects.filter(user=alice).update(timezone="Europe/Berlin")
    task = make_task(alice, due_date=dt.date(2026, 12, 3))
    reminder = Reminder.objects.get(task=task)
    assert (reminder.kind, reminder.at_time, reminder.is_default) == (
        Kind.DUE_DAY,
        dt.time(9, 0),
        True,
    )
    assert schedule.resync_stale() == 1
    reminder.refresh_from_db()
    assert reminder.fire_at == dt.datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def test_it_uses_the_chosen_default_time_and_none_when_turned_off(alice, bob, make_task):
    ReminderSettings.objects.create(user=alice, default_time=dt.time(7, 15))
    ReminderSettings.objects.create(user=bob, default_reminder=False)
    mine = make_task(alice, due_date=dt.date(2026, 12, 3))
    assert Reminder.objects.get(task=mine).at_time == dt.time(7, 15)
    make_task(bob, due_date=dt.date(2026, 12, 3))
    make_task(alice, title="no date")
    assert Reminder.objects.count() == 1


def test_it_moves_a_relative_reminder_when_the_task_due_date_changes(alice, make_task):
    task = make_task(alice, due_date=dt.date(2026, 12, 3), due_time=dt.time(10, 0))
    Reminder.objects.filter(task=task).delete()
    reminder = relative(task, 60)
    reminder.save()
    schedule.resync_stale()
    # The edit path writes with UPDATE (compare-and-swap), not save(): no signal fires.
    Task.objects.filter(pk=task.pk).update(
        due_date=dt.date(2026, 12, 5), updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    assert schedule.resync_stale() == 1
    reminder.refresh_from_db()
    assert reminder.fire_at == dt.datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    assert reminder.state == State.PENDING
