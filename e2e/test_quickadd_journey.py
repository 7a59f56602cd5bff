"""Journey: quick add understands words. Typing shows chips rendered by the server; removing a
chip (its close button or Backspace) keeps the word as text; escapes keep words literal; the
saved task has the date, priority, tags and project; without JavaScript the same parsing happens
on submit."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row, task_rows
from tasks.models import Project, Task

PHRASE = "Pay rent tomorrow !high #home +Finance"


def chips(page):
    return page.get_by_role("list", name="Recognized in the new task").get_by_role("listitem")


def tomorrow_label() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).strftime("Due %a %-d %b")


@pytest.fixture
def finance(user):
    return Project.objects.create(user=user, name="Finance", position=1)


def test_it_shows_chips_while_typing_and_saves_what_they_show(board, user, finance):
    open_board(board)
    field = board.get_by_role("textbox", name="New task")

    field.press_sequentially(PHRASE, delay=5)

    expect(chips(board)).to_have_text(
        [tomorrow_label(), "High", "#home", "Finance"], use_inner_text=True
    )
    expect(board.locator("#quick-summary")).to_have_text(
        f"Recognized: {tomorrow_label()}, High, #home, Finance"
    )
    field.press("Enter")

    expect(task_rows(board)).to_have_count(1)
    task = Task.objects.get(user=user)
    assert (task.title, task.priority, task.project) == ("Pay rent", "high", finance)
    assert list(task.tags.values_list("name", flat=True)) == ["home"]
    assert task.due_date == timezone.localdate() + dt.timedelta(days=1)
    new_row = row(board, task)
    expect(new_row).to_contain_text("Pay rent")
    expect(new_row).to_contain_text("High")
    expect(new_row.locator("time")).to_have_attribute("datetime", task.due_date.isoformat())
    expect(field).to_have_value("")
    expect(chips(board)).to_have_count(0)
    assert_no_reload(board)


def test_it_keeps_a_word_as_text_when_its_chip_is_removed(board, user):
    open_board(board)
    field = board.get_by_role("textbox", name="New task")
    field.fill("Call mom friday !h")
    expect(chips(board)).to_have_count(2)

    # The close button of the date chip: the word goes back into the title, escaped.
    board.get_by_role("button", name="Keep “friday” as text").click()

    expect(field).to_have_value("Call mom \\friday !h")
    expect(field).to_be_focused()
    expect(chips(board)).to_have_text(["High"], use_inner_text=True)
    # The preview of the rewritten text has come back (chips describe the text they came from).
    recognized = board.get_by_role("list", name="Recognized in the new task")
    expect(recognized).to_have_attribute("data-source", "Call mom \\friday !h")

    # Backspace at the end of the field, right after a recognized token: the same.
    field.press("End")
    field.press("Backspace")

    expect(field).to_have_value("Call mom \\friday \\!h")
    expect(chips(board)).to_have_count(0)
    field.press("Enter")

    expect(task_rows(board)).to_have_count(1)
    task = Task.objects.get(user=user)
    assert task.title == "Call mom friday !h"
    assert task.due_date is None
    assert task.priority == "medium"


def test_it_keeps_escaped_and_quoted_words_literal(board, user):
    open_board(board)
    field = board.get_by_role("textbox", name="New task")

    field.fill('Read \\tomorrow magazine "next week" in 3 days')

    expect(chips(board)).to_have_count(1)
    field.press("Enter")
    expect(task_rows(board)).to_have_count(1)
    task = Task.objects.get(user=user)
    assert task.title == "Read tomorrow magazine next week"
    assert task.due_date == timezone.localdate() + dt.timedelta(days=3)


def test_it_asks_before_creating_a_new_project(board, user):
    open_board(board)
    field = board.get_by_role("textbox", name="New task")
    field.fill("Dig beds +Garden")
    expect(chips(board)).to_have_text(["New project: Garden"], use_inner_text=True)

    field.press("Enter")

    confirm = board.get_by_role("button", name="Create project “Garden” and add the task")
    expect(confirm).to_be_visible()
    assert not Task.objects.filter(user=user).exists()
    confirm.click()

    expect(task_rows(board)).to_have_count(1)
    task = Task.objects.get(user=user)
    assert (task.title, task.project.name) == ("Dig beds", "Garden")


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844}, is_mobile=True)
def test_it_shows_chips_at_phone_width_and_stays_accessible(board, user, finance):
    open_board(board)
    board.get_by_role("textbox", name="New task").fill(PHRASE + " +Garden")
    expect(chips(board)).to_have_count(4)
    expect(chips(board).last).to_be_in_viewport()

    results = Axe().run(board)

    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


def test_it_is_accessible_with_chips_shown(board, user, finance):
    open_board(board)
    board.get_by_role("textbox", name="New task").fill(PHRASE)
    expect(chips(board)).to_have_count(4)

    results = Axe().run(board)

    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


def test_it_parses_the_words_on_submit_without_javascript(new_context, login, user, finance):
    context = new_context(java_script_enabled=False)
    login(context, user)
    page = context.new_page()
    page.goto("/")

    page.get_by_role("textbox", name="New task").fill(PHRASE)
    page.get_by_role("button", name="Add task").click()

    expect(page).to_have_url(re.compile(r"/$"))
    task = Task.objects.get(user=user)
    assert (task.title, task.priority, task.project) == ("Pay rent", "high", finance)
    assert list(task.tags.values_list("name", flat=True)) == ["home"]
    expect(row(page, task)).to_contain_text("Pay rent")

    # A new project: a page asks first, and its button creates it.
    page.get_by_role("textbox", name="New task").fill("Dig beds +Garden")
    page.get_by_role("button", name="Add task").click()
    expect(page.get_by_role("heading", name="Quick add")).to_be_visible()
    expect(chips(page)).to_have_text(["New project: Garden"], use_inner_text=True)
    # Its close button needs the script: hidden rather than a button that does nothing.
    expect(page.get_by_role("button", name="Keep “+Garden” as text")).to_be_hidden()
    page.get_by_role("button", name="Create project “Garden” and add the task").click()

    expect(page).to_have_url(re.compile(r"/$"))
    assert Task.objects.get(user=user, title="Dig beds").project.name == "Garden"
