"""Journey: views and navigation (issue 12): g-keys between scopes with back/forward/reload,
Upcoming's day headings as a screen reader meets them, saved views (save, rename, reorder,
delete, g 1), the search syntax's messages and help, without JavaScript, on a phone, and axe."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from e2e.support import keys_work, open_board, open_filters, row
from tasks.models import SavedView

axe = Axe()


def assert_accessible(page):
    results = axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


def day(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture
def week(user, make_task):
    return {
        "late": make_task(user, "Late report", due_date=day(-2)),
        "now": make_task(user, "Call the plumber", due_date=day(0)),
        "tomorrow": make_task(user, "Water the plants", due_date=day(1)),
        "later": make_task(user, "Book flights", due_date=day(5)),
        "done": make_task(user, "Finished one", due_date=day(0), status="completed"),
    }


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name)


def test_it_moves_between_views_by_key_and_back_forward_reload_reproduce_them(board, week):
    page = open_board(board)

    page.keyboard.press("g")
    page.keyboard.press("t")
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(heading(page, "Today")).to_be_visible()
    expect(page).to_have_title("Today · taskmanager")
    keys_work(page)  # a new page: its keyboard map is set up when it says so

    page.keyboard.press("g")
    page.keyboard.press("u")
    expect(page).to_have_url(re.compile(r"/upcoming/$"))
    expect(heading(page, "Upcoming")).to_be_visible()
    keys_work(page)

    page.keyboard.press("g")
    page.keyboard.press("i")
    expect(heading(page, "Inbox")).to_be_visible()

    page.go_back()
    expect(page).to_have_url(re.compile(r"/upcoming/$"))
    expect(heading(page, "Upcoming")).to_be_visible()
    page.go_back()
    expect(heading(page, "Today")).to_be_visible()
    expect(row(page, week["later"])).to_have_count(0)  # not due today
    page.go_forward()
    expect(heading(page, "Upcoming")).to_be_visible()
    page.reload()
    expect(heading(page, "Upcoming")).to_be_visible()
    expect(row(page, week["later"])).to_be_visible()

    keys_work(page)
    page.keyboard.press("g")
    page.keyboard.press("a")
    expect(heading(page, "All tasks")).to_be_visible()


def test_it_reads_upcoming_as_days_under_headings_and_j_k_skip_them(board, week):
    page = open_board(board, "/upcoming/")
    tasks = page.get_by_role("list", name="Tasks")

    names = [h.strip() for h in tasks.get_by_role("heading", level=3).all_inner_texts()]
    assert names == ["Overdue", "Today", "Tomorrow", day(5).strftime("%a %-d %b")]
    # The headings sit in the list before their days' tasks.
    items = tasks.locator("> li")
    expect(items.nth(0)).to_have_text("Overdue")
    expect(items.nth(1)).to_contain_text("Late report")
    expect(items.nth(2)).to_have_text("Today")

    page.keyboard.press("j")
    expect(row(page, week["late"])).to_be_focused()
    page.keyboard.press("j")  # over the "Today" heading
    expect(row(page, week["now"])).to_be_focused()
    page.keyboard.press("k")
    expect(row(page, week["late"])).to_be_focused()

    # Completing a task re-renders the list: it leaves its day, the other headings stay.
    page.keyboard.press("j")
    page.keyboard.press("x")
    expect(row(page, week["now"])).to_have_count(0)
    expect(tasks.get_by_role("heading", name="Today")).to_have_count(0)
    expect(tasks.get_by_role("heading", name="Tomorrow")).to_be_visible()


def test_it_saves_renames_reorders_deletes_a_view_and_g_1_opens_it(board, user, week):
    SavedView.objects.create(user=user, name="Everything", url="/", position=0)
    page = open_board(board, "/upcoming/")
    page.get_by_role("searchbox", name="Search tasks").fill("-plumber")
    expect(row(page, week["now"])).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=-plumber"))

    page.locator("#save-view summary").click()
    page.get_by_label("View name").fill("No plumbing")
    page.get_by_role("button", name="Save view").click()
    sidebar = page.locator("#sidebar-views")
    saved = sidebar.get_by_role("link", name=re.compile("^No plumbing"))
    expect(saved).to_have_attribute("aria-current", "page")
    expect(saved).to_have_attribute("href", "/upcoming/?q=-plumber")
    expect(page.get_by_role("status")).to_contain_text("Saved the view “No plumbing”")

    page.goto("/")
    keys_work(page)
    page.keyboard.press("g")
    page.keyboard.press("2")
    expect(page).to_have_url(re.compile(r"/upcoming/\?q=-plumber$"))
    expect(row(page, week["now"])).to_have_count(0)
    expect(row(page, week["tomorrow"])).to_be_visible()

    page.get_by_role("link", name="Manage saved views").click()
    expect(page.get_by_role("heading", level=1, name="Saved views")).to_be_visible()
    page.get_by_role("button", name="Move No plumbing up").click()
    view_list = page.locator("#view-list")
    expect(view_list.get_by_role("link")).to_have_text(["No plumbing", "Everything"])
    page.get_by_label("Name of No plumbing").fill("Dry work")
    page.get_by_role("button", name="Rename No plumbing").click()
    expect(view_list.get_by_role("link")).to_have_text(["Dry work", "Everything"])
    page.get_by_role("button", name="Delete Everything").click()
    expect(view_list.get_by_role("link")).to_have_text(["Dry work"])
    assert list(SavedView.objects.filter(user=user).values_list("name", flat=True)) == ["Dry work"]

    page.goto("/")
    keys_work(page)
    page.keyboard.press("g")
    page.keyboard.press("1")
    expect(page).to_have_url(re.compile(r"/upcoming/\?q=-plumber$"))


def test_it_says_what_the_search_did_not_understand_and_helps_by_key(board, week):
    page = open_board(board)
    search = page.get_by_role("searchbox", name="Search tasks")

    search.fill("-is:completed due:someday +Nowhere")
    note = page.get_by_role("note")
    expect(note).to_contain_text("Not understood:")
    expect(note).to_contain_text("due:someday — searched as text")
    expect(note).to_contain_text("+Nowhere — you have no project by that name")

    search.fill("is:completed")
    open_filters(page)
    page.get_by_label("Status").select_option("pending")
    expect(page.locator("#no-tasks")).to_contain_text(
        "is:completed in the search and Status: Pending exclude each other"
    )

    search.press("Escape")
    page.keyboard.press("h")
    dialog = page.get_by_role("dialog", name="Search syntax")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("-is:completed")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.keyboard.press("?")
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts).to_contain_text("Go to Upcoming")
    expect(shortcuts).to_contain_text("Open saved view 1 to 9")


def test_it_works_without_javascript(new_context, login, user, week):
    context = new_context(java_script_enabled=False)
    login(context, user)
    page = context.new_page()
    page.goto("/?q=due:someday")
    expect(page.get_by_role("note")).to_contain_text("due:someday — searched as text")
    page.goto("/upcoming/?q=-plumber")
    expect(page.get_by_role("heading", level=3, name="Tomorrow")).to_be_visible()

    page.locator("#save-view summary").click()
    page.get_by_label("View name").fill("Plain")
    page.get_by_role("button", name="Save view").click()
    expect(page).to_have_url(re.compile(r"/upcoming/\?q="))
    expect(
        page.locator("#sidebar-views").get_by_role("link", name=re.compile("^Plain"))
    ).to_be_visible()

    page.get_by_role("link", name="Manage saved views").click()
    page.get_by_label("Name of Plain").fill("Plain renamed")
    page.get_by_role("button", name="Rename Plain").click()
    expect(page.locator("#view-list").get_by_role("link")).to_have_text(["Plain renamed"])
    page.get_by_role("button", name="Delete Plain renamed").click()
    expect(page.get_by_text("No saved views yet.")).to_be_visible()

    page.goto("/")
    page.get_by_role("link", name="Search syntax").click()
    expect(page.get_by_role("heading", level=1, name="Search syntax")).to_be_visible()


@pytest.mark.browser_context_args(
    viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
)
def test_it_fits_a_phone(board, user, week):
    SavedView.objects.create(user=user, name="A rather long saved view name", url="/today/")
    page = open_board(board, "/upcoming/")
    expect(page.get_by_role("heading", level=3, name="Tomorrow")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.goto("/?q=due:someday+%2BNowhere")
    expect(page.get_by_role("note")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.goto("/views/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


@pytest.mark.parametrize(
    "theme",
    [
        pytest.param("light", marks=pytest.mark.browser_context_args(color_scheme="light")),
        pytest.param("dark", marks=pytest.mark.browser_context_args(color_scheme="dark")),
    ],
)
def test_it_has_no_serious_axe_violations(board, user, week, theme):
    SavedView.objects.create(user=user, name="Mine", url="/upcoming/")
    page = open_board(board, "/upcoming/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", theme)
    expect(page.get_by_role("heading", level=3, name="Tomorrow")).to_be_visible()
    page.locator("#save-view summary").click()
    assert_accessible(page)

    page.get_by_role("searchbox", name="Search tasks").fill("due:someday is:completed")
    expect(page.get_by_role("note")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("searchbox", name="Search tasks").press("Escape")

    page.keyboard.press("h")
    expect(page.get_by_role("dialog", name="Search syntax")).to_be_visible()
    assert_accessible(page)

    page.goto("/views/")
    assert_accessible(page)
    page.goto("/search/syntax/")
    assert_accessible(page)
