"""The calm board (issue 24): defaults are not badges, one Filter menu with removable chips, an
account menu in the header, one date formatter, no priority by default (sorted last), a new
account's three lines to try, and the demo that shows the product."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client

from tasks import dates
from tasks.filters import BoardView
from tasks.models import Priority, Project, SavedView, Section, Status, Task
from tasks.templatetags.tasks_extras import filter_chips
from tests.conftest import HTMX, row_ids
from tests.html import find, find_all


def row(response, task):
    return find(response, "li", id=f"task-{task.pk}")


# --- rows -----------------------------------------------------------------------------------


def test_a_row_shows_no_badge_for_the_defaults(alice_client, alice):
    plain = Task.objects.create(user=alice, title="Plain")
    busy = Task.objects.create(
        user=alice, title="Busy", priority=Priority.HIGH, status=Status.IN_PROGRESS
    )

    response = alice_client.get("/")

    assert row(response, plain).find(class_="task-meta").text == ""
    meta = row(response, busy).find(class_="task-meta").text
    assert "High priority" in meta and "In progress" in meta
    assert "Pending" not in row(response, plain).text


def test_a_row_has_one_complete_control_and_a_select_box(alice_client, alice):
    task = Task.objects.create(user=alice, title="One")

    li = row(alice_client.get("/"), task)

    assert len(li.find_all(role="checkbox")) == 1
    assert li.find("input", type="checkbox", form="bulk-form")["aria-label"] == "Select One"


def test_rows_and_cards_share_the_meta_template(alice_client, alice, today):
    task = Task.objects.create(
        user=alice, title="Due", due_date=today, due_time=dt.time(17, 0), priority=Priority.LOW
    )

    listed = row(alice_client.get("/"), task).find(id=f"task-{task.pk}-meta").text
    card = row(alice_client.get("/?layout=board"), task).find(id=f"task-{task.pk}-meta").text

    assert "Today 17:00" in listed and "Today 17:00" in card
    assert "Low priority" in listed and "Low priority" in card


def test_new_tasks_have_no_priority_and_sort_below_low(alice_client, alice):
    alice_client.post("/task/new/", {"title": "Quick", "quick": "1"})
    quick = Task.objects.get(title="Quick")
    low = Task.objects.create(user=alice, title="Low", priority=Priority.LOW)
    high = Task.objects.create(user=alice, title="High", priority=Priority.HIGH)

    assert quick.priority == Priority.NONE
    assert row_ids(alice_client.get("/", {"sort": "priority"})) == [high.pk, low.pk, quick.pk]
    assert row_ids(alice_client.get("/", {"q": "p:none"})) == [quick.pk]


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "at", "text"),
    [
        (dt.date(2026, 12, 11), dt.time(17, 0), "Today 17:00"),
        (dt.date(2026, 12, 12), None, "Tomorrow"),
        (dt.date(2026, 12, 10), None, "Yesterday"),
        (dt.date(2026, 12, 18), None, "Fri 18 Dec"),
        (dt.date(2026, 12, 25), dt.time(9, 5), "Fri 25 Dec 09:05"),
        (dt.date(2027, 1, 1), None, "Fri 1 Jan 2027"),
    ],
)
def test_one_formatter_writes_every_date(day, at, text):
    assert dates.when_text(day, at, today=dt.date(2026, 12, 11)) == text


def test_the_today_link_shows_todays_day_of_the_month(alice_client, today):
    response = alice_client.get("/")

    link = find(response, "a", href="/today/")
    assert link.find(class_="today-icon").text == str(today.day)


# --- the filter menu ------------------------------------------------------------------------


def test_the_filters_fold_into_one_menu_beside_the_search_box(alice_client):
    response = alice_client.get("/")

    tools = find(response, "div", class_="board-tools")
    menu = tools.find("details", id="filter-menu")
    for name in ("filter-status", "filter-priority", "filter-due", "filter-sort", "filter-hide"):
        assert menu.find(id=name) is not None
    assert tools.find("details", id="save-view") is not None
    assert tools.find("a", href="/search/syntax/") is not None
    assert tools.find("input", id="search") is not None


def test_active_filters_show_as_chips_that_remove_themselves():
    view = BoardView.from_query(
        {"status": "pending", "priority": "high", "hide": "completed", "q": "rent"}
    )

    chips = {chip["label"]: chip["query"] for chip in filter_chips(view)}

    assert chips == {
        "Status: Pending": "?q=rent&priority=high&hide=completed",
        "Priority: High": "?q=rent&status=pending&hide=completed",
        "Hide completed": "?q=rent&status=pending&priority=high",
    }


def test_every_filter_key_still_works_in_the_url(alice_client, alice, today):
    done = Task.objects.create(user=alice, title="done", status=Status.COMPLETED)
    due = Task.objects.create(user=alice, title="due", due_date=today, priority=Priority.HIGH)

    assert row_ids(alice_client.get("/", {"status": "completed"})) == [done.pk]
    assert row_ids(alice_client.get("/", {"priority": "high", "due": "today"})) == [due.pk]
    assert row_ids(alice_client.get("/", {"hide": "completed", "sort": "title"})) == [due.pk]


def test_a_list_read_brings_the_chips_and_the_layout_links_along(alice_client):
    response = alice_client.get("/", {"status": "pending"}, **HTMX)

    chips = find(response, "ul", id="filter-chips")
    assert chips["hx-swap-oob"] == "true"
    assert [a.text for a in chips.find_all("a")] == ["Remove filter Status: Pending"]
    assert find(response, "nav", id="layout-toggle")["hx-swap-oob"] == "true"


# --- header ---------------------------------------------------------------------------------


def test_the_account_links_are_one_menu_that_works_without_javascript(alice_client):
    response = alice_client.get("/")

    menu = find(response, "details", class_="account-menu")
    assert menu.find("summary")["aria-label"] == "Account: alice"
    assert [a.text for a in menu.find_all("a")] == ["Settings", "Change password"]
    assert menu.find("form", action="/accounts/logout/").find("button").text == "Log out"


def test_every_page_has_a_meta_description(alice_client):
    for response in (alice_client.get("/"), Client().get("/accounts/login/")):
        assert find(response, "meta", name="description")["content"]


# --- a new account and the demo -------------------------------------------------------------


def test_a_new_account_is_offered_three_lines_to_try(alice_client, alice):
    response = alice_client.get("/")

    forms = find_all(response, "form", action="/task/new/")
    lines = [f.find("input", name="title")["value"] for f in forms if f.find("code")]
    assert len(lines) == 3
    alice_client.post("/task/new/", {"title": lines[0], "quick": "1", "next": "/"})
    assert Task.objects.get().title == "Buy milk"
    assert not [f for f in find_all(alice_client.get("/"), "form") if f.find("code")]


def test_the_demo_shows_projects_sections_times_repeats_a_reminder_and_a_view(
    django_user_model, today
):
    from reminders.models import Reminder

    call_command("seed_demo", verbosity=0)
    demo = django_user_model.objects.get(username="demo")
    tasks = Task.objects.filter(user=demo)

    projects = Project.objects.filter(user=demo, is_inbox=False)
    assert len({p.colour for p in projects}) == 3
    assert Section.objects.filter(project__user=demo).count() == 3
    assert tasks.filter(due_date=today, due_time__isnull=False).exists()
    assert tasks.filter(due_date=today + dt.timedelta(days=1)).exists()
    assert tasks.filter(due_date=today + dt.timedelta(days=7)).exists()
    assert tasks.filter(due_date__lt=today).exclude(status=Status.COMPLETED).exists()
    assert tasks.exclude(recurrence="").exists()
    assert tasks.filter(tags__isnull=False).exists()
    reminder = Reminder.objects.get(task__user=demo, is_default=False)
    assert reminder.fire_at > reminder.created_at
    assert SavedView.objects.filter(user=demo).count() == 1
