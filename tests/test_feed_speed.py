"""The calendar feed's server time for a large account (issue 14: 10,000 tasks in under
300 ms). bench/feed.py measures the time on PostgreSQL; this pins what the time is made of,
the Python calls the whole request makes per task, which unlike a time does not move with the
load of a shared machine: a change that writes the events slowly again fails here."""

import datetime as dt
import sys

import pytest
from django.core.cache import caches
from django.test import Client
from icalendar import Calendar

from bench.feed import feed_tasks
from feeds.models import CalendarFeed
from tasks.models import Task

pytestmark = pytest.mark.django_db

TASKS = 1000
# Calls per task of the whole request (the query and its rows, the events, the middleware)
# less those of reading the rows. Writing each event through per-line helpers from dicts made
# 70 (and took 25-35 µs of CPU a task on SQLite); the writer in feeds.ical makes 48 (11-20 µs).
BUDGET_CALLS_PER_TASK = 58
# What reading the rows costs depends on the database driver (SQLite's converters are Python,
# psycopg's C): the budget is for what the feed spends beyond reading them once.
FIELDS = ["id", "title", "description", "status", "due_date", "due_time", "recurrence"]
FIELDS += ["repeat_from", "version", "updated_at", "project__name"]


def seed(user) -> None:
    """bench/feed.py's mix of dated tasks."""
    Task.objects.bulk_create(feed_tasks(user, TASKS))


def calls_of(request) -> tuple[int, object]:
    """The Python and C function calls made while answering, and the response."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        response = request()
    finally:
        sys.setprofile(None)
    return calls, response


def test_it_writes_a_large_feed_in_few_calls_per_task(alice):
    seed(alice)
    path = f"/feeds/{CalendarFeed.turn_on(alice)}.ics"
    client = Client()
    client.get(path)  # the first request pays for imports and the VTIMEZONE
    caches["feeds"].clear()  # the next renders every event

    calls, response = calls_of(lambda: client.get(path))
    rows = Task.objects.filter(user=alice).order_by("due_date", "id").values_list(*FIELDS)
    reading, _ = calls_of(lambda: list(rows))

    assert response.status_code == 200
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == TASKS
    assert (calls - reading) / TASKS < BUDGET_CALLS_PER_TASK


def test_the_writer_still_folds_uids_and_urls_of_a_long_domain(alice, settings):
    """The writer skips folding lines that cannot reach 75 octets; with a long UID domain and
    host they can, and are folded."""
    long_host = "calendar." + "a" * 60 + ".example.org"
    settings.FEEDS_UID_DOMAIN = "tasks." + "b" * 70 + ".example.org"
    settings.ALLOWED_HOSTS = [long_host]
    alice.profile.timezone = "America/Argentina/ComodRivadavia"
    alice.profile.save()
    task = Task.objects.create(
        user=alice, title="Timed", due_date=dt.date(2030, 12, 5), due_time=dt.time(9, 30)
    )

    body = Client().get(f"/feeds/{CalendarFeed.turn_on(alice)}.ics", HTTP_HOST=long_host).content

    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    event = Calendar.from_ical(body).walk("VEVENT")[0]
    assert str(event["UID"]) == f"task-{task.pk}@{settings.FEEDS_UID_DOMAIN}"
    assert str(event["URL"]) == f"http://{long_host}/task/{task.pk}/"
    assert event["DTSTART"].dt.hour == 9
