"""Journey: delete a task (button or Delete key), then get it back (Undo or z) in its place."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.support import assert_no_reload, count_badge, open_board, row, task_rows
from tasks.models import Priority, Task


@pytest.fixture
def three_tasks(user, make_task):
    return [
        make_task(user, "First", priority=Priority.LOW),
        make_task(user, "Second", priority=Priority.HIGH, due_date=dt.date(2031, 3, 4)),
        make_task(user, "Third"),
    ]


def row_ids(page):
    return task_rows(page).evaluate_all("rows => rows.map(r => r.id)")


def test_it_deletes_with_the_button_and_undoes_with_the_undo_button(board, three_tasks):
    second = three_tasks[1]
    open_board(board)
    before = row_ids(board)
    text_before = row(board, second).inner_text()

    row(board, second).get_by_role("button", name="Delete").click()

    expect(row(board, second)).to_have_count(0)
    toasts = board.get_by_role("status")
    expect(toasts).to_contain_text("Deleted “Second”")
    expect(count_badge(board, "all")).to_have_text("2")
    assert Task.objects.get(pk=second.pk).deleted_at is not None

    toasts.get_by_role("button", name="Undo").click()

    expect(row(board, second)).to_be_visible()
    assert row_ids(board) == before
    assert row(board, second).inner_text() == text_before
    expect(count_badge(board, "all")).to_have_text("3")
    expect(toasts).to_contain_text("Task restored")
    expect(row(board, second)).to_be_focused()
    restored = Task.objects.get(pk=second.pk)
    assert restored.deleted_at is None
    assert (restored.title, restored.priority, restored.due_date) == (
        "Second",
        Priority.HIGH,
        dt.date(2031, 3, 4),
    )
    assert_no_reload(board)


def test_it_deletes_with_the_delete_key_and_undoes_with_z(board, three_tasks):
    first, second, _ = three_tasks
    open_board(board)
    before = row_ids(board)

    board.keyboard.press("j")
    board.keyboard.press("j")
    expect(row(board, second)).to_be_focused()
    board.keyboard.press("Delete")

    expect(row(board, second)).to_have_count(0)
    expect(board.get_by_role("status")).to_contain_text("Deleted “Second”")
    # The keyboard stays on the list: the next task takes the deleted one's focus.
    expect(row(board, first)).to_be_focused()
    expect(count_badge(board, "all")).to_have_text("2")

    board.keyboard.press("z")

    expect(row(board, second)).to_be_visible()
    assert row_ids(board) == before
    expect(row(board, second)).to_be_focused()
    expect(count_badge(board, "all")).to_have_text("3")
    assert Task.objects.get(pk=second.pk).deleted_at is None
    assert_no_reload(board)


def test_it_keeps_the_undo_offer_for_at_least_eight_seconds(board, user, make_task):
    task = make_task(user, "Short-lived")
    # A controllable clock: time runs normally, and run_for() jumps ahead without sleeping.
    board.clock.install()
    open_board(board)

    row(board, task).get_by_role("button", name="Delete").click()
    toast = board.get_by_role("status").locator("[data-toast]", has_text="Deleted “Short-lived”")
    expect(toast).to_be_visible()
    assert int(toast.get_attribute("data-bs-delay")) >= 8000

    board.clock.run_for(8_000)
    expect(toast).to_be_visible()
    expect(toast.get_by_role("button", name="Undo")).to_be_enabled()

    board.clock.run_for(5_000)
    expect(toast).to_have_count(0)
    assert_no_reload(board)


def test_it_shows_the_empty_state_when_the_last_task_goes_and_hides_it_on_undo(
    board, user, make_task
):
    task = make_task(user, "The only one")
    open_board(board)
    empty = board.get_by_text("No tasks")
    expect(empty).to_be_hidden()

    row(board, task).get_by_role("button", name="Delete").click()
    expect(empty).to_be_visible()

    board.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(row(board, task)).to_be_visible()
    expect(empty).to_be_hidden()
    assert_no_reload(board)


def test_z_brings_back_every_delete_newest_first(board, three_tasks):
    first, second, third = three_tasks
    open_board(board)
    before = row_ids(board)
    for task in (first, third, second):
        row(board, task).get_by_role("button", name="Delete").click()
        expect(row(board, task)).to_have_count(0)
    expect(count_badge(board, "all")).to_have_text("0")

    # Focus on the page, not in a field, so z is a shortcut; each press restores one task.
    board.get_by_role("heading", level=1).click()
    for restored, total in ((second, "1"), (third, "2"), (first, "3")):
        board.keyboard.press("z")
        expect(row(board, restored)).to_be_visible()
        expect(count_badge(board, "all")).to_have_text(total)
        expect(row(board, restored)).to_be_focused()

    assert row_ids(board) == before
    assert not Task.objects.filter(deleted_at__isnull=False).exists()
    assert_no_reload(board)
