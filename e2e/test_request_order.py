"""Journey: fast keys on a slow server still apply in the order pressed (issue 10, item 20)."""

import re

from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row, task_rows
from tasks.models import Status, Task

LIST_READ = re.compile(r"/\?(.*&)?status=")


def test_it_filters_after_the_toggle_pressed_before_it_lands(board, user, make_task):
    task = make_task(user, "Finish me")
    open_board(board)
    held = []
    # A loaded server: the toggle's request waits here until the test lets it through.
    board.route("**/toggle/", lambda route: held.append(route))
    events = []
    board.on("request", lambda r: events.append(("request", r.url)))
    board.on("response", lambda r: events.append(("response", r.url)))

    board.keyboard.press("j")
    with board.expect_request("**/toggle/"):
        board.keyboard.press("x")
    board.keyboard.press("4")
    expect(board.get_by_label("Status")).to_have_value("completed")
    held[0].continue_()

    expect(row(board, task)).to_be_visible()
    expect(board).to_have_url(re.compile(r"status=completed"))
    expect(task_rows(board)).to_have_count(1)
    assert Task.objects.get(pk=task.pk).status == Status.COMPLETED
    # The list was read only after the toggle had answered.
    toggled = next(i for i, (kind, url) in enumerate(events) if kind == "response")
    read = next(i for i, (kind, url) in enumerate(events) if LIST_READ.search(url))
    assert events[toggled][1].endswith("/toggle/")
    assert toggled < read, events
    assert_no_reload(board)


def test_it_sends_only_the_latest_filters_once_the_list_is_free(board, user, make_task):
    make_task(user, "Todo", status=Status.PENDING)
    done = make_task(user, "Done", status=Status.COMPLETED)
    open_board(board)
    held = []

    def hold_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    board.route(LIST_READ, hold_first)
    reads = []
    board.on("request", lambda r: reads.append(r.url) if LIST_READ.search(r.url) else None)
    status = board.get_by_label("Status")

    with board.expect_request(LIST_READ):
        status.select_option("pending")
    status.select_option("in_progress")
    status.select_option("completed")
    held[0].continue_()

    expect(board).to_have_url(re.compile(r"status=completed"))
    expect(row(board, done)).to_be_visible()
    expect(task_rows(board)).to_have_count(1)
    # The stale choice in between was never sent, and the latest only once.
    assert [re.search(r"status=(\w*)", url)[1] for url in reads] == ["pending", "completed"]
    assert_no_reload(board)
