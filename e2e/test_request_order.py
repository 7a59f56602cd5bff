"""Journey: fast keys on a slow server still apply in the order pressed (issue 10, item 20)."""

import re

from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, open_filters, row, task_rows
from tasks.models import GAP, Priority, Status, Task

LIST_READ = re.compile(r"/\?(.*&)?status=")


def hold(page, pattern) -> list:
    """A loaded server for requests matching `pattern`: each waits until the test lets it go."""
    held = []
    page.route(pattern, lambda route: held.append(route))
    return held


def log_requests(page) -> list[tuple[str, str, str]]:
    events = []
    page.on("request", lambda r: events.append(("request", r.method, r.url)))
    page.on("response", lambda r: events.append(("response", r.request.method, r.url)))
    return events


def first(events, kind, pattern) -> int:
    """The index of the first `kind` event ("request", "response") whose URL matches."""
    return next(i for i, (k, _, url) in enumerate(events) if k == kind and re.search(pattern, url))


def assert_held_back(page, events, pattern) -> None:
    """Nothing matching `pattern` was sent within half a second: time enough for a request
    sent too early to show in the log."""
    page.wait_for_timeout(500)
    assert not [e for e in events if re.search(pattern, e[2])], events


def test_it_filters_after_the_toggle_pressed_before_it_lands(board, user, make_task):
    task = make_task(user, "Finish me")
    open_board(board)
    held = hold(board, "**/toggle/")
    events = log_requests(board)

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
    toggled = next(i for i, (kind, _, _) in enumerate(events) if kind == "response")
    read = first(events, "request", LIST_READ)
    assert events[toggled][2].endswith("/toggle/")
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
    open_filters(board)
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


def test_an_undo_waits_for_the_write_before_it_and_both_apply(board, user, make_task):
    """The toast's Undo is outside the list: it used to race the toggle pressed before it, and
    the toggle's answer, re-rendering the toasts, then left it without a target."""
    finish = make_task(user, "Finish me")
    gone = make_task(user, "Delete me")  # newest: the first row
    open_board(board)
    toasts = board.get_by_role("status")
    board.keyboard.press("j")
    board.keyboard.press("Delete")
    expect(toasts).to_contain_text("Deleted “Delete me”")
    expect(row(board, finish)).to_be_focused()
    held = hold(board, "**/toggle/")
    events = log_requests(board)

    with board.expect_request("**/toggle/"):
        board.keyboard.press("x")
    toasts.get_by_role("button", name="Undo").click()
    assert_held_back(board, events, r"/restore/$")
    held[0].continue_()

    expect(row(board, gone)).to_be_visible()
    expect(toasts).to_contain_text("Task restored")
    expect(board.get_by_role("checkbox", name="Completed: Finish me")).to_be_checked()
    expect(task_rows(board)).to_have_count(2)
    assert Task.objects.get(pk=finish.pk).status == Status.COMPLETED
    assert Task.objects.get(pk=gone.pk).deleted_at is None
    assert first(events, "response", r"/toggle/$") < first(events, "request", r"/restore/$")
    assert_no_reload(board)


def test_a_bulk_action_pressed_while_an_undo_replaces_the_list_is_sent_after_it(
    board, user, make_task
):
    """ "Apply" on the list an Undo is about to replace: htmx's queue dropped it without a word
    once the list it belonged to was gone. It now leaves after the Undo's answer, with the rows
    the person selected as they saw them, so the server's version check answers it: those rows
    changed since (the Undo reopened them) and are left alone, which the toast says."""
    tasks = [make_task(user, name) for name in ("Alpha", "Beta", "Gamma")]
    open_board(board)
    toasts = board.get_by_role("status")
    bulk = board.locator("#bulk-form")

    def select_all_and_apply(action):
        board.keyboard.press("j")
        board.keyboard.press("*")
        board.keyboard.press("a")
        expect(board.locator("#bulk-live")).to_have_text("3 selected")
        bulk.get_by_label("Action").select_option(action)
        bulk.get_by_role("button", name="Apply", exact=True).click()

    select_all_and_apply("complete")
    expect(toasts).to_contain_text("3 tasks completed")
    held = hold(board, re.compile(r"/tasks/bulk/\d+/undo/$"))
    events = log_requests(board)

    with board.expect_request(re.compile(r"/undo/$")):
        toasts.locator(".toast", has_text="3 tasks completed").get_by_role(
            "button", name="Undo"
        ).click()
    select_all_and_apply("priority:high")  # on the list the Undo will replace
    assert_held_back(board, events, r"/tasks/bulk/$")
    held[0].continue_()

    expect(toasts).to_contain_text("No tasks changed; 3 tasks changed elsewhere were left alone.")
    rows = Task.objects.filter(pk__in=[t.pk for t in tasks])
    assert {(t.status, t.priority) for t in rows} == {(Status.PENDING, Priority.MEDIUM)}
    assert first(events, "response", r"/undo/$") < first(events, "request", r"/tasks/bulk/$")
    expect(task_rows(board)).to_have_count(3)
    assert_no_reload(board)


