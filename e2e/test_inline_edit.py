"""Journey: edit a task in place; Enter saves, Escape cancels, focus comes back to the task."""

import pytest
from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row, task_rows
from tasks.models import Priority, Status


@pytest.fixture
def three_tasks(user, make_task):
    # Created oldest first; the board lists newest first: Third, Second, First.
    return [make_task(user, title) for title in ("First", "Second", "Third")]


def row_ids(page):
    return task_rows(page).evaluate_all("rows => rows.map(r => r.id)")


def row_html(page, task):
    """The row's markup minus what legitimately differs per response or per focus.

    Hidden inputs carry a fresh CSRF mask each render, and the roving tabindex follows focus.
    """
    return row(page, task).evaluate(
        """el => {
            const copy = el.cloneNode(true);
            copy.querySelectorAll("input[type=hidden]").forEach((input) => input.remove());
            copy.removeAttribute("tabindex");
            return copy.outerHTML;
        }"""
    )


def test_it_saves_an_inline_edit_with_enter(board, three_tasks):
    second = three_tasks[1]
    open_board(board)
    before = row_ids(board)

    row(board, second).get_by_role("button", name="Edit").click()
    form = board.get_by_role("form", name="Edit task")
    title = form.get_by_role("textbox", name="Title")
    expect(title).to_be_focused()
    # The whole title is selected, so typing replaces it.
    assert title.evaluate("el => el.value.slice(el.selectionStart, el.selectionEnd)") == "Second"
    expect(form.get_by_label("Priority")).to_be_visible()
    expect(form.get_by_label("Status")).to_be_visible()
    expect(form.get_by_label("Due date")).to_be_visible()
    expect(form.get_by_role("button", name="Save")).to_be_visible()
    expect(form.get_by_role("link", name="Cancel")).to_be_visible()

    title.type("Second, renamed")
    form.get_by_label("Priority").select_option("high")
    form.get_by_label("Status").select_option("in_progress")
    form.get_by_label("Due date").fill("2031-05-17")
    title.press("Enter")

    expect(form).to_have_count(0)
    expect(row(board, second)).to_contain_text("Second, renamed")
    expect(row(board, second)).to_contain_text("High")
    expect(row(board, second)).to_contain_text("In progress")
    expect(row(board, second)).to_be_focused()
    assert row_ids(board) == before
    second.refresh_from_db()
    assert (second.title, second.priority, second.status, str(second.due_date)) == (
        "Second, renamed",
        Priority.HIGH,
        Status.IN_PROGRESS,
        "2031-05-17",
    )
    assert second.version == 2
    assert_no_reload(board)


def test_it_cancels_an_inline_edit_with_escape_and_changes_nothing(board, three_tasks):
    second = three_tasks[1]
    open_board(board)
    before_html = row_html(board, second)
    before = row_ids(board)

    row(board, second).get_by_role("button", name="Edit").click()  # the title opens its page
    title = board.get_by_role("form", name="Edit task").get_by_role("textbox", name="Title")
    expect(title).to_be_focused()
    title.fill("Something else entirely")
    title.press("Escape")

    expect(board.get_by_role("form", name="Edit task")).to_have_count(0)
    expect(row(board, second)).to_be_focused()
    expect(row(board, second).get_by_role("link", name="Second")).to_be_visible()
    assert row_ids(board) == before
    assert row_html(board, second) == before_html
    second.refresh_from_db()
    assert (second.title, second.version) == ("Second", 1)
    assert_no_reload(board)


def test_it_cancels_with_the_cancel_button(board, three_tasks):
    first = three_tasks[0]
    open_board(board)

    row(board, first).get_by_role("button", name="Edit").click()
    form = board.get_by_role("form", name="Edit task")
    form.get_by_role("textbox", name="Title").fill("Not kept")
    form.get_by_role("link", name="Cancel").click()

    expect(form).to_have_count(0)
    expect(row(board, first)).to_be_focused()
    expect(row(board, first)).to_contain_text("First")
    first.refresh_from_db()
    assert first.title == "First"
    assert_no_reload(board)


def test_it_keeps_only_one_task_in_edit_mode(board, three_tasks):
    first, _, third = three_tasks
    open_board(board)
    before = row_ids(board)

    row(board, first).get_by_role("button", name="Edit").click()
    expect(row(board, first).get_by_role("form", name="Edit task")).to_be_visible()
    row(board, first).get_by_role("textbox", name="Title").fill("Abandoned change")
    row(board, third).get_by_role("button", name="Edit").click()

    expect(row(board, third).get_by_role("textbox", name="Title")).to_be_focused()
    expect(board.get_by_role("form", name="Edit task")).to_have_count(1)
    expect(row(board, first).get_by_role("link", name="First")).to_be_visible()
    assert row_ids(board) == before
    first.refresh_from_db()
    assert first.title == "First"
    assert_no_reload(board)
