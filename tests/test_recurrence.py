"""Repeating tasks: RRULE presets and words, quick-add phrases, the next occurrence (month
ends, leap years, DST), and completing one: recorded, moved on in one transaction, undone
exactly, advanced once by two presses at the same moment (PostgreSQL)."""

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tasks import recurrence
from tasks.models import RepeatFrom, Status, Task, TaskCompletion
from tasks.recurrence import build, describe, next_due, parse_every
from tests.concurrency import at_once
from tests.conftest import HTMX, oob_toasts, row_ids
from tests.html import find, find_all

D = dt.date


# --- quick-add phrases ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "rule", "repeat_from", "phrase"),
    [
        ("Stand-up every day", "FREQ=DAILY", "due", "every day"),
        ("every weekday check mail", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "due", "every weekday"),
        ("Gym every monday", "FREQ=WEEKLY;BYDAY=MO", "due", "every monday"),
        ("Gym every Mon and Thu", "FREQ=WEEKLY;BYDAY=MO,TH", "due", "every Mon and Thu"),
        ("Sprint review every 2 weeks", "FREQ=WEEKLY;INTERVAL=2", "due", "every 2 weeks"),
        ("Pay rent every month on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1", "due", None),
        ("Team lunch every last friday", "FREQ=MONTHLY;BYDAY=-1FR", "due", "every last friday"),
        ("Water plants every! 3 days", "FREQ=DAILY;INTERVAL=3", "completion", "every! 3 days"),
        ("Dentist every year", "FREQ=YEARLY", "due", "every year"),
        ("Bins every other week", "FREQ=WEEKLY;INTERVAL=2", "due", "every other week"),
    ],
)
def test_it_reads_quick_add_repeat_phrases(text, rule, repeat_from, phrase):
    found = parse_every(text)

    assert found is not None
    assert found[:2] == (rule, repeat_from)
    start, end = found[2]
    assert text[start:end] == (phrase or "every month on the 1st")


@pytest.mark.parametrize(
    "text", ["Everyday carry", "every 0 days", "every", "everyone every", "every month on the 40th"]
)
def test_it_finds_no_repeat_where_there_is_none(text):
    assert parse_every(text) is None


def test_every_parsed_rule_is_one_dateutil_iterates_the_same_way():
    start = D(2026, 12, 1)
    for phrase in ["every day", "every weekday", "every monday", "every last friday"]:
        rule = parse_every(phrase)[0]
        ours = recurrence.first_on_or_after(rule, start)
        assert (
            recurrence.as_dateutil(rule, start)
            .after(dt.datetime.combine(start, dt.time.min), inc=True)
            .date()
            == ours
        )


# --- presets and words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "rule", "words"),
    [
        ({"preset": "daily"}, "FREQ=DAILY", "Every day"),
        ({"preset": "daily", "interval": 3}, "FREQ=DAILY;INTERVAL=3", "Every 3 days"),
        ({"preset": "weekdays"}, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday"),
        ({"preset": "weekly"}, "FREQ=WEEKLY;BYDAY=TH", "Every Thursday"),
        (
            {"preset": "weekly", "interval": 2, "days": ["TH", "MO"]},
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
            "Every 2 weeks on Mon, Thu",
        ),
        ({"preset": "monthly"}, "FREQ=MONTHLY;BYMONTHDAY=3", "Every month on the 3rd"),
        (
            {"preset": "monthly", "monthly": "weekday"},
            "FREQ=MONTHLY;BYDAY=1TH",
            "Every month on the first Thursday",
        ),
        (
            {"preset": "monthly", "monthly": "last", "interval": 2},
            "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=-1",
            "Every 2 months on the last day",
        ),
        ({"preset": "yearly"}, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=3", "Every year on 3 Dec"),
        (
            {"preset": "daily", "ends": "after", "count": 5},
            "FREQ=DAILY;COUNT=5",
            "Every day, 5 times",
        ),
        (
            {"preset": "daily", "ends": "on", "until": D(2027, 1, 31)},
            "FREQ=DAILY;UNTIL=20270131",
            "Every day, until Sun 31 Jan 2027",
        ),
    ],
)
def test_it_builds_and_describes_the_form_presets(kwargs, rule, words):
    preset = kwargs.pop("preset")
    built = build(preset, anchor=D(2026, 12, 3), **kwargs)  # a Thursday

    assert built == rule
    assert describe(built) == words
    assert recurrence.is_valid(built)


def test_the_nth_weekday_preset_says_last_in_the_months_last_week():
    assert build("monthly", monthly="weekday", anchor=D(2026, 12, 25)) == "FREQ=MONTHLY;BYDAY=-1FR"


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=HOURLY",
        "FREQ=DAILY;BYHOUR=9",
        "FREQ=DAILY;COUNT=2;UNTIL=20270101",
        "FREQ=WEEKLY;BYDAY=2MO",
        "FREQ=DAILY;INTERVAL=0",
        "garbage",
    ],
)
def test_it_refuses_rules_it_cannot_store(text):
    assert not recurrence.is_valid(text)


