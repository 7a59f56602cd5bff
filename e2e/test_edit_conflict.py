"""Journey: a stale edit from a second page keeps what was typed and names what changed there;
edits of different fields merge by themselves."""

from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row


def test_it_refuses_a_clashing_edit_keeping_what_was_typed(board, user, make_task):
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
    alert = form.get_by_role("alert")
    expect(alert).to_contain_text("This task was changed elsewhere")
    expect(alert).to_contain_text("Title: Saved on the second page")
    expect(alert).to_contain_text("Priority: High")
    # What I typed stays; what only they changed shows their value.
    expect(form.get_by_role("textbox", name="Title")).to_have_value(
        "Stale change from the first page"
    )
    expect(form.get_by_label("Priority")).to_have_value("high")
    task.refresh_from_db()
    assert (task.title, task.priority, task.version) == ("Saved on the second page", "high", 2)

    # Saving again keeps my title over theirs, and their priority.
    form.get_by_role("button", name="Save").click()
    expect(row(first, task)).to_contain_text("Stale change from the first page")
    task.refresh_from_db()
    assert (task.title, task.priority, task.version) == (
        "Stale change from the first page",
        "high",
        3,
    )
    assert_no_reload(first)
    assert_no_reload(second)


def test_edits_of_different_fields_merge(board, user, make_task):
    task = make_task(user, "Original title")
    first = open_board(board)
    second = open_board(board.context.new_page())
    row(first, task).get_by_role("button", name="Edit").click()
    row(second, task).get_by_role("button", name="Edit").click()

    second_form = second.get_by_role("form", name="Edit task")
    second_form.get_by_label("Priority").select_option("high")
    second_form.get_by_role("button", name="Save").click()
    expect(row(second, task)).to_contain_text("High")

    first_form = first.get_by_role("form", name="Edit task")
    first_form.get_by_role("textbox", name="Title").fill("Renamed on the first page")
    first_form.get_by_role("button", name="Save").click()

    expect(row(first, task)).to_contain_text("Renamed on the first page")
    expect(row(first, task)).to_contain_text("High")
    expect(first.get_by_role("status")).to_contain_text("merged with a change made elsewhere")
    task.refresh_from_db()
    assert (task.title, task.priority, task.version) == ("Renamed on the first page", "high", 3)
    assert_no_reload(first)
