"""Journey: axe-core finds no serious or critical problems on the pages people use.

axe is injected with page.evaluate, which runs through the DevTools protocol and so is not
subject to the page's Content Security Policy: no bypass_csp needed, the real CSP stays on.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from e2e.support import open_board

axe = Axe()


def assert_accessible(page, context=None):
    results = axe.run(page, context=context) if context else axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


@pytest.fixture
def seeded_board(board, user, make_task):
    make_task(user, "Pending task")
    make_task(user, "Finished task", status="completed")
    make_task(user, "Urgent one", priority="high")
    return open_board(board)


def test_it_has_no_serious_violations_on_the_board(seeded_board):
    assert_accessible(seeded_board)


def test_it_has_no_serious_violations_in_the_inline_form(seeded_board):
    first_row = seeded_board.get_by_role("list", name="Tasks").locator("> li").first
    first_row.get_by_role("button", name="Edit").click()
    form = seeded_board.get_by_role("form", name="Edit task")
    expect(form.get_by_role("textbox", name="Title")).to_be_focused()
    assert_accessible(seeded_board)
    form.get_by_role("textbox", name="Title").fill("")
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_role("textbox", name="Title")).to_have_attribute("aria-invalid", "true")
    assert_accessible(seeded_board)


def test_it_has_no_serious_violations_in_the_shortcuts_dialog(seeded_board):
    seeded_board.keyboard.press("?")
    expect(seeded_board.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    assert_accessible(seeded_board, context="#shortcuts")


def test_it_has_no_serious_violations_on_the_task_form_page(board):
    board.goto("/task/new/")
    expect(board.get_by_role("heading", name="New task")).to_be_visible()
    assert_accessible(board)
    # With its errors showing, too.
    board.get_by_role("button", name="Add task").click()
    expect(board.get_by_text("Give the task a title.")).to_be_visible()
    assert_accessible(board)


def test_it_has_no_serious_violations_on_the_login_page(page):
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_accessible(page)


def test_it_has_no_serious_violations_in_dark_mode(new_context, login, user, make_task):
    make_task(user, "Pending task")
    make_task(user, "Finished task", status="completed")
    context = new_context(color_scheme="dark")
    login(context, user)
    page = open_board(context.new_page())
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")
    assert_accessible(page)
