"""Journey: what changed is announced, controls name their task, headings outline the board.

Issue 10, items 22 (announcements and the page title), 23 (unique names) and 25 (headings).
"""

import re

from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, open_filters, row
from tasks.models import Status


def test_it_announces_the_number_of_tasks_and_retitles_the_page_after_a_filter(
    board, user, make_task
):
    make_task(user, "Buy milk")
    make_task(user, "Buy bread")
    make_task(user, "Done already", status=Status.COMPLETED)
    open_board(board)
    announcer = board.locator("[aria-live='polite']:not([role])")
    expect(board).to_have_title("All tasks · taskmanager")

    open_filters(board)
    board.get_by_label("Status").select_option("completed")
    expect(announcer).to_have_text("1 task")
    expect(board).to_have_title(re.compile(r"^All tasks, filtered"))

    board.get_by_label("Status").select_option("")
    board.get_by_role("searchbox", name="Search tasks").fill("buy")
    expect(announcer).to_have_text("2 tasks")
    expect(board).to_have_title(re.compile(r"“buy”"))
    assert_no_reload(board)


def test_it_announces_the_error_of_a_blank_quick_add(board):
    open_board(board)

    board.get_by_role("textbox", name="New task").press("Enter")

    expect(board.get_by_role("alert")).to_have_text("Give the task a title.")


def test_it_names_each_control_after_its_task(board, user, make_task):
    milk = make_task(user, "Buy milk")
    make_task(user, "Buy bread")
    open_board(board)

    for role, name in [
        ("checkbox", "Completed: Buy milk"),
        ("button", "Edit Buy milk"),
        ("button", "Delete Buy milk"),
    ]:
        control = board.get_by_role(role, name=name, exact=True)
        expect(control).to_have_count(1)
        expect(row(board, milk).get_by_role(role, name=name, exact=True)).to_be_visible()


def test_it_outlines_the_board_with_a_visible_h1_and_a_heading_per_region(board):
    open_board(board)

    # The h1 names the scope (issue 12); the sidebar's own headings are outlined beside the list.
    expect(board.get_by_role("heading", level=1)).to_have_text("All tasks")
    expect(board.get_by_role("heading", level=1)).to_be_visible()
    regions = board.locator(".board-main").get_by_role("heading", level=2)
    expect(regions).to_have_text(["Add a task", "Filter tasks", "Task list"])
