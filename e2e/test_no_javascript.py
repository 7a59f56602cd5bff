"""Journey: with JavaScript off, every action still works through ordinary pages and forms."""

import re

import pytest
from playwright.sync_api import expect

from e2e.support import open_filters, row, task_rows
from tasks.models import Status, Task


@pytest.fixture
def page_without_js(new_context, login, user):
    context = new_context(java_script_enabled=False)
    login(context, user)
    page = context.new_page()
    page.goto("/")
    return page


def test_it_creates_edits_toggles_filters_and_deletes_without_javascript(page_without_js, user):
    page = page_without_js
    # Scripts really are off: the script-only shortcuts button stays hidden, <noscript> shows.
    expect(page.get_by_role("button", name="Keyboard shortcuts")).to_be_hidden()
    open_filters(page)
    expect(page.get_by_role("button", name="Apply filters")).to_be_visible()

    # Create: the quick-add form posts and redirects back to the board.
    page.get_by_role("textbox", name="New task").fill("Written without scripts")
    page.get_by_role("button", name="Add task").click()
    expect(page).to_have_url(re.compile(r"/$"))
    task = Task.objects.get(user=user, title="Written without scripts")
    expect(row(page, task)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Task added")

    # Edit: the row's Edit button (a small form of its own) opens the full edit page.
    row(page, task).get_by_role("button", name="Edit").click()
    expect(page).to_have_url(re.compile(rf"/task/{task.pk}/edit/(\?next=%2F)?$"))
    expect(page.get_by_role("heading", name="Edit task")).to_be_visible()
    page.get_by_label("Title").fill("Edited without scripts")
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Save").click()
    expect(row(page, task)).to_contain_text("Edited without scripts")
    expect(row(page, task)).to_contain_text("In progress")

    # Toggle: the checkbox button is a small form of its own.
    row(page, task).get_by_role("checkbox", name="Completed").click()
    expect(row(page, task).get_by_role("checkbox", name="Completed")).to_be_checked()
    task.refresh_from_db()
    assert task.status == Status.COMPLETED

    # Filter: the Filter menu (a <details>) opens without scripts; its Apply button submits.
    open_filters(page)
    page.get_by_label("Status").select_option("pending")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"status=pending"))
    expect(task_rows(page)).to_have_count(0)
    open_filters(page)
    page.get_by_label("Status").select_option("completed")
    page.get_by_role("button", name="Apply filters").click()
    expect(task_rows(page)).to_have_count(1)

    # Delete: through the confirmation page, then back to the board.
    row(page, task).get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete task?")).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status")).to_contain_text("Deleted “")
    expect(row(page, task)).to_have_count(0)
    task.refresh_from_db()
    assert task.deleted_at is not None

    # Undo works as a plain form too.
    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(row(page, task)).to_be_visible()
    task.refresh_from_db()
    assert task.deleted_at is None


def test_it_dismisses_a_toast_without_javascript(page_without_js, user, make_task):
    page = page_without_js
    task = make_task(user, "Short message")
    page.goto("/")
    row(page, task).get_by_role("checkbox", name="Completed").click()
    toast = page.get_by_role("status").get_by_text("Completed “Short message”")
    expect(toast).to_be_visible()

    page.get_by_role("status").get_by_role("button", name="Dismiss").click()

    expect(toast).to_have_count(0)
    expect(row(page, task)).to_be_visible()
