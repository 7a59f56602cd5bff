"""Journeys: "More fields…" and the full pages return to the exact view they started from; the
inline editor edits the description too."""

import re

from playwright.sync_api import expect

from e2e.support import open_board, row
from tasks.models import Task

VIEW = "/?status=pending&sort=due"


def test_more_fields_returns_to_the_filtered_sorted_board(board, user):
    open_board(board, VIEW)

    board.get_by_role("link", name="More fields…").click()
    expect(board.get_by_role("heading", name="New task")).to_be_visible()
    board.get_by_label("Title").fill("From the full form")
    board.get_by_label("Description").fill("With a description")
    board.get_by_role("button", name="Add task").click()

    expect(board).to_have_url(re.compile(r"/\?status=pending&sort=due$"))
    expect(board.get_by_label("Sort")).to_have_value("due")
    task = Task.objects.get(user=user, title="From the full form")
    expect(row(board, task)).to_be_visible()


def test_the_inline_editor_edits_the_description(board, user, make_task):
    task = make_task(user, "Plan the trip", description="Old notes")
    open_board(board)

    row(board, task).get_by_role("button", name="Edit").click()
    form = board.get_by_role("form", name="Edit task")
    description = form.get_by_label("Description")
    expect(description).to_have_value("Old notes")
    description.fill("Book trains\nPack light")
    form.get_by_role("button", name="Save").click()

    expect(row(board, task)).to_contain_text("Book trains")
    task.refresh_from_db()
    assert task.description == "Book trains\nPack light"
