"""Journey: typing in Search narrows the list live, the URL follows, Back restores it."""

import re

from playwright.sync_api import expect

from e2e.support import assert_no_reload, count_badge, open_board, open_filters, row, task_rows
from tasks.models import Priority


def test_it_filters_while_typing_and_restores_the_list_on_back(board, user, make_task):
    milk = make_task(user, "Buy milk")
    make_task(user, "Call the plumber")
    oat_milk = make_task(user, "Oat milk for the office", priority=Priority.HIGH)
    open_board(board)
    expect(task_rows(board)).to_have_count(3)

    search = board.get_by_role("searchbox", name="Search tasks")
    search.press_sequentially("milk")

    expect(task_rows(board)).to_have_count(2)
    expect(row(board, milk)).to_be_visible()
    expect(row(board, oat_milk)).to_be_visible()
    expect(board).to_have_url(re.compile(r"[?&]q=milk(&|$)"))
    # The counts describe all tasks, not the filtered view.
    expect(count_badge(board, "all")).to_have_text("3")

    open_filters(board)
    board.get_by_label("Priority").select_option("high")
    expect(task_rows(board)).to_have_count(1)
    expect(board).to_have_url(re.compile(r"priority=high"))

    board.go_back()
    expect(board).to_have_url(re.compile(r"[?&]q=milk(&|$)"))
    expect(task_rows(board)).to_have_count(2)
    expect(board.get_by_label("Priority")).to_have_value("")

    board.go_back()
    expect(task_rows(board)).to_have_count(3)
    expect(board.get_by_role("searchbox", name="Search tasks")).to_have_value("")
    # The page after Back is still fully working: the keyboard map and htmx both act.
    board.evaluate("document.activeElement.blur()")
    board.keyboard.press("j")
    expect(task_rows(board).first).to_be_focused()
    board.get_by_role("textbox", name="New task").fill("Added after going back")
    board.get_by_role("textbox", name="New task").press("Enter")
    expect(task_rows(board)).to_have_count(4)
    expect(board.get_by_role("button", name="Toggle dark mode")).to_be_visible()
    expect(board.get_by_role("button", name="Keyboard shortcuts")).to_be_visible()
    assert_no_reload(board)


def test_it_says_when_nothing_matches(board, user, make_task):
    make_task(user, "Buy milk")
    open_board(board)

    board.get_by_role("searchbox", name="Search tasks").press_sequentially("zebra")

    expect(task_rows(board)).to_have_count(0)
    expect(board.get_by_text("No tasks match these filters")).to_be_visible()
    expect(board).to_have_url(re.compile(r"q=zebra"))
    assert_no_reload(board)
