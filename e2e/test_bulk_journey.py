"""Journey: select tasks with the keyboard or the mouse, act on all of them at once from the
toolbar, and undo exactly that batch; without JavaScript through the same form; at phone
width; axe clean with a selection."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from e2e.support import (
    assert_no_reload,
    count_badge,
    list_replaced,
    open_board,
    row,
    task_rows,
)
from tasks.models import Priority, Project, Status, Tag, Task, TaskTag

axe = Axe()


@pytest.fixture
def four(user, make_task):
    """Four tasks, newest first on the board: Delta, Gamma, Beta, Alpha."""
    return [make_task(user, name) for name in ("Alpha", "Beta", "Gamma", "Delta")]


def box(page, task):
    return page.get_by_role("checkbox", name=f"Select {task.title}", exact=True)


def toolbar(page):
    return page.locator("#bulk-form")


def selected_ids(page) -> list[int]:
    return [int(i[5:]) for i in selected_rows(page).evaluate_all("rows => rows.map(r => r.id)")]


def selected_rows(page):
    return page.locator("#tasks > li.task-selected")


def expect_selected(page, tasks) -> None:
    """The marked rows, in page order (waiting for the keys to have been handled)."""
    expect(selected_rows(page)).to_have_count(len(tasks))
    assert selected_ids(page) == [t.pk for t in tasks]


def announced(page):
    return page.locator("#bulk-live")


def snapshot(tasks) -> list[tuple]:
    fields = ("status", "priority", "due_date", "project_id", "version", "deleted_at")
    rows = Task.objects.filter(pk__in=[t.pk for t in tasks]).order_by("pk")
    return [(*(getattr(t, f) for f in fields), tag_names(t)) for t in rows]


def tag_names(task) -> tuple[str, ...]:
    return tuple(sorted(TaskTag.objects.filter(task=task).values_list("tag__name", flat=True)))


def test_it_selects_with_the_keyboard(board, four):
    alpha, beta, gamma, delta = four
    open_board(board)
    expect(toolbar(board)).to_be_hidden()

    board.keyboard.press("j")  # the first row: Delta
    board.keyboard.press("s")
    expect(box(board, delta)).to_be_checked()
    expect(row(board, delta)).to_have_class(re.compile(r"\btask-selected\b"))
    expect(announced(board)).to_have_text("1 selected")
    expect(toolbar(board)).to_be_visible()

    board.keyboard.press("Shift+J")
    board.keyboard.press("Shift+J")
    expect_selected(board, [delta, gamma, beta])
    expect(row(board, beta)).to_be_focused()
    expect(announced(board)).to_have_text("3 selected")

    board.keyboard.press("Shift+K")  # back up: still selected, focus moves
    expect(row(board, gamma)).to_be_focused()
    board.keyboard.press(" ")  # Space on the focused row toggles it
    expect_selected(board, [delta, beta])

    board.keyboard.press("*")
    board.keyboard.press("a")
    expect(announced(board)).to_have_text("4 selected")
    expect_selected(board, [delta, gamma, beta, alpha])

    board.keyboard.press("*")
    board.keyboard.press("n")
    expect(announced(board)).to_have_text("Selection cleared")
    expect_selected(board, [])
    expect(toolbar(board)).to_be_hidden()

    board.keyboard.press("s")
    expect(announced(board)).to_have_text("1 selected")
    board.keyboard.press("Escape")
    expect_selected(board, [])
    expect(toolbar(board)).to_be_hidden()
    # Tab still treats the list as one stop: the checkboxes are reached by keys, not Tab.
    assert box(board, alpha).evaluate("el => el.tabIndex") == -1
    assert_no_reload(board)


def test_it_selects_with_the_mouse_and_a_shift_click_range(board, four):
    _, beta, gamma, delta = four
    open_board(board)

    box(board, delta).click()
    box(board, beta).click(modifiers=["Shift"])

    expect_selected(board, [delta, gamma, beta])
    expect(announced(board)).to_have_text("3 selected")
    toolbar(board).get_by_role("button", name="Clear selection").click()
    expect_selected(board, [])


def apply(page, action: str, value: str | None = None):
    """Choose `action` in the toolbar's select, fill its value, press Apply."""
    form = toolbar(page)
    form.get_by_label("Action").select_option(action)
    if action == "due":
        form.get_by_label("Date (empty clears it)").fill(value)
    elif action == "move":
        form.get_by_label("Project name").fill(value)
        # Suggested: the person's projects, read when the field was first focused.
        expect(form.locator("#bulk-projects option")).to_have_count(2)
    elif action in ("add_tag", "remove_tag"):
        form.get_by_label("Tag name").fill(value)
    form.get_by_role("button", name="Apply", exact=True).click()