# --- the next occurrence -------------------------------------------------------------------


def nxt(rule, due, completed_on=None, repeat_from="due", completions=0):
    return next_due(
        rule,
        due=due,
        repeat_from=repeat_from,
        completed_on=completed_on or due,
        completions=completions,
    )


def test_monthly_on_the_31st_skips_months_without_one_as_rfc_5545_says():
    assert nxt("FREQ=MONTHLY;BYMONTHDAY=31", D(2027, 1, 31)) == D(2027, 3, 31)
    assert nxt("FREQ=MONTHLY;BYMONTHDAY=31", D(2027, 3, 31)) == D(2027, 5, 31)


def test_the_last_day_of_the_month_lands_on_the_30th_and_the_28th():
    rule = "FREQ=MONTHLY;BYMONTHDAY=-1"
    assert nxt(rule, D(2027, 1, 31)) == D(2027, 2, 28)
    assert nxt(rule, D(2027, 2, 28)) == D(2027, 3, 31)
    assert nxt(rule, D(2027, 3, 31)) == D(2027, 4, 30)
    assert nxt(rule, D(2028, 1, 31)) == D(2028, 2, 29)  # a leap year


def test_yearly_on_29_february_comes_back_in_the_next_leap_year():
    assert nxt("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", D(2028, 2, 29)) == D(2032, 2, 29)


def test_repeating_from_completion_counts_from_the_day_it_was_done():
    rule = "FREQ=DAILY;INTERVAL=3"
    assert nxt(rule, D(2026, 12, 1), D(2026, 12, 5), repeat_from="completion") == D(2026, 12, 8)
    assert nxt(rule, D(2026, 12, 1), D(2026, 12, 5)) == D(2026, 12, 7)  # from the due date


def test_a_late_completion_skips_the_occurrences_already_past():
    assert nxt("FREQ=DAILY", D(2026, 12, 1), D(2026, 12, 5)) == D(2026, 12, 5)
    assert nxt("FREQ=WEEKLY;BYDAY=MO", D(2026, 11, 30), D(2026, 12, 9)) == D(2026, 12, 14)


def test_the_series_ends_after_n_completions_and_on_its_until_date():
    assert nxt("FREQ=DAILY;COUNT=3", D(2026, 12, 1), completions=1) == D(2026, 12, 2)
    assert nxt("FREQ=DAILY;COUNT=3", D(2026, 12, 2), completions=2) is None
    assert nxt("FREQ=DAILY;UNTIL=20261202", D(2026, 12, 1)) == D(2026, 12, 2)
    assert nxt("FREQ=DAILY;UNTIL=20261202", D(2026, 12, 2)) is None


@pytest.mark.django_db
def test_a_due_time_keeps_its_wall_clock_across_a_dst_change(alice, make_task):
    """Europe/Berlin leaves summer time on 25 Oct 2026: 09:00 stays 09:00, one hour later in UTC."""
    task = make_task(
        alice, "Stand-up", due_date=D(2026, 10, 24), due_time=dt.time(9), recurrence="FREQ=DAILY"
    )
    with timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        before = task.due_at
        task.due_date = nxt(task.recurrence, task.due_date)
        after = task.due_at

    assert task.due_date == D(2026, 10, 25)
    assert (before.hour, after.hour) == (9, 9)
    assert before.astimezone(dt.UTC).hour == 7 and after.astimezone(dt.UTC).hour == 8
    assert after.astimezone(dt.UTC) - before.astimezone(dt.UTC) == dt.timedelta(hours=25)


# --- completing a repeating task ------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def weekly(alice, make_task, today):
    code = recurrence.DAYS[today.weekday()]
    return make_task(
        alice,
        "Weekly review",
        due_date=today,
        due_time=dt.time(16, 30),
        recurrence=f"FREQ=WEEKLY;BYDAY={code}",
        status=Status.IN_PROGRESS,
    )


