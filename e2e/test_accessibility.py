"""Journey: axe-core finds no serious or critical problems on the pages people use, in the
light and dark themes, at desktop and phone widths (issue 10, item 18).

axe is injected with page.evaluate, which runs through the DevTools protocol and so is not
subject to the page's Content Security Policy: no bypass_csp needed, the real CSP stays on.
"""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from e2e.support import open_board

axe = Axe()


def looks(theme: str, width: int, height: int, **extra):
    """A browser context in `theme` (the system preference theme.js follows) at `width`."""
    return pytest.mark.browser_context_args(
        color_scheme=theme, viewport={"width": width, "height": height}, **extra
    )


PHONE = {"is_mobile": True, "has_touch": True}
LOOKS = [
    pytest.param("light", marks=looks("light", 1280, 800), id="light-desktop"),
    pytest.param("dark", marks=looks("dark", 1280, 800), id="dark-desktop"),
    pytest.param("light", marks=looks("light", 390, 844, **PHONE), id="light-phone"),
    pytest.param("dark", marks=looks("dark", 390, 844, **PHONE), id="dark-phone"),
]
every_look = pytest.mark.parametrize("look", LOOKS, indirect=True)


@pytest.fixture
def look(request):
    """The theme actually applied: dark mode must really be on before scanning it."""
    return request.param


def assert_accessible(page, context=None):
    # Scan what is shown, not a colour halfway through a CSS transition (a button's hover fade
    # measured 4.17:1 on its way to 4.5:1).
    page.wait_for_function(
        "() => document.getAnimations().every("
        "a => !(a instanceof CSSTransition) || a.playState !== 'running')",
        timeout=5000,
    )
    results = axe.run(page, context=context) if context else axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


@pytest.fixture
def seeded_board(board, user, make_task, look):
    make_task(user, "Pending task")
    make_task(user, "Finished task", status="completed")
    make_task(user, "Urgent one", priority="high")
    make_task(user, "Late one", due_date="2020-01-01")
    page = open_board(board)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", look)
    return page


@every_look
def test_it_has_no_serious_violations_on_the_board(seeded_board):
    assert_accessible(seeded_board)
    # And with a toast showing.
    seeded_board.get_by_role("button", name="Delete Pending task").click()
    expect(seeded_board.get_by_role("button", name="Undo")).to_be_visible()
    # Scan the toast as it is read, not halfway through Bootstrap's fade-in (opacity < 1).
    expect(seeded_board.locator("#toasts .toast")).not_to_have_class(re.compile(r"\bshowing\b"))
    assert_accessible(seeded_board)


@every_look
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


@every_look
def test_it_has_no_serious_violations_in_the_shortcuts_dialog(seeded_board):
    seeded_board.keyboard.press("?")
    expect(seeded_board.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    assert_accessible(seeded_board, context="#shortcuts")


@every_look
def test_it_has_no_serious_violations_on_the_task_form_page(board, look):
    board.goto("/task/new/")
    expect(board.locator("html")).to_have_attribute("data-bs-theme", look)
    expect(board.get_by_role("heading", name="New task")).to_be_visible()
    assert_accessible(board)
    # With its errors showing, too.
    board.get_by_role("button", name="Add task").click()
    expect(board.get_by_text("Give the task a title.")).to_be_visible()
    assert_accessible(board)


@every_look
def test_it_has_no_serious_violations_on_the_login_page(page, look):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", look)
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert_accessible(page)
