"""Journey: quick add understands words. Typing shows chips rendered by the server; removing a
chip (its close button) keeps the word as text, and Backspace deletes a character; escapes keep
words literal; the saved task has the date, time, priority, tags and project; a project or tag it
creates shows in the sidebar at once; without JavaScript the same parsing happens on submit."""

import base64
import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import PASSWORD, assert_no_reload, open_board, row, task_rows
from tasks.models import Project, Task

PHRASE = "Pay rent tomorrow !high #home +Finance"


def chips(page):
    return page.get_by_role("list", name="Recognized in the new task").get_by_role("listitem")


def tomorrow_label() -> str:
    return "Due Tomorrow"  # tasks.dates: one way of writing a day everywhere


@pytest.fixture
def finance(user):
    return Project.objects.create(user=user, name="Finance", position=1)


def test_it_shows_chips_while_typing_and_saves_what_they_show(board, user, finance):
    open_board(board)
    field = board.get_by_role("textbox", name="New task")

    field.press_sequentially(PHRASE, delay=5)

    expect(chips(board)).to_have_text(
        [tomorrow_label(), "High", "#home", "Finance"], use_inner_text=True
    )
    expect(board.locator("#quick-summary")).to_have_text(
        f"Recognized: {tomorrow_label()}, High, #home, Finance"
    )
    field.press("Enter")

    expect(task_rows(board)).to_have_count(1)
    task = Task.objects.get(user=user)
    assert (task.title, task.priority, task.project) == ("Pay rent", "high", finance)
    assert list(task.tags.values_list("name", flat=True)) == ["home"]
    assert task.due_date == timezone.localdate() + dt.timedelta(days=1)
    new_row = row(board, task)
    expect(new_row).to_contain_text("Pay rent")
    expect(new_row).to_contain_text("High")
    expect(new_row.locator("time")).to_have_attribute("datetime", task.due_date.isoformat())
    expect(field).to_have_value("")
    expect(chips(board)).to_have_count(0)
    assert_no_reload(board)


def test_it_keeps_a_word_as_text_when_its_chip_is_removed(board, user):
    open_board(board)
    field = board.get_by_role("textbox", name="New task")
    field.fill("Call mom friday !h")
    expect(chips(board)).to_have_count(2)

    # The close button of the date chip: the word goes back into the title, escaped.
    board.get_by_role("button", name="Keep “friday” as text").click()

    expect(field).to_have_value("Call mom \\friday !h")
    expect(field).to_be_focused()
    expect(chips(board)).to_have_text(["High"], use_inner_text=True)
    # The preview of the rewritten text has come back (chips describe the text they came from).
    recognized = board.get_by_role("list", name="Recognized in the new task")
    expect(recognized).to_have_attribute("data-source", "Call mom \\friday !h")

    # Backspace right after a recognized token deletes a character, as in any field; the
    # chip's close button is the way to keep a word as text.
    field.press("End")
    field.press("Backspace")
    expect(field).to_have_value("Call mom \\friday !")
    expect(chips(board)).to_have_count(0)
    field.press("h")
    expect(chips(board)).to_have_text(["High"], use_inner_text=True)
    board.get_by_role("button", name="Keep “!h” as text").click()

    expect(field).to_have_value("Call mom \\friday \\!h")
    expect(chips(board)).to_have_count(0)
    field.press("Enter")

    expect(task_rows(board)).to_have_count(1)
    task = Task.objects.get(user=user)
    assert task.title == "Call mom friday !h"
    assert task.due_date is None
    assert task.priority == "none"  # the default: no priority


def test_it_keeps_escaped_and_quoted_words_literal(board, user):
    open_board(board)
    field = board.get_by_role("textbox", name="New task")

    field.fill('Read \\tomorrow magazine "next week" in 3 days')

    expect(chips(board)).to_have_count(1)
    field.press("Enter")
    expect(task_rows(board)).to_have_count(1)
    task = Task.objects.get(user=user)
    assert task.title == "Read tomorrow magazine next week"
    assert task.due_date == timezone.localdate() + dt.timedelta(days=3)