def next_text(day):
    """The toast names the task, then its next occurrence: "“Water plants” — next: Tue 15 Dec"."""
    return f"— next: {day:%a} {day.day} {day:%b}"


@pytest.mark.django_db
def test_completing_it_records_the_completion_and_moves_it_to_the_next_occurrence(
    alice_client, weekly, today
):
    response = alice_client.post(f"/task/{weekly.pk}/toggle/", {"occurrence": today.isoformat()})

    assert response.status_code == 302
    task = Task.objects.get(pk=weekly.pk)
    assert task.due_date == today + dt.timedelta(days=7)
    assert (task.status, task.completed_at, task.version) == (Status.PENDING, None, 2)
    assert task.due_time == dt.time(16, 30)
    done = TaskCompletion.objects.get(task=task)
    assert (done.due_date, done.due_time, done.next_due_date) == (
        today,
        dt.time(16, 30),
        task.due_date,
    )
    page = alice_client.get("/").content.decode()
    assert next_text(task.due_date) in page
    assert f"/task/{task.pk}/completions/{done.pk}/undo/" in page


@pytest.mark.django_db
def test_htmx_completion_answers_the_moved_row_and_a_toast_with_undo(alice_client, weekly, today):
    response = alice_client.post(
        f"/task/{weekly.pk}/toggle/", {"occurrence": today.isoformat()}, **HTMX
    )

    assert response.status_code == 200
    assert row_ids(response) == [weekly.pk]
    moved = today + dt.timedelta(days=7)
    assert f'<time datetime="{moved:%Y-%m-%d}T16:30">' in response.content.decode()
    toasts = oob_toasts(response)
    assert next_text(moved) in toasts
    assert "data-undo" in toasts and "/completions/" in toasts


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_undo_restores_the_exact_previous_state(alice_client, weekly, today, headers):
    before = Task.objects.get(pk=weekly.pk)
    alice_client.post(f"/task/{weekly.pk}/toggle/", {"occurrence": today.isoformat()})
    done = TaskCompletion.objects.get(task=weekly)

    response = alice_client.post(f"/task/{weekly.pk}/completions/{done.pk}/undo/", **headers)

    assert response.status_code == (200 if headers else 302)
    after = Task.objects.get(pk=weekly.pk)
    fields = ["due_date", "due_time", "status", "completed_at", "version", "recurrence"]
    assert [getattr(after, f) for f in fields] == [getattr(before, f) for f in fields]
    assert not TaskCompletion.objects.filter(task=weekly).exists()
    if headers:
        assert weekly.pk in row_ids(response)
        assert "Completion undone" in oob_toasts(response)


