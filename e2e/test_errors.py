"""Journey: when an htmx request fails, the board stays and a toast says what happened."""

from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row
from tasks.models import Task


def test_it_says_the_task_is_gone_in_a_toast_even_with_debug_on(board, user, make_task, settings):
    # The README runs the server with DEBUG=1: an htmx 404 used to swap Django's yellow debug
    # page over the whole board.
    settings.DEBUG = True
    task = make_task(user, "Removed elsewhere")
    open_board(board)
    Task.objects.filter(pk=task.pk).delete()

    row(board, task).get_by_role("button", name="Delete").click()

    toast = board.get_by_role("status").get_by_text("That task no longer exists")
    expect(toast).to_be_visible()
    expect(board.get_by_role("heading", name="All tasks", level=1)).to_be_attached()
    expect(board.get_by_role("textbox", name="New task")).to_be_visible()
    board.get_by_role("status").get_by_role("button", name="Dismiss").click()
    expect(toast).to_have_count(0)
    assert_no_reload(board)


def test_it_says_the_server_cannot_be_reached(board, user, make_task):
    task = make_task(user, "Offline")
    open_board(board)
    board.route("**/toggle/", lambda route: route.abort())

    row(board, task).get_by_role("checkbox", name="Completed").click()

    expect(board.get_by_role("status")).to_contain_text("Cannot reach the server")
    assert Task.objects.get(pk=task.pk).status != "completed"
    assert_no_reload(board)
