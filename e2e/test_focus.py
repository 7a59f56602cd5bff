"""Journey: a keyboard user always knows where focus is, and the Tab path stays short.

Issue 10, items 16 (Space on the checkbox), 21 (focus never falls to <body>) and 24 (one tab
stop for the list, arrows inside a row, a skip link to the pages, Undo right after the list).
"""

import pytest
from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row, task_rows
from tasks.models import Status


def assert_focus_not_on_body(page):
    assert page.evaluate("document.activeElement !== document.body")


def test_it_keeps_focus_on_the_checkbox_after_space(board, user, make_task):
    task = make_task(user, "Space bar")
    open_board(board)
    checkbox = row(board, task).get_by_role("checkbox", name="Completed")
    checkbox.focus()

    board.keyboard.press(" ")
    expect(checkbox).to_be_checked()
    expect(checkbox).to_be_focused()

    board.keyboard.press(" ")
    expect(checkbox).not_to_be_checked()
    expect(checkbox).to_be_focused()
    assert board.evaluate("window.scrollY") == 0
    assert_no_reload(board)


def test_it_moves_focus_to_a_listed_task_when_a_status_key_hides_the_focused_one(
    board, user, make_task
):
    done = make_task(user, "Done", status=Status.COMPLETED)
    todo = make_task(user, "Todo", status=Status.PENDING)
    open_board(board)
    board.keyboard.press("j")
    expect(row(board, todo)).to_be_focused()

    board.keyboard.press("4")

    expect(task_rows(board)).to_have_count(1)
    expect(row(board, done)).to_be_focused()
    assert_no_reload(board)


@pytest.fixture
def three_pages(user, make_task, settings):
    settings.TASKS_PAGE_SIZE = 2
    return [make_task(user, f"Task {n}") for n in range(5)]


def test_it_focuses_the_first_task_after_next_and_previous_page(board, three_pages):
    open_board(board)
    newest = row(board, three_pages[4])

    board.get_by_role("link", name="Next page").click()
    expect(row(board, three_pages[2])).to_be_focused()
    board.get_by_role("link", name="Previous page").click()
    expect(newest).to_be_focused()
    assert_no_reload(board)


def test_it_focuses_the_empty_state_after_deleting_the_last_task(board, user, make_task):
    task = make_task(user, "Last one")
    open_board(board)
    board.keyboard.press("j")

    board.keyboard.press("Delete")

    expect(row(board, task)).to_have_count(0)
    expect(board.get_by_text("No tasks")).to_be_focused()
    assert_no_reload(board)


def test_it_focuses_the_title_on_the_form_page_and_the_first_invalid_field_after_submit(board):
    board.goto("/task/new/")
    expect(board.get_by_role("textbox", name="Title")).to_be_focused()

    board.get_by_role("textbox", name="Title").fill("Has a title")
    # A date the browser's picker would refuse, as a browser without one could send it.
    due = board.get_by_role("textbox", name="Due date")
    due.evaluate("el => { el.type = 'text'; }")
    due.fill("2031-02-30")
    board.get_by_role("button", name="Add task").click()

    expect(board.get_by_role("textbox", name="Due date")).to_be_focused()
    expect(board.get_by_role("textbox", name="Due date")).to_have_attribute("aria-invalid", "true")


def test_it_makes_the_list_one_tab_stop_and_reaches_the_row_controls_with_arrows(
    board, three_pages
):
    open_board(board)
    first = three_pages[4]
    board.keyboard.press("j")
    expect(row(board, first)).to_be_focused()

    board.keyboard.press("ArrowRight")
    expect(row(board, first).get_by_role("checkbox", name="Completed")).to_be_focused()
    board.keyboard.press("ArrowRight")
    expect(row(board, first).get_by_role("link", name="Task 4")).to_be_focused()
    board.keyboard.press("ArrowLeft")
    board.keyboard.press("ArrowLeft")
    expect(row(board, first)).to_be_focused()

    # Tab leaves the list at once: the next stop is the next page, not the row's buttons.
    board.keyboard.press("Tab")
    expect(board.get_by_role("link", name="Next page")).to_be_focused()
    assert_no_reload(board)


def test_it_offers_a_skip_link_to_the_pages(board, three_pages):
    open_board(board)
    skip = board.get_by_role("link", name="Skip to pagination")

    skip.focus()
    board.keyboard.press("Enter")
    board.keyboard.press("Tab")

    expect(board.get_by_role("link", name="Next page")).to_be_focused()


def test_it_reaches_undo_with_one_tab_after_a_delete(board, user, make_task):
    kept = make_task(user, "Kept")
    gone = make_task(user, "Gone")
    open_board(board)
    board.keyboard.press("j")
    expect(row(board, gone)).to_be_focused()

    board.keyboard.press("Delete")
    expect(row(board, kept)).to_be_focused()
    board.keyboard.press("Tab")

    expect(board.get_by_role("status").get_by_role("button", name="Undo")).to_be_focused()
    assert_focus_not_on_body(board)
    assert_no_reload(board)
