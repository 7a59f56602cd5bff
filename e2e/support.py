"""Helpers shared by the journeys: opening the board, finding rows, the no-reload check."""

from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, expect

from tasks.models import Task

PASSWORD = "correct-horse-battery-staple"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def open_board(page: Page, path: str = "/") -> Page:
    """Load a board page and mark the window, so a later full reload would be noticed."""
    page.goto(path)
    expect(page.get_by_role("textbox", name="New task")).to_be_visible()
    # Our stylesheet and script really loaded (a CSP or static-files slip would show here).
    expect(page.locator("#toasts")).to_have_css("position", "fixed")
    keys_work(page)
    page.evaluate("window.__noReload = 1")
    return page


def keys_work(page: Page) -> None:
    """Wait until the page's keys work, as a person sees it: the header's "Keyboard shortcuts"
    button shows once board.js has set up the keyboard map, after htmx and every feature
    script (deferred, run in order before it) have registered. Keys pressed before a page has
    run its scripts do nothing, so after any full page load (page.goto, a key or link that
    navigates) wait for this before pressing keys."""
    expect(page.get_by_role("button", name="Keyboard shortcuts")).to_be_visible()


def assert_no_reload(page: Page) -> None:
    assert page.evaluate("window.__noReload") == 1, "the page was reloaded"


@contextmanager
def list_replaced(page: Page):
    """Wait, after the block, until an answer has replaced #task-list and htmx has set the new
    one up. An answer's arrival is not enough: the swap comes later, and keys pressed in between
    act on the old list, whose selection and live region the swap then throws away."""
    page.locator("#task-list").evaluate("el => { el.dataset.replaced = 'soon'; }")
    yield
    # htmx-added stays on new content until htmx:load has run (board.js and bulk.js set up).
    expect(page.locator("#task-list:not([data-replaced]):not(.htmx-added)")).to_have_count(1)


def open_filters(page: Page) -> None:
    """Open the board's Filter menu (a <details>), where the status, priority, due and sort
    selects and Hide completed are."""
    menu = page.locator("#filter-menu")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    expect(page.locator("#filter-status")).to_be_visible()


def open_account_menu(page: Page, close: bool = False) -> None:
    """Open (or close) the header's account menu (Settings, Change password, Log out)."""
    menu = page.locator(".account-menu")
    if (menu.get_attribute("open") is None) != close:
        menu.locator("summary").click()


def task_rows(page: Page):
    return page.get_by_role("list", name="Tasks").locator("> li")


def row(page: Page, task: Task):
    return page.locator(f"#task-{task.pk}")


def count_badge(page: Page, key: str):
    return page.locator(f"#status-counts [data-count='{key}']")
