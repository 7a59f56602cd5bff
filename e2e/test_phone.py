"""Journey: on a phone the pages reflow, toasts stay reachable and targets are big enough.

Issue 10, items 7 (reflow at 320 CSS px, WCAG 1.4.10; toasts in the viewport; the inline
editor's date field) and 25 (touch targets of 44x44 CSS px).
"""

import pytest
from playwright.sync_api import expect

from e2e.support import open_account_menu, open_board, row


def on_phone(width: int, height: int):
    return pytest.mark.browser_context_args(
        viewport={"width": width, "height": height}, is_mobile=True, has_touch=True
    )


PHONES = [
    pytest.param(390, marks=on_phone(390, 844), id="390"),
    pytest.param(320, marks=on_phone(320, 640), id="320"),
]


def assert_no_horizontal_scroll(page, width):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide at {width}px"


def assert_inside_viewport(page, locator):
    box = locator.bounding_box()
    size = page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], box


@pytest.mark.parametrize("width", PHONES)
def test_it_reflows_every_page_without_horizontal_scrolling(board, width, user, make_task):
    task = make_task(user, "A task with a rather long title that has to wrap somewhere")
    page = board
    for path in [
        "/",
        "/task/new/",
        f"/task/{task.pk}/",
        f"/task/{task.pk}/edit/",
        f"/task/{task.pk}/delete/",
        "/accounts/password_change/",
    ]:
        page.goto(path)
        # The header is one line; its account menu opens inside the screen.
        assert page.locator("header").bounding_box()["height"] < 64
        open_account_menu(page)
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        assert_no_horizontal_scroll(page, width)
        assert_inside_viewport(page, page.get_by_role("button", name="Log out"))
    page.context.clear_cookies()
    for path in ["/accounts/login/", "/accounts/signup/"]:
        page.goto(path)
        assert_no_horizontal_scroll(page, width)


@pytest.mark.parametrize("width", PHONES)
def test_it_keeps_the_undo_toast_and_the_inline_editor_inside_the_viewport(
    board, width, user, make_task
):
    tasks = [make_task(user, f"Task {n}", due_date="2031-03-04") for n in range(12)]
    page = open_board(board)

    row(page, tasks[0]).get_by_role("button", name="Edit").click()
    due = row(page, tasks[0]).get_by_label("Due date")
    expect(due).to_be_visible()
    assert_no_horizontal_scroll(page, width)
    box, form = due.bounding_box(), row(page, tasks[0]).bounding_box()
    assert box["x"] + box["width"] <= form["x"] + form["width"], (box, form)
    assert box["width"] >= 150, box  # room for a whole date and the picker button
    row(page, tasks[0]).get_by_role("link", name="Cancel").click()

    row(page, tasks[1]).get_by_role("button", name="Delete").click()
    undo = page.get_by_role("status").get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    assert_inside_viewport(page, undo)
    assert_inside_viewport(page, page.get_by_role("status").get_by_role("button", name="Dismiss"))


@on_phone(390, 844)
def test_it_gives_touch_targets_44_css_pixels(board, user, make_task):
    kept = make_task(user, "Tap me")
    gone = make_task(user, "Throw away")
    page = open_board(board)
    targets = [
        row(page, kept).get_by_role("checkbox", name="Completed"),
        row(page, kept).get_by_role("button", name="Edit"),
        row(page, kept).get_by_role("button", name="Delete"),
        page.get_by_role("button", name="Toggle dark mode"),
        page.get_by_role("button", name="Keyboard shortcuts"),
        page.get_by_role("button", name="Add task"),
        page.get_by_role("list", name="Task counts").get_by_role("link", name="Pending"),
        page.get_by_role("link", name="Trash"),
    ]
    open_account_menu(page)
    for target in (
        page.get_by_role("button", name="Log out"),
        page.get_by_role("link", name="Change password"),
        page.get_by_role("link", name="Settings"),
    ):
        expect(target).to_be_visible()
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (target, box)
    open_account_menu(page, close=True)
    row(page, gone).get_by_role("button", name="Delete").click()
    targets += [
        page.get_by_role("status").get_by_role("button", name="Undo"),
        page.get_by_role("status").get_by_role("button", name="Dismiss"),
    ]
    for target in targets:
        expect(target).to_be_visible()
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (target, box)


@on_phone(390, 844)
def test_the_trash_gives_touch_targets_44_css_pixels(board, user, make_task, live_server):
    make_task(user, "Thrown away").soft_delete()
    board.goto(f"{live_server.url}/trash/")
    for name in ("Restore Thrown away", "Delete Thrown away forever"):
        target = board.get_by_role("button", name=name)
        expect(target).to_be_visible()
        box = target.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (name, box)
