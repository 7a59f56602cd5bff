"""Journey: tags. Adding them with suggestions by keyboard, `#` and `l`, a chip filtering the
board, the tags page's rename, merge and delete, all of it without JavaScript too, at phone
width, and axe clean in both themes."""

import re

import pytest
from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row
from e2e.test_accessibility import LOOKS, assert_accessible
from tasks.models import Tag, Task
from tasks.tagging import set_task_tags


@pytest.fixture
def look(request):
    """The theme the context was made in (LOOKS): axe runs only once it is applied."""
    return request.param


def names(task) -> list[str]:
    return sorted(Task.objects.get(pk=task.pk).tags.values_list("name", flat=True))


def test_it_adds_tags_with_suggestions_by_keyboard(board, user, make_task):
    Tag.objects.create(user=user, name="household")
    task = make_task(user, "Fix the tap")
    page = open_board(board)

    row(page, task).focus()
    page.keyboard.press("#")  # opens the editor in the Tags field
    combo = row(page, task).get_by_role("combobox", name="Tags")
    expect(combo).to_be_focused()
    combo.press_sequentially("hou")
    listbox = row(page, task).get_by_role("listbox", name="Matching tags")
    expect(listbox.get_by_role("option", name="#household")).to_be_visible()
    expect(combo).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(combo).to_have_attribute("aria-activedescendant", re.compile("."))
    page.keyboard.press("Enter")  # picks the suggestion
    expect(row(page, task).get_by_role("list", name="Tags on this task")).to_contain_text(
        "#household"
    )
    combo.press_sequentially("urgent,")  # a comma adds what was typed
    combo.press_sequentially("oops")
    page.keyboard.press("Backspace")  # not empty yet: only deletes a letter
    combo.fill("")
    page.keyboard.press("Backspace")  # empty: removes the last chip (urgent)
    expect(row(page, task).get_by_role("list", name="Tags on this task")).not_to_contain_text(
        "urgent"
    )
    combo.press_sequentially("urgent")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # an empty field: Enter saves the edit

    chips = row(page, task).locator("a[data-tag-filter]")
    expect(chips).to_have_text(["Tag #household", "Tag #urgent"])
    assert names(task) == ["household", "urgent"]
    assert_no_reload(page)

    # `l` opens the tags editor too.
    row(page, task).focus()
    page.keyboard.press("l")
    expect(row(page, task).get_by_role("combobox", name="Tags")).to_be_focused()


def test_a_chip_filters_the_board_by_its_tag(board, user, make_task):
    home = make_task(user, "Water plants")
    make_task(user, "Write report")
    set_task_tags(home, ["home"])
    page = open_board(board)

    row(page, home).get_by_role("link", name="Tag #home").click()

    expect(page).to_have_url(re.compile(r"\?q=%23home"))
    expect(page.locator("#search")).to_have_value("#home")
    expect(page.get_by_role("list", name="Tasks").locator("> li")).to_have_count(1)
    assert_no_reload(page)


def test_the_tags_page_renames_merges_and_deletes(board, user, make_task):
    a, b = make_task(user, "A"), make_task(user, "B")
    set_task_tags(a, ["home", "errand"])
    set_task_tags(b, ["house"])
    page = board
    page.goto("/tags/")
    page.wait_for_function("() => window.htmx !== undefined")  # the page has no keyboard map

    page.get_by_role("textbox", name="New name for #house", exact=True).fill("casa")
    page.get_by_role("button", name="Rename #house", exact=True).click()
    expect(page.get_by_role("link", name="#casa", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Renamed #house to #casa")

    # Renaming to an existing name offers the merge.
    page.get_by_role("textbox", name="New name for #casa", exact=True).fill("home")
    page.get_by_role("button", name="Rename #casa", exact=True).click()
    page.get_by_role("button", name="Merge into #home").click()
    expect(page.get_by_role("link", name="#casa", exact=True)).to_have_count(0)
    assert names(b) == ["home"]

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete #errand").click()
    expect(page.get_by_role("link", name="#errand", exact=True)).to_have_count(0)
    assert names(a) == ["home"]


def test_tags_work_without_javascript(new_context, login, user, make_task):
    task = make_task(user, "Plain task")
    other = make_task(user, "Other")
    set_task_tags(other, ["old"])
    context = new_context(java_script_enabled=False)
    login(context, user)
    page = context.new_page()

    page.goto(f"/task/{task.pk}/edit/")
    page.get_by_label("Tags").fill("home, errand")
    page.get_by_role("button", name="Save").click()
    assert names(task) == ["errand", "home"]

    row(page, task).get_by_role("link", name="Tag #home").click()
    expect(page).to_have_url(re.compile(r"/\?q=%23home$"))
    expect(page.get_by_role("list", name="Tasks").locator("> li")).to_have_count(1)

    page.goto("/tags/")
    page.get_by_role("link", name="Merge… #old into another tag").click()
    page.get_by_label("Merge into").select_option(label="#home")
    page.get_by_role("button", name="Merge").click()
    expect(page).to_have_url(re.compile(r"/tags/$"))
    assert names(other) == ["home"]


@pytest.mark.browser_context_args(
    viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
)
def test_the_tags_field_fits_a_phone(board, user, make_task):
    task = make_task(user, "Phone task")
    Tag.objects.create(user=user, name="mobile")
    page = open_board(board)

    row(page, task).get_by_role("button", name="Edit Phone task").click()
    combo = row(page, task).get_by_role("combobox", name="Tags")
    combo.press_sequentially("mob")
    option = row(page, task).get_by_role("option", name="#mobile")
    option.click()
    box = combo.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    row(page, task).get_by_role("button", name="Save").click()
    expect(row(page, task).locator("a[data-tag-filter]")).to_have_text(["Tag #mobile"])


@pytest.mark.parametrize("look", LOOKS, indirect=True)
def test_tags_ui_has_no_serious_violations(board, user, make_task, look):
    task = make_task(user, "Tagged task")
    set_task_tags(task, ["home", "work"])
    Tag.objects.create(user=user, name="homework")
    page = open_board(board)
    expect(page.locator("html")).to_have_attribute("data-bs-theme", look)
    assert_accessible(page)

    row(page, task).get_by_role("button", name="Edit Tagged task").click()
    combo = row(page, task).get_by_role("combobox", name="Tags")
    combo.press_sequentially("hom")
    expect(row(page, task).get_by_role("option", name="#homework")).to_be_visible()
    assert_accessible(page)

    page.goto("/tags/")
    expect(page.get_by_role("heading", name="Tags")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name="New name for #home", exact=True).fill("work")
    page.get_by_role("button", name="Rename #home", exact=True).click()
    expect(page.get_by_role("button", name="Merge into #work")).to_be_visible()
    assert_accessible(page)
