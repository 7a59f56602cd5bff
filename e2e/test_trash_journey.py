"""Journey: deleted tasks wait in the Trash, where they can be restored or deleted forever, with
JavaScript (in place) and without it."""

import pytest
from playwright.sync_api import expect

from e2e.support import open_board, row
from tasks.models import Task


@pytest.fixture
def three_deleted_from_the_board(board, user, make_task):
    tasks = [make_task(user, title) for title in ("First", "Second", "Third")]
    open_board(board)
    for task in tasks:
        row(board, task).get_by_role("button", name="Delete").click()
        expect(row(board, task)).to_have_count(0)
        expect(board.get_by_role("status")).to_contain_text(f"Deleted “{task.title}”")
    return tasks


def trash_items(page):
    return page.get_by_role("list", name="Deleted tasks").get_by_role("listitem")


def test_it_lists_every_delete_and_restores_or_deletes_forever_in_place(
    board, three_deleted_from_the_board
):
    first, second, third = three_deleted_from_the_board
    board.get_by_role("link", name="Trash").click()

    expect(board.get_by_role("heading", name="Trash")).to_be_visible()
    expect(trash_items(board)).to_have_count(3)
    expect(trash_items(board).first).to_contain_text("Third")  # newest first
    board.evaluate("window.__noReload = 1")

    board.get_by_role("button", name="Restore Second").click()
    expect(board.get_by_role("status")).to_contain_text("Restored “Second”")
    expect(trash_items(board)).to_have_count(2)
    board.get_by_role("button", name="Delete First forever").click()
    expect(board.get_by_role("status")).to_contain_text("Deleted “First” forever")
    expect(trash_items(board)).to_have_count(1)

    assert board.evaluate("window.__noReload") == 1  # both happened in place
    assert not Task.objects.filter(pk=first.pk).exists()
    assert Task.objects.get(pk=second.pk).deleted_at is None
    board.get_by_role("link", name="Back to the board").click()
    expect(row(board, second)).to_be_visible()
    expect(row(board, third)).to_have_count(0)


def test_the_trash_works_without_javascript(new_context, login, user, make_task):
    context = new_context(java_script_enabled=False)
    login(context, user)
    page = context.new_page()
    kept, gone = make_task(user, "Kept"), make_task(user, "Gone")
    kept.soft_delete()
    gone.soft_delete()

    page.goto("/")
    page.get_by_role("link", name="Trash").click()
    page.get_by_role("button", name="Restore Kept").click()
    expect(page.get_by_role("status")).to_contain_text("Restored “Kept”")
    page.get_by_role("button", name="Delete Gone forever").click()
    expect(page.get_by_role("status")).to_contain_text("Deleted “Gone” forever")
    expect(page.get_by_text("The trash is empty.")).to_be_visible()

    assert Task.objects.visible_to(user).get().title == "Kept"
    assert not Task.objects.filter(pk=gone.pk).exists()
