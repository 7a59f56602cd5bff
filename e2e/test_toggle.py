"""Journey: complete tasks by clicking the checkbox or pressing x; filters drop them in place."""

import re

from playwright.sync_api import expect

from e2e.support import assert_no_reload, count_badge, open_board, row, task_rows
from tasks.models import Status


def test_it_toggles_a_task_by_clicking_its_checkbox(board, user, make_task):
    task = make_task(user, "Water the plants")
    open_board(board)
    checkbox = row(board, task).get_by_role("checkbox", name="Completed")
    expect(checkbox).not_to_be_checked()

    checkbox.click()

    expect(row(board, task).get_by_role("checkbox", name="Completed")).to_be_checked()
    # No status word: the checked circle and the struck-through title say it.
    expect(row(board, task)).to_have_class(re.compile(r"\btask-completed\b"))
    expect(count_badge(board, "completed")).to_have_text("1")
    expect(count_badge(board, "pending")).to_have_text("0")
    task.refresh_from_db()
    assert task.status == Status.COMPLETED

    row(board, task).get_by_role("checkbox", name="Completed").click()

    expect(row(board, task).get_by_role("checkbox", name="Completed")).not_to_be_checked()
    expect(count_badge(board, "completed")).to_have_text("0")
    task.refresh_from_db()
    assert task.status != Status.COMPLETED
    assert_no_reload(board)


def test_it_toggles_the_focused_task_with_x(board, user, make_task):
    older = make_task(user, "Older")
    newer = make_task(user, "Newer")
    open_board(board)

    board.keyboard.press("j")
    board.keyboard.press("j")
    expect(row(board, older)).to_be_focused()
    board.keyboard.press("x")

    expect(row(board, older).get_by_role("checkbox", name="Completed")).to_be_checked()
    expect(row(board, older)).to_be_focused()
    expect(row(board, newer).get_by_role("checkbox", name="Completed")).not_to_be_checked()
    expect(count_badge(board, "completed")).to_have_text("1")
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.status, newer.status) == (Status.COMPLETED, Status.PENDING)
    assert_no_reload(board)


def test_it_drops_a_completed_task_from_the_pending_list(board, user, make_task):
    first = make_task(user, "First")
    second = make_task(user, "Second")
    open_board(board, "/?status=pending")
    expect(task_rows(board)).to_have_count(2)

    row(board, second).get_by_role("checkbox", name="Completed").click()

    expect(row(board, second)).to_have_count(0)
    expect(task_rows(board)).to_have_count(1)
    # Focus does not fall off the page with the row: the neighbour takes it.
    expect(row(board, first)).to_be_focused()
    expect(count_badge(board, "pending")).to_have_text("1")
    expect(count_badge(board, "completed")).to_have_text("1")

    # By keyboard too; the last one leaves the empty state behind.
    board.keyboard.press("x")
    expect(task_rows(board)).to_have_count(0)
    expect(board.get_by_text("No tasks match these filters")).to_be_visible()
    expect(count_badge(board, "completed")).to_have_text("2")
    assert_no_reload(board)
