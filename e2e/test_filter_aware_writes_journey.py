"""Journey: under a filter, a task that does not match the view is not shown in it, whichever
write put it there, and the toast says so with a way to show everything."""

import re

from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, open_filters, row, task_rows
from tasks.models import Status, Task


def test_quick_add_under_another_status_says_it_is_hidden_with_show_all(board, user, make_task):
    make_task(user, "Already done", status=Status.COMPLETED)
    open_board(board, "/?status=completed")
    expect(task_rows(board)).to_have_count(1)

    board.get_by_role("textbox", name="New task").fill("Buy milk")
    board.get_by_role("button", name="Add task").click()

    toasts = board.get_by_role("status")
    expect(toasts).to_contain_text("“Buy milk” — not shown under these filters.")
    expect(task_rows(board)).to_have_count(1)  # not inserted into the Completed list
    assert Task.objects.filter(user=user, title="Buy milk").exists()
    assert_no_reload(board)

    toasts.get_by_role("link", name="Show all").click()
    expect(board).to_have_url(re.compile(r"/$"))
    new = Task.objects.get(user=user, title="Buy milk")
    expect(row(board, new)).to_be_visible()


def test_an_inline_edit_that_leaves_the_filter_removes_the_row_like_x_does(board, user, make_task):
    task = make_task(user, "Water the plants")
    open_board(board, "/?status=pending")

    row(board, task).get_by_role("button", name="Edit").click()
    form = board.get_by_role("form", name="Edit task")
    form.get_by_label("Status").select_option("completed")
    form.get_by_role("button", name="Save").click()

    expect(row(board, task)).to_have_count(0)
    expect(board.get_by_role("status")).to_contain_text("not shown under these filters")
    assert Task.objects.get(pk=task.pk).status == Status.COMPLETED
    assert_no_reload(board)


def test_the_status_counts_filter_and_hide_completed_is_remembered(board, user, make_task):
    make_task(user, "Open task")
    done = make_task(user, "Done task", status=Status.COMPLETED)
    open_board(board)

    board.get_by_role("link", name="Completed 1").click()
    expect(board).to_have_url(re.compile(r"/\?status=completed$"))
    expect(board.get_by_role("link", name="Completed 1")).to_have_attribute("aria-current", "page")
    expect(task_rows(board)).to_have_count(1)

    board.get_by_role("link", name="All 2").click()
    open_filters(board)
    board.get_by_label("Hide completed").check()
    expect(row(board, done)).to_have_count(0)
    expect(board).to_have_url(re.compile(r"[?&]hide=completed"))
    board.reload()
    expect(board.get_by_label("Hide completed")).to_be_checked()
    expect(row(board, done)).to_have_count(0)
