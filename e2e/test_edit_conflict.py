"""Journey: a stale edit from a second page is refused with the current values shown."""

from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row


def test_it_refuses_a_stale_edit_and_shows_the_current_values(board, user, make_task):
    task = make_task(user, "Original title")
    first = open_board(board)
    second = open_board(board.context.new_page())

    # Both pages open the same task for editing, on version 1.
    row(first, task).get_by_role("button", name="Edit").click()
    row(second, task).get_by_role("button", name="Edit").click()
    first_form = first.get_by_role("form", name="Edit task")
    second_form = second.get_by_role("form", name="Edit task")
    expect(first_form.get_by_role("textbox", name="Title")).to_be_focused()
    expect(second_form.get_by_role("textbox", name="Title")).to_be_focused()

    second_form.get_by_role("textbox", name="Title").fill("Saved on the second page")
    second_form.get_by_label("Priority").select_option("high")
    second_form.get_by_role("button", name="Save").click()
    expect(row(second, task)).to_contain_text("Saved on the second page")

    first_form.get_by_role("textbox", name="Title").fill("Stale change from the first page")
    first_form.get_by_role("textbox", name="Title").press("Enter")

    form = first.get_by_role("form", name="Edit task")
    expect(form.get_by_role("alert")).to_contain_text("This task was changed elsewhere")
    expect(form.get_by_role("textbox", name="Title")).to_have_value("Saved on the second page")
    expect(form.get_by_label("Priority")).to_have_value("high")
    task.refresh_from_db()
    assert (task.title, task.priority, task.version) == ("Saved on the second page", "high", 2)

    # Saving again from the refreshed form is no longer stale.
    form.get_by_role("textbox", name="Title").fill("Merged by hand")
    form.get_by_role("button", name="Save").click()
    expect(row(first, task)).to_contain_text("Merged by hand")
    task.refresh_from_db()
    assert (task.title, task.version) == ("Merged by hand", 3)
    assert_no_reload(first)
    assert_no_reload(second)
