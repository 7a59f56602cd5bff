"""Journey: the calm first screen and the board of sections (issue 24).

The first task sits near the top on a desktop and three tasks fit on a phone's first screen;
the header is one line at 320 px; the select box shows on hover and focus, with `s`, and on every
row once one is selected; the Filter menu's chips remove a filter; the kanban columns scroll on
their own inside a board of fixed height; a card moves between sections with Shift+arrow and
the move is announced; axe finds nothing serious on the board of sections in either theme.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from e2e.support import open_board, open_filters, row
from e2e.test_accessibility import LOOKS, assert_accessible
from tasks import services
from tasks.models import GAP, Project, Task


def first_row_offset(page) -> float:
    return page.evaluate(
        """() => document.querySelector('#tasks > li[data-task]').getBoundingClientRect().top
                 - document.querySelector('main').getBoundingClientRect().top"""
    )


@pytest.fixture
def demo(django_user_model):
    call_command("seed_demo", verbosity=0)
    return django_user_model.objects.get(username="demo")


@pytest.mark.browser_context_args(viewport={"width": 1366, "height": 900})
@pytest.mark.parametrize("path", ["/", "/today/", "/upcoming/"])
def test_the_first_task_is_within_200_px_of_the_main_areas_top(page, login, demo, path):
    login(page.context, demo)
    open_board(page, path)

    assert first_row_offset(page) <= 200


@pytest.mark.browser_context_args(
    viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
)
def test_a_phone_shows_at_least_three_whole_tasks_on_its_first_screen(page, login, demo):
    login(page.context, demo)
    open_board(page, "/")

    whole = page.evaluate(
        """() => [...document.querySelectorAll('#tasks > li[data-task]')]
                 .filter(li => li.getBoundingClientRect().bottom <= innerHeight).length"""
    )
    assert whole >= 3


@pytest.mark.browser_context_args(
    viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
)
def test_the_header_is_one_line_at_320_px(page, login, demo):
    login(page.context, demo)
    open_board(page, "/")

    header = page.locator("header").bounding_box()
    account = page.locator(".account-menu summary").bounding_box()
    brand = page.locator(".navbar-brand").bounding_box()
    assert header["height"] < 64
    assert abs(account["y"] - brand["y"]) < 20


def test_the_select_box_shows_on_hover_focus_s_and_after_the_first_selection(
    board, user, make_task
):
    lower, top = make_task(user, "Lower"), make_task(user, "Top")  # newest first
    page = open_board(board)
    box = row(page, lower).locator("[data-select]")
    expect(box).to_have_css("opacity", "0")

    row(page, lower).hover()
    expect(box).to_have_css("opacity", "1")
    page.mouse.move(0, 0)
    page.keyboard.press("j")  # the top row has focus: its box shows, the other's not
    expect(row(page, top).locator("[data-select]")).to_have_css("opacity", "1")
    expect(box).to_have_css("opacity", "0")
    page.keyboard.press("s")

    expect(row(page, top).locator("[data-select]")).to_be_checked()
    expect(box).to_have_css("opacity", "1")  # one selected: every row's box shows


def test_a_filter_chip_removes_its_filter(board, user, make_task):
    make_task(user, "Open one")
    page = open_board(board)
    open_filters(page)
    page.get_by_label("Priority").select_option("high")
    chip = page.get_by_role("link", name="Remove filter Priority: High")
    expect(chip).to_be_visible()

    chip.click()

    expect(page.get_by_role("list", name="Active filters").get_by_role("link")).to_have_count(0)
    expect(page.locator("#tasks > li[data-task]")).to_have_count(1)
    expect(page).not_to_have_url(re.compile("priority="))


@pytest.mark.browser_context_args(viewport={"width": 1366, "height": 900})
def test_kanban_columns_scroll_on_their_own_in_a_board_of_fixed_height(board, user):
    inbox = Project.inbox_for(user)
    Task.objects.bulk_create(
        Task(user=user, project=inbox, title=f"Card {i}", position=i * GAP) for i in range(30)
    )
    page = open_board(board, "/?layout=board")

    sizes = page.evaluate(
        """() => {
          const cards = document.querySelector('[data-cards=pending]');
          return {board: document.querySelector('.kanban-columns').getBoundingClientRect().bottom,
                  page: document.documentElement.scrollHeight,
                  scroll: cards.scrollHeight, client: cards.clientHeight};
        }"""
    )
    assert sizes["board"] <= 900 and sizes["page"] <= 900
    assert sizes["scroll"] > sizes["client"]


def test_a_card_moves_between_sections_with_shift_arrows_and_is_announced(board, user):
    work = Project.objects.create(user=user, name="Work", colour="blue")
    backlog = services.create_section(user, work.pk, "Backlog")
    services.create_section(user, work.pk, "This week")
    task = Task.objects.create(user=user, project=work, section=backlog, title="Plan")
    page = open_board(board, f"/projects/{work.pk}/?layout=board")

    page.locator(f"#task-{task.pk}").focus()
    page.keyboard.press("Shift+ArrowRight")

    expect(page.get_by_role("status")).to_contain_text("Moved “Plan” to This week, position 1")
    task.refresh_from_db()
    assert task.section.name == "This week"
    page.keyboard.press("Shift+ArrowLeft")
    expect(page.get_by_role("status")).to_contain_text("Moved “Plan” to Backlog")
    expect(page.locator(f"#task-{task.pk}")).to_be_focused()
    page.keyboard.press("Shift+ArrowLeft")
    expect(page.get_by_role("status")).to_contain_text("Moved “Plan” to No section")
    task.refresh_from_db()
    assert task.section_id is None


@pytest.mark.parametrize("look", LOOKS, indirect=True)
def test_the_board_of_sections_has_no_serious_violations(board, user, look):
    work = Project.objects.create(user=user, name="Work", colour="blue")
    section = services.create_section(user, work.pk, "Backlog")
    Task.objects.create(user=user, project=work, section=section, title="Plan", priority="high")
    Task.objects.create(user=user, project=work, title="Loose")
    for path in (f"/projects/{work.pk}/?layout=board", f"/projects/{work.pk}/"):
        page = open_board(board, path)
        expect(page.locator("html")).to_have_attribute("data-bs-theme", look)
        assert_accessible(page)


@pytest.fixture
def look(request):
    return request.param
