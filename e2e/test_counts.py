"""Journey: the status counts follow every change on the page, without a reload."""

from playwright.sync_api import expect

from e2e.support import assert_no_reload, count_badge, open_board, row
from tasks.models import Status


def expect_counts(page, all_, pending, in_progress, completed):
    for key, value in (
        ("all", all_),
        ("pending", pending),
        ("in_progress", in_progress),
        ("completed", completed),
    ):
        expect(count_badge(page, key)).to_have_text(str(value))


def test_it_updates_the_counts_after_each_change(board, user, make_task):
    task = make_task(user, "Existing", status=Status.PENDING)
    open_board(board)
    expect_counts(board, 1, 1, 0, 0)

    new_task = board.get_by_role("textbox", name="New task")
    new_task.fill("Fresh")
    new_task.press("Enter")
    expect_counts(board, 2, 2, 0, 0)

    row(board, task).get_by_role("button", name="Edit").click()
    form = board.get_by_role("form", name="Edit task")
    form.get_by_label("Status").select_option("in_progress")
    form.get_by_role("button", name="Save").click()
    expect_counts(board, 2, 1, 1, 0)

    row(board, task).get_by_role("checkbox", name="Completed").click()
    expect_counts(board, 2, 1, 0, 1)

    row(board, task).get_by_role("button", name="Delete").click()
    expect_counts(board, 1, 1, 0, 0)

    board.get_by_role("status").get_by_role("button", name="Undo").click()
    expect_counts(board, 2, 1, 0, 1)
    assert_no_reload(board)