ACTIONS = [
    ("complete", None, "3 tasks completed"),
    ("reopen", None, "1 task reopened"),
    ("priority:high", None, "4 tasks set to High priority"),
    ("status:in_progress", None, "4 tasks set to In progress"),
    ("due", "2031-05-17", "4 tasks due Sat 17 May 2031"),
    ("move", "Finance", "4 tasks moved to Finance"),
    ("add_tag", "errands", "Tag “errands” added to 4 tasks"),
    ("remove_tag", "home", "Tag “home” removed from 1 task"),
    ("delete", None, "4 tasks deleted"),
]


def test_it_applies_each_action_and_undoes_exactly_that_batch(board, user, four):
    Project.objects.create(user=user, name="Finance")
    Task.objects.filter(pk=four[0].pk).update(status=Status.COMPLETED, priority=Priority.LOW)
    TaskTag.objects.create(task=four[1], tag=Tag.objects.create(user=user, name="home"))
    open_board(board)
    toasts = board.get_by_role("status")

    for action, value, words in ACTIONS:
        before = snapshot(four)
        board.keyboard.press("j")
        board.keyboard.press("*")
        board.keyboard.press("a")
        expect(announced(board)).to_have_text("4 selected")

        apply(board, action, value)

        expect(toasts).to_contain_text(words)
        assert snapshot(four) != before, action
        expect(toolbar(board)).to_be_hidden()  # a new list: nothing selected
        if action == "delete":
            expect(task_rows(board)).to_have_count(0)
            expect(count_badge(board, "all")).to_have_text("0")

        undo = toasts.locator(".toast", has_text=words).get_by_role("button", name="Undo")
        with list_replaced(board):
            undo.click()

        after = snapshot(four)
        for then, now in zip(before, after, strict=True):
            changed = then[:4] != now[:4] or then[5:] != now[5:]
            assert not changed, (action, then, now)
        expect(task_rows(board)).to_have_count(4)
    assert_no_reload(board)


def test_it_completes_with_the_toolbar_button(board, four):
    open_board(board)
    box(board, four[0]).click()

    toolbar(board).get_by_role("button", name="Complete", exact=True).click()

    expect(board.get_by_role("status")).to_contain_text("1 task completed")
    assert Task.objects.get(pk=four[0].pk).status == Status.COMPLETED
    expect(count_badge(board, "completed")).to_have_text("1")


def test_it_selects_all_matching_beyond_the_page(board, user, make_task, settings):
    settings.TASKS_PAGE_SIZE = 2
    tasks = [make_task(user, f"Report {i}") for i in range(5)]
    make_task(user, "Unrelated")
    open_board(board, "/?q=report")
    board.keyboard.press("j")
    board.keyboard.press("*")
    board.keyboard.press("a")
    all_matching = toolbar(board).get_by_role("checkbox", name="Select all 5 matching")

    all_matching.check()
    expect(announced(board)).to_have_text("All 5 matching selected")
    toolbar(board).get_by_role("button", name="Complete", exact=True).click()

    expect(board.get_by_role("status")).to_contain_text("5 tasks completed")
    assert Task.objects.filter(pk__in=[t.pk for t in tasks], status=Status.COMPLETED).count() == 5
    assert Task.objects.get(title="Unrelated").status == Status.PENDING


def test_it_works_without_javascript(new_context, login, user, four):
    context = new_context(java_script_enabled=False)
    login(context, user)
    page = context.new_page()
    page.goto("/?sort=title")
    alpha, beta, *_ = four
    expect(toolbar(page)).to_be_visible()

    box(page, alpha).check()
    box(page, beta).check()
    toolbar(page).get_by_label("Action").select_option("priority:high")
    toolbar(page).get_by_role("button", name="Apply", exact=True).click()

    expect(page).to_have_url(re.compile(r"/\?sort=title$"))
    toasts = page.get_by_role("status")
    expect(toasts).to_contain_text("2 tasks set to High priority")
    assert {Task.objects.get(pk=t.pk).priority for t in (alpha, beta)} == {Priority.HIGH}

    toasts.get_by_role("button", name="Undo").click()

    expect(page).to_have_url(re.compile(r"/\?sort=title$"))
    expect(page.get_by_role("status")).to_contain_text("2 tasks put back")
    assert {Task.objects.get(pk=t.pk).priority for t in (alpha, beta)} == {Priority.MEDIUM}


@pytest.mark.browser_context_args(
    viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
)
def test_it_fits_a_phone(board, four):
    open_board(board)
    box(board, four[0]).tap()
    box(board, four[1]).tap()

    expect(announced(board)).to_have_text("2 selected")
    expect(toolbar(board)).to_be_visible()
    assert board.evaluate("document.documentElement.scrollWidth") <= 390
    toolbar(board).get_by_role("button", name="Delete", exact=True).tap()
    expect(board.get_by_role("status")).to_contain_text("2 tasks deleted")


def test_it_is_accessible_with_a_selection(board, four):
    open_board(board)
    board.keyboard.press("j")
    board.keyboard.press("*")
    board.keyboard.press("a")
    expect(toolbar(board)).to_be_visible()
    toolbar(board).get_by_label("Action").select_option("add_tag")

    results = axe.run(board)

    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()
