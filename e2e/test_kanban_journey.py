"""Journey: the kanban board (?layout=board) and the manual order (issue 15).

Drag a card to another column with the mouse; move cards by keyboard across and within columns
and hear each move; reorder the list in the Manual sort; move without JavaScript; a 2,000-card
column loads more as it scrolls; axe finds nothing serious in either theme or on a phone.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from e2e.support import open_board
from e2e.test_accessibility import LOOKS, assert_accessible
from tasks.kanban import KANBAN_PAGE_SIZE
from tasks.models import GAP, Project, Status, Tag, Task, TaskTag

BOARD = "/?layout=board"


def column(page, status):
    return page.locator(f"[data-cards='{status}']")


def cards(page, status):
    return column(page, status).locator("> [data-card]")


def card(page, task):
    return page.locator(f"#task-{task.pk}")


def order(user, status):
    return list(
        Task.objects.visible_to(user)
        .filter(status=status)
        .order_by("position", "id")
        .values_list("title", flat=True)
    )


@pytest.fixture
def three(user):
    return [
        Task.objects.create(user=user, title=title, position=i * GAP)
        for i, title in enumerate(["Renew passport", "Book dentist", "Call plumber"])
    ]


def test_it_drags_a_card_to_another_column_with_the_mouse(board, user, three):
    doing = Task.objects.create(user=user, title="Write report", status="in_progress")
    page = open_board(board, BOARD)
    # Grab the card by its bottom edge (its title is a link and its buttons are not handles).
    whole, to = card(page, three[0]).bounding_box(), card(page, doing).bounding_box()
    box = {"x": whole["x"] + whole["width"] - 24, "y": whole["y"] + whole["height"] - 8}
    box |= {"width": 8, "height": 4}
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    # Sortable starts a drag on the tick after the first move: wait for its dragged copy, or a
    # busy machine sends the moves below before the drag has begun and nothing is dropped.
    page.mouse.move(box["x"] + box["width"] / 2 + 4, box["y"] + box["height"] / 2 + 4)
    expect(page.locator(".kanban-drag")).to_have_count(1)
    for step in range(1, 11):  # Sortable follows the pointer; a jump would skip its hit tests
        x = box["x"] + (to["x"] + 20 - box["x"]) * step / 10
        y = box["y"] + (to["y"] + to["height"] * 0.75 - box["y"]) * step / 10
        page.mouse.move(x, y)
    # Sortable tests what is under the pointer every 50 ms: release once the card's placeholder
    # is in the target column, not before.
    expect(column(page, "in_progress").locator(".kanban-ghost")).to_have_count(1)
    page.mouse.up()

    expect(cards(page, "in_progress")).to_have_count(2)
    expect(page.get_by_role("status")).to_contain_text("Moved “Renew passport” to In progress")
    expect(page.locator("#column-count-in_progress")).to_contain_text("2")
    expect(page.locator("#column-count-pending")).to_contain_text("2")
    assert Task.objects.get(pk=three[0].pk).status == Status.IN_PROGRESS
    assert order(user, Status.PENDING) == ["Book dentist", "Call plumber"]


def test_it_moves_cards_by_keyboard_across_and_within_columns(board, user, three):
    Task.objects.create(user=user, title="Write report", status="in_progress", position=0)
    page = open_board(board, BOARD)
    card(page, three[0]).focus()

    page.keyboard.press("j")
    expect(card(page, three[1])).to_be_focused()
    page.keyboard.press("Shift+ArrowDown")
    expect(page.get_by_role("status")).to_contain_text(
        "Moved “Book dentist” to Pending, position 3 of 3"
    )
    expect(card(page, three[1])).to_be_focused()
    assert order(user, Status.PENDING) == ["Renew passport", "Call plumber", "Book dentist"]

    page.keyboard.press("Alt+ArrowUp")
    expect(page.get_by_role("status")).to_contain_text("position 2 of 3")
    assert order(user, Status.PENDING) == ["Renew passport", "Book dentist", "Call plumber"]

    page.keyboard.press("Shift+ArrowRight")
    expect(page.get_by_role("status")).to_contain_text(
        "Moved “Book dentist” to In progress, position 1 of 2"
    )
    expect(card(page, three[1])).to_be_focused()
    expect(cards(page, "in_progress").first).to_have_attribute("id", f"task-{three[1].pk}")
    page.keyboard.press("Shift+ArrowLeft")
    expect(page.get_by_role("status")).to_contain_text("to Pending, position 1 of 3")

    # Arrow keys move focus between columns.
    page.keyboard.press("ArrowRight")
    expect(cards(page, "in_progress").first).to_be_focused()
    page.keyboard.press("ArrowLeft")
    expect(cards(page, "pending").first).to_be_focused()
    # x completes the focused card: it moves to Completed.
    page.keyboard.press("x")
    expect(cards(page, "completed")).to_have_count(1)


def test_it_reorders_the_list_in_the_manual_sort(board, user, three):
    page = open_board(board, "/?sort=manual")
    rows = page.get_by_role("list", name="Tasks").locator("> li")
    expect(rows.first).to_contain_text("Renew passport")
    page.locator(f"#task-{three[2].pk}").focus()

    page.keyboard.press("Shift+ArrowUp")

    expect(rows.nth(1)).to_contain_text("Call plumber")
    expect(page.locator(f"#task-{three[2].pk}")).to_be_focused()
    assert order(user, Status.PENDING) == ["Renew passport", "Call plumber", "Book dentist"]
    page.keyboard.press("Alt+ArrowUp")
    expect(rows.first).to_contain_text("Call plumber")


def drag(page, source, target, below=0.75):
    """Press on `source`, move in steps (Sortable hit-tests along the way), release on
    `target` at `below` of its height."""
    box, to = source.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + 8, box["y"] + box["height"] / 2)
    page.mouse.down()
    # Sortable starts the drag on the tick after the first move (its copy follows the pointer):
    # wait for it, or a busy machine sends every move before the drag has begun.
    page.mouse.move(box["x"] + 12, box["y"] + box["height"] / 2 + 4)
    expect(page.locator(".sortable-fallback")).to_have_count(1)
    for step in range(1, 11):
        x = box["x"] + 8 + (to["x"] + 20 - box["x"] - 8) * step / 10
        y = box["y"] + box["height"] / 2
        y += (to["y"] + to["height"] * below - y) * step / 10
        page.mouse.move(x, y)
    # It tests what is under the pointer every 50 ms: stay a few of those before releasing.
    page.wait_for_timeout(150)
    page.mouse.up()


def test_it_drags_a_row_in_the_manual_list(board, user, three):
    page = open_board(board, "/?sort=manual")
    rows = page.get_by_role("list", name="Tasks").locator("> li")

    drag(page, rows.nth(2), rows.nth(0), below=0.2)

    expect(rows.first).to_contain_text("Call plumber")
    expect(page.get_by_role("status")).to_contain_text("Moved “Call plumber” to Pending")
    assert order(user, Status.PENDING) == ["Call plumber", "Renew passport", "Book dentist"]


def test_it_moves_cards_without_javascript(new_context, login, user, three):
    context = new_context(java_script_enabled=False)
    login(context, user)
    page = context.new_page()
    page.goto(BOARD)

    # One Move… per card, in its menu (a <details>): a small form, the column and the place.
    def move(task, column, place):
        card(page, task).locator("summary").click()
        card(page, task).get_by_role("link", name="Move…").click()
        expect(page.get_by_role("heading", name=f"Move “{task.title}”")).to_be_visible()
        page.get_by_label("Column", exact=True).select_option(label=column)
        page.get_by_label("Place in the column").select_option(label=place)
        page.get_by_role("button", name="Move", exact=True).click()

    move(three[2], "In progress", "Top")
    expect(page).to_have_url(re.compile(r"/\?layout=board$"))
    expect(cards(page, "in_progress")).to_have_count(1)
    expect(page.get_by_role("status")).to_contain_text("Moved “Call plumber” to In progress")

    move(three[0], "Pending", "Bottom")
    expect(cards(page, "pending").first).to_contain_text("Book dentist")
    expect(cards(page, "pending").last).to_contain_text("Renew passport")
    move(three[0], "Pending", "Top")
    expect(cards(page, "pending").first).to_contain_text("Renew passport")


def test_it_loads_more_of_a_2000_card_column_as_it_scrolls(board, user):
    inbox = Project.inbox_for(user)
    Task.objects.bulk_create(
        Task(user=user, project=inbox, title=f"Card {i:04}", position=i * GAP) for i in range(2000)
    )
    page = open_board(board, BOARD)
    size = KANBAN_PAGE_SIZE
    expect(cards(page, "pending")).to_have_count(size)
    expect(page.locator("#column-count-pending")).to_contain_text("2000")

    column(page, "pending").locator("[data-more]").scroll_into_view_if_needed()
    expect(cards(page, "pending")).to_have_count(2 * size)
    column(page, "pending").locator("[data-more]").scroll_into_view_if_needed()
    expect(cards(page, "pending")).to_have_count(3 * size)
    expect(cards(page, "pending").nth(3 * size - 1)).to_contain_text(f"Card {3 * size - 1:04}")


@pytest.mark.parametrize("look", LOOKS, indirect=True)
def test_it_has_no_serious_violations_on_the_kanban_board(board, user, make_task, look):
    home = Project.objects.create(user=user, name="Home", colour="teal")
    tag = Tag.objects.create(user=user, name="papers")
    task = make_task(user, "Renew passport", project=home, due_date="2020-01-01", priority="high")
    TaskTag.objects.create(task=task, tag=tag)
    make_task(user, "Write report", status="in_progress")
    make_task(user, "Finished task", status="completed")
    page = open_board(board, BOARD)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", look)

    assert_accessible(page)


@pytest.fixture
def look(request):
    return request.param


def test_it_saves_the_kanban_screenshot(new_context, login, django_user_model, tmp_path):
    # The demo's Work project: its board's columns are its sections.
    call_command("seed_demo", verbosity=0)
    demo = django_user_model.objects.get(username="demo")
    work = Project.objects.get(user=demo, name="Work")
    context = new_context(color_scheme="light")
    login(context, demo)
    page = open_board(context.new_page(), f"/projects/{work.pk}/{BOARD[1:]}")
    expect(page.locator("[data-cards]")).to_have_count(4)
    page.locator("[data-card]").first.focus()
    folder = Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    page.screenshot(path=folder / "board-kanban.png", animations="disabled", caret="hide")

    assert (folder / "board-kanban.png").stat().st_size > 10_000


@pytest.mark.browser_context_args(
    viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
)
def test_it_shows_one_column_at_a_time_on_a_phone(board, user, three):
    page = open_board(board, BOARD)
    doing = page.locator("#column-in_progress")
    expect(page.locator("#column-pending")).to_be_in_viewport(ratio=0.9)
    expect(doing).not_to_be_in_viewport(ratio=0.5)

    page.get_by_role("navigation", name="Columns").get_by_role("link", name="In progress").click()

    expect(doing).to_be_in_viewport(ratio=0.9)
    expect(page.locator("#column-pending")).not_to_be_in_viewport(ratio=0.5)


def test_it_moves_a_focused_card_to_another_project_with_m(board, user, three):
    home = Project.objects.create(user=user, name="Home")
    page = open_board(board, BOARD)
    card(page, three[0]).focus()

    page.keyboard.press("m")
    picker = page.get_by_role("dialog")
    expect(picker).to_be_visible()
    page.keyboard.type("hom")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(f"Moved “{three[0].title}” to Home")
    assert Task.objects.get(pk=three[0].pk).project == home
    expect(card(page, three[0])).to_be_visible()  # still on the All board, in its column


def test_a_card_moved_into_completed_updates_its_projects_count_in_the_sidebar(board, user):
    home = Project.objects.create(user=user, name="Home", colour="teal")
    first, _second = (
        Task.objects.create(user=user, project=home, title=title, position=i * GAP)
        for i, title in enumerate(["Fix gate", "Paint fence"])
    )
    page = open_board(board, BOARD)
    badge = page.locator(f"#project-count-{home.pk}")
    expect(badge).to_contain_text("2")

    card(page, first).focus()
    page.keyboard.press("Shift+ArrowRight")
    expect(page.get_by_role("status")).to_contain_text("Moved “Fix gate” to In progress")
    expect(badge).to_contain_text("2")  # still open
    page.keyboard.press("Shift+ArrowRight")
    expect(page.get_by_role("status")).to_contain_text("Moved “Fix gate” to Completed")
    expect(badge).to_have_text(re.compile(r"^\s*1\b"))
    assert Task.objects.get(pk=first.pk).status == Status.COMPLETED
