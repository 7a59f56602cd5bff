"""Journey: quick add never takes focus back (issue 22 item 9). A person adds a task with Enter,
leaves the field at once (a click elsewhere, or Escape) and drives the keyboard: the keys act on
the list (j moves, x completes, 4 filters) and never land in the quick-add field, whenever the
create's answer (which renews the form out of band) arrives. Escape in the field returns to the
list on the task just added, as Escape in the search field does."""

import time

import pytest
from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row, task_rows
from tasks.models import Status, Task

ROUNDS = 20


def statuses(user) -> dict[int, str]:
    return dict(Task.objects.filter(user=user).values_list("pk", "status"))


def wait_for_one_toggle(user, before: dict[int, str], title: str) -> None:
    """Until the create and the x have both been saved: the new task exists and exactly one
    task's status differs from before (the new one counted as created pending). Bounded."""
    deadline = time.monotonic() + 10
    while True:
        now = statuses(user)
        added = Task.objects.filter(user=user, title=title).values_list("pk", flat=True)
        expected = before | {pk: Status.PENDING for pk in added}
        flipped = [pk for pk, status in now.items() if expected.get(pk) != status]
        if len(added) == 1 and len(flipped) == 1:
            return
        assert len(flipped) <= 1 and len(added) <= 1, (flipped, list(added))
        assert time.monotonic() < deadline, f"no single toggle after adding {title!r}"
        time.sleep(0.05)


def release_when_held(page, held: list) -> None:
    """Let the create through once the browser has sent it (bounded)."""
    for _ in range(200):
        if held:
            held.pop().continue_()
            return
        page.wait_for_timeout(10)
    raise AssertionError("the create was never sent")


@pytest.mark.parametrize("leave", ["click", "Escape"])
def test_keys_after_adding_act_on_the_list_never_in_the_field(board, user, make_task, leave):
    make_task(user, "Oldest task")
    open_board(board)
    field = board.get_by_role("textbox", name="New task")
    status = board.get_by_label("Status")
    # The create's answer (renewing the form) arrives before the person leaves the field, after
    # they left it, or after their keys: each round takes the next of these moments.
    held: list = []
    board.route("**/task/new/", lambda route: held.append(route))

    for n in range(ROUNDS):
        answer = n % 3
        before = statuses(user)
        field.click()
        field.fill(f"Task {n}")
        field.press("Enter")
        if answer == 0:
            release_when_held(board, held)
            expect(field).to_have_value("")
        if leave == "click":
            board.get_by_role("heading", name="All tasks").click()
        else:
            field.press("Escape")
        if answer == 1:
            release_when_held(board, held)
        for key in ("j", "x", "4"):
            board.keyboard.press(key)
        if answer == 2:
            release_when_held(board, held)

        expect(status).to_have_value(Status.COMPLETED)
        expect(field).to_have_value("")  # renewed by the create's answer, nothing typed in it
        expect(field).not_to_be_focused()
        wait_for_one_toggle(user, before, f"Task {n}")
        board.keyboard.press("1")
        expect(status).to_have_value("")

    titles = sorted(Task.objects.filter(user=user).values_list("title", flat=True))
    assert titles == sorted(["Oldest task", *(f"Task {n}" for n in range(ROUNDS))])
    expect(field).to_have_value("")
    assert_no_reload(board)


def test_escape_returns_to_the_task_just_added(board, user, make_task):
    make_task(user, "Older task")
    open_board(board)
    field = board.get_by_role("textbox", name="New task")
    field.fill("Buy milk")
    field.press("Enter")
    expect(task_rows(board)).to_have_count(2)
    expect(field).to_be_focused()  # still typing: the field keeps the person's focus

    field.press("Escape")

    added = Task.objects.get(user=user, title="Buy milk")
    expect(row(board, added)).to_be_focused()
    board.keyboard.press("j")
    expect(row(board, Task.objects.get(user=user, title="Older task"))).to_be_focused()


def test_escape_keeps_a_draft_and_goes_to_the_list(board, user, make_task):
    task = make_task(user, "Only task")
    open_board(board)
    field = board.get_by_role("textbox", name="New task")
    field.fill("half a thought")

    field.press("Escape")

    expect(row(board, task)).to_be_focused()
    expect(field).to_have_value("half a thought")
    board.keyboard.press("n")
    expect(field).to_be_focused()
    expect(field).to_have_value("half a thought")


def test_typing_in_search_right_after_adding_goes_to_search(board, user):
    open_board(board)
    field = board.get_by_role("textbox", name="New task")
    search = board.get_by_role("searchbox", name="Search tasks")

    held: list = []
    board.route("**/task/new/", lambda route: held.append(route))

    for n in range(3):
        field.click()
        field.fill(f"Errand {n} #errand")
        field.press("Enter")
        search.click()
        search.press_sequentially("#err", delay=10)
        release_when_held(board, held)  # the create's answer lands while the person types
        expect(field).to_have_value("")
        search.press_sequentially("and", delay=10)

        expect(search).to_have_value("#errand")
        expect(field).to_have_value("")
        expect(search).to_be_focused()
        search.fill("")

    assert Task.objects.filter(user=user).count() == 3
    assert (
        not Task.objects.filter(user=user, title__contains="errand")
        .exclude(title__regex=r"^Errand \d$")
        .exists()
    )
