"""Journey: bad input in the inline form is explained next to the field and nothing is saved."""

import datetime as dt

from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row


def open_inline_form(page, task):
    row(page, task).get_by_role("button", name="Edit").click()
    form = page.get_by_role("form", name="Edit task")
    expect(form.get_by_role("textbox", name="Title")).to_be_focused()
    return form


def expect_field_error(field, message):
    expect(field).to_have_attribute("aria-invalid", "true")
    # aria-describedby points at the visible error text, so screen readers read it too.
    expect(field).to_have_accessible_description(message)
    error_id = field.get_attribute("aria-describedby")
    expect(field.page.locator(f"#{error_id}")).to_have_text(message)
    expect(field.page.locator(f"#{error_id}")).to_be_visible()


def test_it_shows_a_blank_title_error_inline_and_saves_nothing(board, user, make_task):
    task = make_task(user, "Keep me")
    open_board(board)
    form = open_inline_form(board, task)

    title = form.get_by_role("textbox", name="Title")
    title.fill("")
    title.press("Enter")

    title = board.get_by_role("form", name="Edit task").get_by_role("textbox", name="Title")
    expect_field_error(title, "Give the task a title.")
    task.refresh_from_db()
    assert (task.title, task.version) == ("Keep me", 1)
    assert_no_reload(board)


def test_it_shows_a_too_long_title_error_inline_and_saves_nothing(board, user, make_task):
    task = make_task(user, "Keep me")
    open_board(board)
    form = open_inline_form(board, task)

    title = form.get_by_role("textbox", name="Title")
    # maxlength stops typing past 200, so change it the way a stale or hostile client would.
    title.evaluate("el => el.removeAttribute('maxlength')")
    title.fill("x" * 201)
    form.get_by_role("button", name="Save").click()

    title = board.get_by_role("form", name="Edit task").get_by_role("textbox", name="Title")
    expect_field_error(title, "Keep the title to 200 characters (it has 201).")
    task.refresh_from_db()
    assert (task.title, task.version) == ("Keep me", 1)
    assert_no_reload(board)


def test_it_shows_an_impossible_date_error_inline_and_saves_nothing(board, user, make_task):
    task = make_task(user, "Keep me", due_date=dt.date(2030, 1, 15))
    open_board(board)
    form = open_inline_form(board, task)

    due = form.get_by_label("Due date")
    # A date picker cannot produce 30 February; a text field (old browsers, scripts) can.
    due.evaluate("el => { el.type = 'text'; }")
    due.fill("2030-02-30")
    form.get_by_role("textbox", name="Title").fill("Changed title")
    form.get_by_role("button", name="Save").click()

    form = board.get_by_role("form", name="Edit task")
    expect_field_error(form.get_by_label("Due date"), "Enter a real date, like 2026-12-31.")
    # The other fields keep what was typed, so nothing is lost while fixing the date.
    expect(form.get_by_role("textbox", name="Title")).to_have_value("Changed title")
    task.refresh_from_db()
    assert (task.title, task.due_date, task.version) == ("Keep me", dt.date(2030, 1, 15), 1)
    assert_no_reload(board)
