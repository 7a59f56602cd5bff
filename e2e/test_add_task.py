"""Journey: type a task and press Enter; it tops the list without a reload."""

from playwright.sync_api import expect

from e2e.support import assert_no_reload, count_badge, open_board, task_rows
from tasks.models import Task


def test_it_adds_a_task_by_pressing_enter(board, user, make_task):
    make_task(user, "Older task")
    open_board(board)
    new_task = board.get_by_role("textbox", name="New task")

    new_task.fill("Buy milk")
    new_task.press("Enter")

    expect(task_rows(board).first).to_contain_text("Buy milk")
    expect(task_rows(board)).to_have_count(2)
    expect(new_task).to_have_value("")
    expect(new_task).to_be_focused()
    expect(count_badge(board, "all")).to_have_text("2")
    expect(count_badge(board, "pending")).to_have_text("2")
    expect(board.get_by_role("status")).to_contain_text("Task added")
    assert Task.objects.filter(user=user, title="Buy milk").exists()
    assert_no_reload(board)


def test_it_explains_a_blank_task_in_place_and_adds_nothing(board, user):
    open_board(board)
    new_task = board.get_by_role("textbox", name="New task")

    new_task.press("Enter")

    new_task = board.get_by_role("textbox", name="New task")
    expect(new_task).to_have_attribute("aria-invalid", "true")
    expect(new_task).to_have_accessible_description("Give the task a title.")
    expect(board.get_by_text("No tasks")).to_be_visible()
    assert not Task.objects.filter(user=user).exists()
    # The field still works after the error: fixing it adds the task.
    new_task.fill("Fixed it")
    new_task.press("Enter")
    expect(task_rows(board)).to_have_count(1)
    expect(board.get_by_role("textbox", name="New task")).not_to_have_attribute(
        "aria-invalid", "true"
    )
    assert_no_reload(board)
