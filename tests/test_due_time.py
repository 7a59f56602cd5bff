"""Due times: set in the full-page form and the inline editor, shown on rows, sorting within
their day (keyset pages included), and "overdue" from the time when there is one."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.utils import timezone

from tasks.forms import InlineTaskForm, TaskForm
from tasks.models import Sort, Task
from tasks.pagination import paginate
from tests.conftest import HTMX, row_ids
from tests.conftest import edit_form as edit_data
from tests.html import find

pytestmark = pytest.mark.django_db


def at(hour, minute=0):
    return dt.time(hour, minute)


@pytest.fixture
def clock(monkeypatch, today):
    """Set the local wall clock (today's date) that "overdue" reads."""

    def set_to(time):
        moment = timezone.make_aware(dt.datetime.combine(today, time))
        monkeypatch.setattr("tasks.models.task.now_local", lambda: moment)

    return set_to


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["full-page", "inline"])
def test_it_saves_a_due_time_from_either_form(alice_client, alice, make_task, days, headers):
    task = make_task(alice, "Call the bank", due_date=days(2))

    response = alice_client.post(
        f"/task/{task.pk}/edit/", edit_data(task, due_time="09:30"), **headers
    )

    assert response.status_code == (200 if headers else 302)
    assert Task.objects.get(pk=task.pk).due_time == at(9, 30)


def test_both_forms_offer_the_due_time_field(alice, make_task):
    task = make_task(alice, due_date=dt.date(2026, 12, 3), due_time=at(9))
    assert "due_time" in TaskForm(instance=task).fields
    inline = InlineTaskForm(instance=task)
    assert 'type="time"' in str(inline["due_time"]) and 'value="09:00"' in str(inline["due_time"])


def test_a_form_from_before_due_times_leaves_the_time_alone(alice_client, alice, make_task, days):
    task = make_task(alice, "Keep my time", due_date=days(2), due_time=at(8))
    data = edit_data(task, title="Renamed")
    del data["due_time"]

    alice_client.post(f"/task/{task.pk}/edit/", data, **HTMX)

    saved = Task.objects.get(pk=task.pk)
    assert (saved.title, saved.due_time) == ("Renamed", at(8))


def test_it_refuses_a_garbled_time_with_a_message(alice_client, alice, make_task, days):
    task = make_task(alice, due_date=days(2))

    response = alice_client.post(f"/task/{task.pk}/edit/", edit_data(task, due_time="25:99"))

    assert response.status_code == 422
    assert "Enter a time, like 09:30." in response.content.decode()


def test_the_row_shows_the_date_and_time(alice_client, alice, make_task):
    task = make_task(alice, "Dentist", due_date=dt.date(2030, 12, 5), due_time=at(9))

    row = find(alice_client.get("/"), "li", id=f"task-{task.pk}")

    time = row.find("time")
    assert time["datetime"] == "2030-12-05T09:00"
    assert time.text == "Thu 5 Dec 2030 09:00"


def test_a_time_is_shown_as_written_in_the_owners_zone(alice_client, alice, make_task, settings):
    """A wall-clock time: the owner's 09:00 is shown as 09:00, whatever the server's zone."""
    alice.profile.timezone = "Asia/Tokyo"
    alice.profile.save()
    alice_client.force_login(alice)
    task = make_task(alice, "Standup", due_date=dt.date(2030, 12, 5), due_time=at(9))

    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        due_at = Task.objects.get(pk=task.pk).due_at

    assert due_at.utcoffset() == dt.timedelta(hours=9)
    assert "09:00" in find(alice_client.get("/"), "li", id=f"task-{task.pk}").find("time").text


def test_sorting_by_due_puts_times_in_order_and_all_day_last_in_its_day(alice, make_task, days):
    late = make_task(alice, "Late", due_date=days(1), due_time=at(17))
    all_day = make_task(alice, "All day", due_date=days(1))
    early = make_task(alice, "Early", due_date=days(1), due_time=at(8))
    before = make_task(alice, "Day before", due_date=days(0), due_time=at(23))
    undated = make_task(alice, "Undated")

    ordered = list(Task.objects.visible_to(alice).ordered_by(Sort.DUE))

    assert ordered == [before, early, late, all_day, undated]


def test_keyset_pages_split_inside_a_day_without_gaps(alice, make_task, days):
    made = [
        make_task(alice, f"T{i}", due_date=days(1), due_time=[at(9), None, at(7)][i % 3])
        for i in range(11)
    ]
    qs = Task.objects.visible_to(alice)
    expected = list(qs.ordered_by(Sort.DUE).values_list("pk", flat=True))
    seen, after = [], None
    while True:
        page = paginate(qs, Sort.DUE, after, None, 2)
        seen += [t.pk for t in page.tasks]
        if not page.next_cursor:
            break
        after = page.next_cursor

    assert seen == expected and len(seen) == len(made)
    times = [Task.objects.get(pk=pk).due_time for pk in seen]
    assert times == [at(7)] * 3 + [at(9)] * 4 + [None] * 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_the_due_sort_reads_the_due_index(alice, make_task, days):
    for i in range(30):
        make_task(alice, f"T{i}", due_date=days(i % 5), due_time=at(i % 24))
    qs = Task.objects.visible_to(alice).ordered_by(Sort.DUE)[:10]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = qs.explain()
        cursor.execute("RESET enable_seqscan")

    assert "task_user_due_at" in plan
    assert "Sort" not in plan.split("\n")[0]


def test_overdue_means_past_the_time_when_there_is_one(alice, make_task, today, clock):
    at_nine = make_task(alice, "At nine", due_date=today, due_time=at(9))
    at_noon = make_task(alice, "At noon", due_date=today, due_time=at(12))
    all_day = make_task(alice, "All day", due_date=today)
    done = make_task(alice, "Done", due_date=today, due_time=at(9), status="completed")
    clock(at(10))

    assert [t.is_overdue for t in (at_nine, at_noon, all_day, done)] == [
        True,
        False,
        False,
        False,
    ]
    assert list(Task.objects.visible_to(alice).due("overdue")) == [at_nine]


def test_the_overdue_filter_and_row_follow_the_clock(alice_client, alice, make_task, today, clock):
    task = make_task(alice, "Standup", due_date=today, due_time=at(9))
    clock(at(8, 59))
    assert row_ids(alice_client.get("/?q=due:overdue")) == []
    assert "Overdue" not in find(alice_client.get("/"), "li", id=f"task-{task.pk}").text

    clock(at(9, 1))
    assert row_ids(alice_client.get("/?q=due:overdue")) == [task.pk]
    # The cached row is not served stale: it turns overdue within the same day.
    assert "Overdue" in find(alice_client.get("/"), "li", id=f"task-{task.pk}").text
