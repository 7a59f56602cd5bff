"""Due dates stay between 1900 and 2199 on every form that takes a date, and dates stored
before that bound (years 1 and 9999) no longer raise OverflowError anywhere: not in reminder
delivery (which it stopped for everyone), the task's reminders page, or the calendar feed
(issue 22, item 23)."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from accounts.models import Profile
from reminders import delivery, schedule
from reminders.models import Kind, Reminder, ReminderSettings, State
from tasks.models import Task
from tests.conftest import HTMX
from tests.conftest import edit_form as form_data
from tests.html import find

pytestmark = pytest.mark.django_db

MESSAGE = "Choose a date between 1900 and 2199."
OUTSIDE = ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"]


@pytest.mark.parametrize("day", OUTSIDE)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_full_form_refuses_a_due_date_out_of_range(alice_client, day, headers):
    response = alice_client.post("/task/new/", {"title": "Far", "due_date": day}, **headers)
    assert response.status_code == 422
    assert MESSAGE in response.content.decode()
    assert not Task.objects.exists()


@pytest.mark.parametrize("day", ["1900-01-01", "2199-12-31"])
def test_the_ends_of_the_range_are_accepted(alice_client, day):
    assert alice_client.post("/task/new/", {"title": "Edge", "due_date": day}).status_code == 302
    assert Task.objects.get().due_date.isoformat() == day


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_editors_refuse_a_due_date_out_of_range(alice_client, alice, make_task, headers):
    task = make_task(alice, "Mine", due_date=dt.date(2026, 12, 3))
    data = form_data(task, original=bool(headers), due_date="9999-12-31")
    response = alice_client.post(f"/task/{task.pk}/edit/", data, **headers)
    assert response.status_code == 422
    assert MESSAGE in response.content.decode()
    task.refresh_from_db()
    assert task.due_date == dt.date(2026, 12, 3)


def test_the_repeat_end_date_is_bounded_too(alice_client):
    data = {
        "title": "Forever",
        "due_date": "2026-12-03",
        "repeat": "daily",
        "repeat_interval": "1",
        "repeat_ends": "on",
        "repeat_until": "9999-12-31",
    }
    response = alice_client.post("/task/new/", data)
    assert response.status_code == 422
    assert MESSAGE in response.content.decode()


def test_the_date_inputs_offer_only_the_range(alice_client):
    page = alice_client.get("/task/new/")
    due = find(page, "input", name="due_date")
    assert (due["min"], due["max"]) == ("1900-01-01", "2199-12-31")


def test_bulk_due_refuses_a_date_out_of_range(alice_client, alice, make_task):
    task = make_task(alice, "Mine")
    data = {"action": "due", "task": f"{task.pk}:{task.version}", "due_date": "0001-01-01"}
    response = alice_client.post("/tasks/bulk/", data, **HTMX)
    assert response.status_code == 422
    assert MESSAGE in response.content.decode()
    task.refresh_from_db()
    assert task.due_date is None


@pytest.mark.parametrize("words", ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"])
def test_quick_add_never_makes_a_date_out_of_range(alice_client, words):
    # The quick-add grammar reads dates near today only: these stay words of the title.
    response = alice_client.post("/task/new/", {"title": f"Party {words}", "quick": "1"})
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.due_date is None and task.title == f"Party {words}"


def test_a_reminder_at_a_moment_out_of_range_is_refused(alice_client, alice, make_task):
    task = make_task(alice, "Mine")
    data = {"when": "custom", "remind_at": "9999-12-31T23:30"}
    response = alice_client.post(f"/task/{task.pk}/reminders/", data)
    assert response.status_code == 422
    assert MESSAGE in response.content.decode()


# --- dates stored before the bound ---------------------------------------------------------


@pytest.fixture
def far_tasks(alice, make_task):
    """Alice (Auckland, UTC+13 in summer) has tasks due in year 1 and 9999, one in the Trash,
    each with reminders whose moments are not datetimes."""
    Profile.objects.filter(user=alice).update(timezone="Pacific/Auckland")
    tasks = []
    for day in (dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1, 1, 1)):
        task = make_task(alice, f"Far {day.year}", due_date=day, due_time=dt.time(0, 30))
        Reminder.objects.create(task=task, user=alice, kind=Kind.BEFORE, offset_minutes=1440)
        Reminder.objects.create(task=task, user=alice, kind=Kind.DUE_DAY, at_time=dt.time(23, 0))
        tasks.append(task)
    tasks[2].soft_delete()
    return tasks


def test_far_dates_do_not_stop_reminders_for_everyone(far_tasks, bob, make_task):
    bob.email = "bob@example.com"
    bob.save()
    ReminderSettings.objects.create(user=bob, confirmed_email=bob.email)
    Profile.objects.filter(user=bob).update(timezone="America/Los_Angeles")
    now = timezone.now()
    theirs = make_task(bob, "Bob's")
    bobs = Reminder.objects.create(task=theirs, user=bob, kind=Kind.AT, remind_at=now, fire_at=now)
    far = make_task(bob, "Bob's far", due_date=dt.date(9999, 12, 31))
    Reminder.objects.create(task=far, user=bob, kind=Kind.DUE_DAY, at_time=dt.time(23, 30))

    schedule.resync_stale()  # the start of every run: it raised OverflowError
    result = delivery.deliver_due(lambda: now)

    assert result["sent"] == 1
    assert Reminder.objects.get(pk=bobs.pk).state == State.SENT
    # Every far reminder was dealt with: skipped (year 1 is late), cancelled (in the Trash), not
    # due yet (9999), or without a moment where that is not a datetime (year 1 minus a day).
    assert not Reminder.objects.due(now).exists()
    assert Reminder.objects.filter(task__due_date__year=1, fire_at=None).exists()


def test_the_reminders_page_of_a_far_task_answers(alice_client, far_tasks):
    for task in far_tasks[:2]:
        response = alice_client.get(f"/task/{task.pk}/reminders/")
        assert response.status_code == 200
        assert f"Reminders for {task.title}" in response.content.decode()


def test_a_feed_whose_repeat_ends_in_9999_answers(alice_client, alice, make_task):
    Profile.objects.filter(user=alice).update(timezone="America/New_York")
    make_task(
        alice,
        "Standup",
        due_date=dt.date(2026, 12, 3),
        due_time=dt.time(9, 0),
        recurrence="FREQ=DAILY;UNTIL=99991231",
    )
    alice_client.post("/feeds/on/")
    url = find(alice_client.get("/feeds/"), "input", id="feed-url")["value"]
    response = Client().get(re.sub(r"^https?://[^/]+", "", url))
    assert response.status_code == 200
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event["RRULE"]["FREQ"] == ["DAILY"]