@pytest.mark.django_db
def test_undo_refuses_once_the_task_changed_since(alice_client, weekly, today):
    alice_client.post(f"/task/{weekly.pk}/toggle/", {"occurrence": today.isoformat()})
    done = TaskCompletion.objects.get(task=weekly)
    task = Task.objects.get(pk=weekly.pk)
    task.title = "Renamed meanwhile"
    assert task.save_if_current(task.version, ["title"])

    alice_client.post(f"/task/{weekly.pk}/completions/{done.pk}/undo/")

    kept = Task.objects.get(pk=weekly.pk)
    assert (kept.title, kept.due_date) == ("Renamed meanwhile", today + dt.timedelta(days=7))
    assert TaskCompletion.objects.filter(pk=done.pk).exists()
    assert "Not undone" in alice_client.get("/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_another_users_undo_is_a_404(client, bob, weekly, today, headers):
    alice = weekly.user
    owner = Client()
    owner.force_login(alice)
    owner.post(f"/task/{weekly.pk}/toggle/", {"occurrence": today.isoformat()})
    done = TaskCompletion.objects.get(task=weekly)
    client.force_login(bob)

    response = client.post(f"/task/{weekly.pk}/completions/{done.pk}/undo/", **headers)

    assert response.status_code == 404
    assert TaskCompletion.objects.filter(pk=done.pk).exists()


@pytest.mark.django_db
def test_a_press_for_an_occurrence_already_completed_changes_nothing(alice_client, weekly, today):
    alice_client.post(f"/task/{weekly.pk}/toggle/", {"occurrence": today.isoformat()})

    alice_client.post(f"/task/{weekly.pk}/toggle/", {"occurrence": today.isoformat()})

    task = Task.objects.get(pk=weekly.pk)
    assert task.due_date == today + dt.timedelta(days=7) and task.version == 2
    assert TaskCompletion.objects.filter(task=weekly).count() == 1


@pytest.mark.django_db
def test_ends_after_n_counts_completions_and_the_last_completes_it(
    alice_client, alice, make_task, today
):
    task = make_task(alice, "Three pills", due_date=today, recurrence="FREQ=DAILY;COUNT=3")

    for n in range(3):
        due = Task.objects.get(pk=task.pk).due_date
        assert due == today + dt.timedelta(days=n)
        alice_client.post(f"/task/{task.pk}/toggle/", {"occurrence": due.isoformat()})

    task.refresh_from_db()
    assert task.status == Status.COMPLETED and task.completed_at is not None
    assert task.due_date == today + dt.timedelta(days=2)
    assert TaskCompletion.objects.filter(task=task).count() == 3
    assert "Completed “Three pills”" in alice_client.get("/").content.decode()


@pytest.mark.django_db
def test_reopening_the_finished_series_removes_its_last_completion(
    alice_client, alice, make_task, today
):
    task = make_task(alice, "Once more", due_date=today, recurrence="FREQ=DAILY;COUNT=1")
    alice_client.post(f"/task/{task.pk}/toggle/")
    assert Task.objects.get(pk=task.pk).is_completed

    alice_client.post(f"/task/{task.pk}/toggle/")

    assert Task.objects.get(pk=task.pk).status == Status.PENDING
    assert not TaskCompletion.objects.filter(task=task).exists()


@pytest.mark.django_db
def test_repeat_from_completion_moves_from_today(alice_client, alice, make_task, today):
    task = make_task(
        alice,
        "Water plants",
        due_date=today - dt.timedelta(days=10),
        recurrence="FREQ=DAILY;INTERVAL=3",
        repeat_from=RepeatFrom.COMPLETION,
    )

    alice_client.post(f"/task/{task.pk}/toggle/")

    assert Task.objects.get(pk=task.pk).due_date == today + dt.timedelta(days=3)


@pytest.mark.django_db
def test_the_task_page_lists_completed_occurrences(alice_client, weekly, today):
    alice_client.post(f"/task/{weekly.pk}/toggle/", {"occurrence": today.isoformat()})

    page = alice_client.get(f"/task/{weekly.pk}/")

    history = find(page, "section", class_="completion-history")
    assert history is not None
    assert "Due Today 16:30: completed" in history.text  # one date formatter: tasks.dates
    assert "Every " in page.content.decode()


@pytest.mark.django_db
def test_the_row_sends_the_occurrence_it_shows(alice_client, weekly, today):
    html = alice_client.get("/").content.decode()

    assert f'name="occurrence" value="{today:%Y-%m-%d}"' in html
    assert "bi-arrow-repeat" in html


@pytest.mark.django_db
def test_completion_queries_stay_constant_with_history(
    alice_client, weekly, today, django_assert_max_num_queries
):
    for _ in range(5):
        TaskCompletion.objects.create(
            task=weekly, due_date=today, previous_status="pending", previous_version=1
        )
    with django_assert_max_num_queries(15) as ctx:
        alice_client.post(f"/task/{weekly.pk}/toggle/", {"occurrence": today.isoformat()}, **HTMX)
    few = len(ctx.captured_queries)
    for _ in range(40):
        TaskCompletion.objects.create(
            task=weekly, due_date=today, previous_status="pending", previous_version=1
        )
    due = Task.objects.get(pk=weekly.pk).due_date
    with django_assert_max_num_queries(few) as ctx:
        alice_client.post(f"/task/{weekly.pk}/toggle/", {"occurrence": due.isoformat()}, **HTMX)
    assert len(ctx.captured_queries) == few


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="races are run on PostgreSQL")
def test_two_presses_at_once_advance_the_task_once(alice, make_task, today):
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(alice)
    for n in range(20):
        task = make_task(alice, f"Round {n}", due_date=today, recurrence="FREQ=DAILY")
        data = {"occurrence": today.isoformat()}
        url = f"/task/{task.pk}/toggle/"

        codes = at_once(*(lambda c=c, u=url, d=data: c.post(u, d).status_code for c in clients))

        assert codes == [302, 302]
        task.refresh_from_db()
        assert task.due_date == today + dt.timedelta(days=1) and task.version == 2
        assert TaskCompletion.objects.filter(task=task).count() == 1


# --- the full-page form's presets ----------------------------------------------------------