def test_it_asks_before_creating_a_new_project(board, user):
    open_board(board)
    field = board.get_by_role("textbox", name="New task")
    field.fill("Dig beds +Garden")
    expect(chips(board)).to_have_text(["New project: Garden"], use_inner_text=True)

    field.press("Enter")

    confirm = board.get_by_role("button", name="Create project “Garden” and add the task")
    expect(confirm).to_be_visible()
    assert not Task.objects.filter(user=user).exists()
    confirm.click()

    expect(task_rows(board)).to_have_count(1)
    task = Task.objects.get(user=user)
    assert (task.title, task.project.name) == ("Dig beds", "Garden")


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844}, is_mobile=True)
def test_it_shows_chips_at_phone_width_and_stays_accessible(board, user, finance):
    open_board(board)
    board.get_by_role("textbox", name="New task").fill(PHRASE + " +Garden")
    expect(chips(board)).to_have_count(4)
    expect(chips(board).last).to_be_in_viewport()

    results = Axe().run(board)

    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


def test_it_is_accessible_with_chips_shown(board, user, finance):
    open_board(board)
    board.get_by_role("textbox", name="New task").fill(PHRASE)
    expect(chips(board)).to_have_count(4)

    results = Axe().run(board)

    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


def test_it_parses_the_words_on_submit_without_javascript(new_context, login, user, finance):
    context = new_context(java_script_enabled=False)
    login(context, user)
    page = context.new_page()
    page.goto("/")

    page.get_by_role("textbox", name="New task").fill(PHRASE)
    page.get_by_role("button", name="Add task").click()

    expect(page).to_have_url(re.compile(r"/$"))
    task = Task.objects.get(user=user)
    assert (task.title, task.priority, task.project) == ("Pay rent", "high", finance)
    assert list(task.tags.values_list("name", flat=True)) == ["home"]
    expect(row(page, task)).to_contain_text("Pay rent")

    # A new project: a page asks first, and its button creates it.
    page.get_by_role("textbox", name="New task").fill("Dig beds +Garden")
    page.get_by_role("button", name="Add task").click()
    expect(page.get_by_role("heading", name="Quick add")).to_be_visible()
    expect(chips(page)).to_have_text(["New project: Garden"], use_inner_text=True)
    # Its close button needs the script: hidden rather than a button that does nothing.
    expect(page.get_by_role("button", name="Keep “+Garden” as text")).to_be_hidden()
    page.get_by_role("button", name="Create project “Garden” and add the task").click()

    expect(page).to_have_url(re.compile(r"/$"))
    assert Task.objects.get(user=user, title="Dig beds").project.name == "Garden"


def test_backspace_after_a_recognized_word_deletes_a_character(board, user):
    open_board(board)
    field = board.get_by_role("textbox", name="New task")
    field.press_sequentially("Ship release tomorrow", delay=5)
    expect(chips(board)).to_have_text([tomorrow_label()], use_inner_text=True)

    field.press("Backspace")

    expect(field).to_have_value("Ship release tomorro")
    expect(chips(board)).to_have_count(0)
    field.press("w")
    expect(chips(board)).to_have_count(1)
    field.press("Enter")
    expect(task_rows(board)).to_have_count(1)
    assert Task.objects.get(user=user).title == "Ship release"


def test_it_shows_a_time_chip_and_saves_the_due_time(board, user):
    open_board(board)
    field = board.get_by_role("textbox", name="New task")

    field.fill("Call mom tomorrow at 17:30 every week p1")

    expect(chips(board)).to_have_text(
        [tomorrow_label(), "At 17:30", "Every week", "High"], use_inner_text=True
    )
    field.press("Enter")
    expect(task_rows(board)).to_have_count(1)
    task = Task.objects.get(user=user)
    assert (task.title, task.due_time, task.recurrence) == (
        "Call mom",
        dt.time(17, 30),
        "FREQ=WEEKLY",
    )
    expect(row(board, task).locator("time")).to_contain_text("17:30")


