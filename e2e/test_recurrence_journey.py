"""Journey: a weekly repeat set in the form, completed with x: the toast says "next: …", the
row shows the new date, Undo puts it back; due times on rows; the form with the repeat fields
is accessible (desktop and phone); completing works without JavaScript."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row
from tasks.models import Task, TaskCompletion

DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def shown(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def test_a_weekly_repeat_set_in_the_form_moves_on_when_completed_and_undo_brings_it_back(
    board, user, make_task
):
    today = timezone.localdate()
    task = make_task(user, "Weekly review", due_date=today)
    board.goto(f"/task/{task.pk}/edit/")
    board.get_by_label("Due time").fill("16:30")
    # The repeat controls fold into a Repeat disclosure while the task does not repeat.
    board.locator("summary", has_text="Repeat").click()
    board.get_by_label("Repeat", exact=True).select_option("weekly")
    board.get_by_label(DAY_NAMES[today.weekday()]).check()
    board.get_by_role("button", name="Save").click()
    expect(board).to_have_url(re.compile(r"/$"))
    task.refresh_from_db()
    assert task.recurrence.startswith("FREQ=WEEKLY;BYDAY=") and task.due_time == dt.time(16, 30)

    open_board(board)
    the_row = row(board, task)
    expect(the_row).to_contain_text(f"Every {DAY_NAMES[today.weekday()]}")
    expect(the_row.locator("time")).to_have_text("Today 16:30")
    board.keyboard.press("j")
    expect(the_row).to_be_focused()
    board.keyboard.press("x")

    following = today + dt.timedelta(days=7)
    expect(board.get_by_role("status")).to_contain_text(f"next: {shown(following)}")
    expect(row(board, task).locator("time")).to_contain_text(f"{following.day} {following:%b}")
    expect(row(board, task).get_by_role("checkbox", name="Completed")).not_to_be_checked()
    assert TaskCompletion.objects.filter(task=task).count() == 1

    board.get_by_role("status").get_by_role("button", name="Undo").click()

    expect(row(board, task).locator("time")).to_have_text("Today 16:30")
    expect(board.get_by_role("status")).to_contain_text("Completion undone")
    restored = Task.objects.get(pk=task.pk)
    assert (restored.due_date, restored.version) == (today, task.version)
    assert not TaskCompletion.objects.filter(task=task).exists()
    assert_no_reload(board)


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
    ids=["desktop", "phone"],
)
def test_the_form_with_the_repeat_fields_has_no_serious_axe_violations(board, viewport):
    board.set_viewport_size(viewport)
    board.goto("/task/new/")
    board.locator("summary", has_text="Repeat").click()
    expect(board.get_by_label("Repeat", exact=True)).to_be_visible()
    expect(board.get_by_label("Due time")).to_be_visible()

    results = Axe().run(board)

    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


def test_completing_a_repeating_task_works_without_javascript(new_context, login, user, make_task):
    today = timezone.localdate()
    task = make_task(user, "Daily stand-up", due_date=today, recurrence="FREQ=DAILY")
    context = new_context(java_script_enabled=False)
    login(context, user)
    page = context.new_page()
    page.goto("/")

    row(page, task).get_by_role("checkbox", name="Completed").click()

    following = today + dt.timedelta(days=1)
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text(f"next: {shown(following)}")
    assert Task.objects.get(pk=task.pk).due_date == following

    page.get_by_role("status").get_by_role("button", name="Undo").click()

    expect(page.get_by_role("status")).to_contain_text("Completion undone")
    assert Task.objects.get(pk=task.pk).due_date == today