def test_a_toggle_pressed_while_a_filter_replaces_the_list_still_applies(board, user, make_task):
    """x on a row of the list a filter read is about to replace: the row's button is gone by
    the toggle's turn, so it leaves from the new list's button for the same task."""
    make_task(user, "Other", status=Status.IN_PROGRESS)
    task = make_task(user, "Finish me")  # newest: the first row
    open_board(board)
    held = hold(board, LIST_READ)
    events = log_requests(board)

    board.keyboard.press("j")
    expect(row(board, task)).to_be_focused()
    with board.expect_request(LIST_READ):
        board.keyboard.press("2")  # Status: Pending
    board.keyboard.press("x")
    assert_held_back(board, events, r"/toggle/$")
    held[0].continue_()

    expect(board.get_by_role("status")).to_contain_text("Finish me")
    expect(row(board, task)).to_have_count(0)  # completed: no longer pending
    assert Task.objects.get(pk=task.pk).status == Status.COMPLETED
    assert first(events, "response", LIST_READ) < first(events, "request", r"/toggle/$")
    assert_no_reload(board)


def test_a_toggle_on_a_row_a_filter_removes_is_sent_and_so_is_the_next_one(board, user, make_task):
    """x on a row the held filter read will take off the list, then x on another row: htmx's own
    queue drops the first once its row is gone, and then holds back every request after it until
    some later one comes. Both are sent, in the order pressed, and both apply."""
    stay = make_task(user, "Stay")
    leave = make_task(user, "Leave", status=Status.IN_PROGRESS)  # newest: the first row
    open_board(board)
    held = hold(board, LIST_READ)
    events = log_requests(board)

    board.keyboard.press("j")
    expect(row(board, leave)).to_be_focused()
    with board.expect_request(LIST_READ):
        board.keyboard.press("2")  # Status: Pending, which "Leave" is not
    board.keyboard.press("x")
    board.keyboard.press("j")
    expect(row(board, stay)).to_be_focused()
    board.keyboard.press("x")
    assert_held_back(board, events, r"/toggle/$")
    held[0].continue_()

    expect(row(board, stay)).to_have_count(0)  # completed: no longer pending
    expect(task_rows(board)).to_have_count(0)
    assert Task.objects.get(pk=leave.pk).status == Status.COMPLETED
    assert Task.objects.get(pk=stay.pk).status == Status.COMPLETED
    toggled = [
        re.search(r"/task/(\d+)/toggle/$", url) for kind, _, url in events if kind == "request"
    ]
    assert [int(m[1]) for m in toggled if m] == [leave.pk, stay.pk]
    assert first(events, "response", LIST_READ) < first(events, "request", r"/toggle/$")
    assert_no_reload(board)


def test_a_card_moved_twice_while_its_first_move_is_held_lands_where_both_put_it(board, user):
    """The second move leaves after the first has answered; the first's answer has replaced the
    card by then, which htmx's own queue would have dropped the second move for."""
    first_card, *_ = [
        Task.objects.create(user=user, title=title, position=i * GAP)
        for i, title in enumerate(["Renew passport", "Book dentist", "Call plumber"])
    ]
    page = open_board(board, "/?layout=board")
    held = []
    page.route("**/move/", lambda route: route.continue_() if held else held.append(route))

    page.locator(f"#task-{first_card.pk}").focus()
    with page.expect_request("**/move/"):
        page.keyboard.press("Shift+ArrowDown")
    events = log_requests(page)  # from the first move's answer on
    page.keyboard.press("Shift+ArrowDown")
    assert_held_back(page, events, r"/move/$")
    held[0].continue_()

    expect(page.get_by_role("status")).to_contain_text("position 3 of 3")
    order = Task.objects.filter(user=user).order_by("position", "id")
    assert list(order.values_list("title", flat=True)) == [
        "Book dentist",
        "Call plumber",
        "Renew passport",
    ]
    moves = [i for i, (kind, _, url) in enumerate(events) if url.endswith("/move/")]
    assert [events[i][0] for i in moves] == ["response", "request", "response"]
    expect(page.locator(f"#task-{first_card.pk}")).to_be_focused()
    assert_no_reload(page)