def form_data(**changes):
    data = {
        "title": "Review",
        "description": "",
        "priority": "medium",
        "status": "pending",
        "due_date": "2030-12-05",  # a Thursday
        "due_time": "",
        "recurrence": "",
        "repeat": "",
        "repeat_interval": "1",
        "repeat_monthly": "day",
        "repeat_ends": "never",
        "repeat_until": "",
        "repeat_count": "",
        "repeat_from": "due",
    }
    return data | changes


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "rule", "repeat_from"),
    [
        ({"repeat": "weekly", "repeat_days": ["MO", "TH"]}, "FREQ=WEEKLY;BYDAY=MO,TH", "due"),
        ({"repeat": "weekdays"}, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "due"),
        (
            {"repeat": "daily", "repeat_interval": "3", "repeat_from": "completion"},
            "FREQ=DAILY;INTERVAL=3",
            "completion",
        ),
        ({"repeat": "monthly", "repeat_monthly": "weekday"}, "FREQ=MONTHLY;BYDAY=1TH", "due"),
        (
            {"repeat": "monthly", "repeat_ends": "after", "repeat_count": "6"},
            "FREQ=MONTHLY;BYMONTHDAY=5;COUNT=6",
            "due",
        ),
        (
            {"repeat": "yearly", "repeat_ends": "on", "repeat_until": "2035-01-01"},
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=5;UNTIL=20350101",
            "due",
        ),
        ({"repeat": ""}, "", "due"),
    ],
)
def test_the_form_stores_the_chosen_preset_as_an_rrule(
    alice_client, alice, changes, rule, repeat_from
):
    response = alice_client.post("/task/new/", form_data(**changes))

    assert response.status_code == 302
    task = Task.objects.get(user=alice)
    assert (task.recurrence, task.repeat_from) == (rule, repeat_from)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"repeat": "daily", "repeat_ends": "on"}, "Choose the date the repeats end on."),
        ({"repeat": "daily", "repeat_ends": "after"}, "Say how many times it repeats."),
        (
            {"repeat": "daily", "repeat_ends": "on", "repeat_until": "2030-01-01"},
            "The end date is before the due date.",
        ),
        ({"repeat": "hourly"}, "Select a valid choice."),
        ({"repeat": "daily", "repeat_interval": "0"}, "greater than or equal to 1"),
    ],
)
def test_the_form_explains_a_bad_repeat(alice_client, alice, changes, message):
    response = alice_client.post("/task/new/", form_data(**changes))

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Task.objects.filter(user=alice).exists()


@pytest.mark.django_db
def test_a_repeating_task_without_a_date_starts_on_its_first_occurrence(alice_client, alice, today):
    alice_client.post("/task/new/", form_data(due_date="", repeat="daily"))

    assert Task.objects.get(user=alice).due_date == today


@pytest.mark.django_db
def test_the_edit_form_opens_on_the_tasks_preset(alice_client, alice, make_task):
    task = make_task(
        alice, due_date=D(2030, 12, 5), recurrence="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"
    )

    page = alice_client.get(f"/task/{task.pk}/edit/")

    assert "selected" in find(page, "option", value="weekly").attrs
    assert find(page, "input", name="repeat_interval")["value"] == "2"
    days = find_all(page, "input", name="repeat_days")
    assert [i["value"] for i in days if "checked" in i.attrs] == ["MO", "TH"]


@pytest.mark.django_db
def test_a_rule_the_presets_cannot_show_is_kept_on_save(alice_client, alice, make_task):
    task = make_task(alice, due_date=D(2030, 12, 5), recurrence="FREQ=MONTHLY;BYDAY=-1FR")

    page = alice_client.get(f"/task/{task.pk}/edit/")
    assert "Keep: Every month on the last Friday" in page.content.decode()
    data = form_data(
        title="Renamed", repeat="keep", recurrence=task.recurrence, version=task.version
    )
    alice_client.post(f"/task/{task.pk}/edit/", data)

    saved = Task.objects.get(pk=task.pk)
    assert (saved.title, saved.recurrence) == ("Renamed", "FREQ=MONTHLY;BYDAY=-1FR")


@pytest.mark.django_db
def test_the_inline_editor_leaves_the_rule_alone(alice_client, alice, make_task):
    task = make_task(alice, due_date=D(2030, 12, 5), recurrence="FREQ=DAILY")
    data = {
        "title": "Inline",
        "description": "",
        "priority": "medium",
        "status": "pending",
        "due_date": "2030-12-05",
        "due_time": "",
        "version": task.version,
    }

    alice_client.post(f"/task/{task.pk}/edit/", data, **HTMX)

    assert Task.objects.get(pk=task.pk).recurrence == "FREQ=DAILY"