def test_a_project_and_a_tag_made_by_quick_add_show_in_the_sidebar_at_once(board, user):
    open_board(board)
    errors = []
    board.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    field = board.get_by_role("textbox", name="New task")
    sidebar = board.get_by_role("navigation", name="Lists")
    field.fill("Paint the fence +Home #outdoors")
    field.press("Enter")

    board.get_by_role("button", name="Create project “Home” and add the task").click()

    expect(task_rows(board)).to_have_count(1)
    home = sidebar.get_by_role("link", name=re.compile(r"^Home 1 open"))
    expect(home).to_be_visible()
    expect(sidebar.get_by_role("link", name="#outdoors")).to_be_visible()
    # The person stays in quick add for the next task, as after Enter.
    expect(field).to_be_focused()
    assert not [e for e in errors if "htmx" in e], errors
    assert_no_reload(board)
    home.click()  # a working link to the new project's page
    expect(board.get_by_role("heading", name="Home")).to_be_visible()
    expect(task_rows(board)).to_have_count(1)


# The contrast ratio (WCAG) between the darkest and the lightest pixel of a PNG.
CONTRAST = """async (src) => {
  const image = new Image();
  image.src = "data:image/png;base64," + src;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width;
  canvas.height = image.height;
  const g = canvas.getContext("2d");
  g.drawImage(image, 0, 0);
  const data = g.getImageData(0, 0, image.width, image.height).data;
  const lin = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  let lo = 1;
  let hi = 0;
  for (let i = 0; i < data.length; i += 4) {
    const l = 0.2126 * lin(data[i]) + 0.7152 * lin(data[i + 1]) + 0.0722 * lin(data[i + 2]);
    lo = Math.min(lo, l);
    hi = Math.max(hi, l);
  }
  return (hi + 0.05) / (lo + 0.05);
}"""


def contrast_of(board, element) -> float:
    """The contrast between the darkest and the lightest pixel of `element` as drawn."""
    png = base64.b64encode(element.screenshot()).decode()
    scratch = board.context.new_page()  # about:blank: no CSP in the way of a data: image
    try:
        return scratch.evaluate(CONTRAST, png)
    finally:
        scratch.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_each_chips_close_button_is_visible_in_either_theme(board, user, theme):
    board.emulate_media(color_scheme=theme)
    open_board(board)
    assert board.evaluate("document.documentElement.dataset.bsTheme") == theme
    board.get_by_role("textbox", name="New task").fill("Call mom friday !h #home +Garden")
    expect(chips(board)).to_have_count(4)

    for button in chips(board).get_by_role("button").all():
        # WCAG 1.4.11: a control's graphic at least 3:1 against what is next to it.
        assert contrast_of(board, button) >= 3, button.get_attribute("aria-label")


def test_numeric_dates_follow_the_browsers_language_then_the_setting(new_context):
    # An American browser signs up: 12/24 is Christmas Eve. Settings then say day first.
    context = new_context()
    american = {"accept-language": "en-US,en;q=0.9"}  # the context's locale is en-GB
    context.route("**/*", lambda route: route.continue_(headers=route.request.headers | american))
    page = context.new_page()
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("newcomer")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^\s*Password confirmation")).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    open_board(page)
    field = page.get_by_role("textbox", name="New task")

    field.fill("Party 12/24")
    expect(chips(page)).to_have_text([re.compile(r"^Due \w{3} 24 Dec")], use_inner_text=True)

    page.goto("/accounts/settings/")
    dates = page.get_by_label("Dates")
    expect(dates).to_have_value("mdy")
    dates.select_option("dmy")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Settings saved")
    open_board(page)
    field.fill("Party 24.12.")
    expect(chips(page)).to_have_text([re.compile(r"^Due \w{3} 24 Dec")], use_inner_text=True)
    field.fill("Party 12/24")  # no 24th month: text
    expect(page.locator("#quick-chips")).not_to_contain_text("Due")
