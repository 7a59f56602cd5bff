"""Journey: projects. Manage them in place (mouse and keyboard), move a task with `m`, go to a
project with `g p`, the sidebar as an offcanvas on a phone, everything without JavaScript, and
axe clean on the new pages in both themes."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row
from tasks.models import Project, Task

axe = Axe()


def open_projects(page):
    page.goto("/projects/")
    expect(page.get_by_role("heading", name="Projects", exact=True)).to_be_visible()
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("window.__noReload = 1")
    return page


def project_names(page) -> list[str]:
    return page.locator("#project-list > ul > li .project-name").all_inner_texts()


def test_it_manages_projects_in_place_by_keyboard_and_mouse(board, user):
    page = open_projects(board)

    # Create by keyboard: type, Tab to the colour, pick it, Enter submits.
    page.get_by_role("textbox", name="Name").fill("Work")
    page.get_by_role("combobox", name="Colour").select_option("blue")
    page.get_by_role("textbox", name="Name").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Created “Work”")
    page.get_by_role("textbox", name="Name").fill("Home")
    page.get_by_role("button", name="Create project").click()
    expect(page.locator("#project-list")).to_contain_text("Home")
    assert project_names(page) == ["Inbox", "Work", "Home"]

    # A taken name is refused in place.
    page.get_by_role("textbox", name="Name").fill("work")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_text("You already have a project with this name.")).to_be_visible()

    # Rename and recolour in place.
    page.get_by_role("link", name="Edit Work").click()
    editor = page.get_by_role("form", name="Edit project Work")
    editor.get_by_role("textbox", name="Name").fill("Job")
    editor.get_by_role("combobox", name="Colour").select_option("red")
    editor.get_by_role("textbox", name="Name").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Saved “Job”")
    expect(page.locator("#project-list .project-colour-red")).to_have_count(1)

    # Reorder with the keyboard: focus "Move Home up" and press Enter.
    page.get_by_role("button", name="Move Home up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#project-list > ul > li .project-name").nth(1)).to_have_text("Home")
    # The moved project keeps the focus: now at the top, on its "down" button.
    expect(page.get_by_role("button", name="Move Home down")).to_be_focused()

    # Archive, then bring it back from the archived section.
    page.get_by_role("button", name="Archive Job").click()
    expect(page.get_by_text("Archived projects (1)")).to_be_visible()
    page.get_by_text("Archived projects (1)").click()
    page.get_by_role("button", name="Unarchive Job").click()
    expect(page.get_by_text("Archived projects (0)")).to_be_visible()

    # Delete asks first, then Undo brings it back.
    job = Project.objects.get(user=user, name="Job")
    Task.objects.create(user=user, title="Job task", project=job)
    page.get_by_role("link", name="Delete Job").click()
    expect(page.get_by_text("and its 1 task?")).to_be_visible()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Deleted “Job” and its 1 task")
    expect(page.locator("#project-list")).not_to_contain_text("Job")
    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(page.locator("#project-list")).to_contain_text("Job")
    assert Task.objects.visible_to(user).filter(project=job).count() == 1
    assert_no_reload(page)


def test_it_moves_a_task_with_m_and_goes_to_a_project_with_g_p(board, user, make_task):
    work = Project.objects.create_for(user, "Work", "teal")
    Project.objects.create_for(user, "Home")
    task = make_task(user, "Write report")
    page = open_board(board)

    page.keyboard.press("j")
    expect(row(page, task)).to_be_focused()
    page.keyboard.press("m")
    picker = page.get_by_role("dialog", name="Move to project")
    expect(picker).to_be_visible()
    page.keyboard.type("wo")
    expect(picker.get_by_role("option", name="Home")).to_be_hidden()
    page.keyboard.press("Enter")
    expect(picker).to_be_hidden()
    expect(row(page, task).locator(".project-chip")).to_contain_text("Work")
    expect(page.get_by_role("status")).to_contain_text("Moved “Write report” to Work")
    expect(page.locator(f"#project-count-{work.pk}")).to_contain_text("1")
    task.refresh_from_db()
    assert task.project == work

    # Escape cancels without moving.
    page.keyboard.press("m")
    expect(picker).to_be_visible()
    page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    assert_no_reload(page)

    # g p: the same picker goes to a project.
    page.keyboard.press("g")
    page.keyboard.press("p")
    expect(page.get_by_role("dialog", name="Go to project")).to_be_visible()
    page.keyboard.type("work")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/projects/{work.pk}/$"))


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844}, is_mobile=True)
def test_the_sidebar_is_an_offcanvas_on_a_phone(board, user):
    work = Project.objects.create_for(user, "Work")
    page = open_board(board)
    sidebar = page.locator("#sidebar")
    expect(sidebar.get_by_role("link", name=re.compile("^Work"))).to_be_hidden()

    page.get_by_role("button", name="Lists").click()
    expect(sidebar.get_by_role("link", name=re.compile("^Work"))).to_be_visible()
    sidebar.get_by_role("link", name=re.compile("^Work")).click()
    expect(page).to_have_url(re.compile(rf"/projects/{work.pk}/$"))


def test_it_manages_projects_without_javascript(new_context, login, user):
    context = new_context(java_script_enabled=False)
    login(context, user)
    page = context.new_page()
    page.goto("/projects/")

    page.get_by_role("textbox", name="Name").fill("Work")
    page.get_by_role("button", name="Create project").click()
    expect(page).to_have_url(re.compile(r"/projects/$"))
    expect(page.get_by_role("status")).to_contain_text("Created “Work”")

    page.get_by_role("link", name="Edit Work").click()
    expect(page.get_by_role("heading", name="Edit project")).to_be_visible()
    page.get_by_role("textbox", name="Name").fill("Job")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#project-list")).to_contain_text("Job")

    page.get_by_role("link", name="Delete Job").click()
    expect(page.get_by_role("heading", name="Delete project?")).to_be_visible()
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Deleted “Job”")
    page.get_by_role("status").get_by_role("button", name="Undo").click()
    expect(page.locator("#project-list")).to_contain_text("Job")

    job = Project.objects.get(user=user, name="Job")
    page.goto(f"/projects/{job.pk}/")
    expect(page.get_by_role("heading", name="Job")).to_be_visible()


@pytest.mark.parametrize(
    "theme",
    [
        pytest.param("light", marks=pytest.mark.browser_context_args(color_scheme="light")),
        pytest.param("dark", marks=pytest.mark.browser_context_args(color_scheme="dark")),
    ],
)
def test_project_pages_have_no_serious_axe_violations_in_either_theme(
    board, user, make_task, theme
):
    for colour in ("red", "orange", "green", "teal", "blue", "purple", "pink", "grey"):
        project = Project.objects.create_for(user, f"{colour.title()} project", colour)
        make_task(user, f"A {colour} task", project=project)
    make_task(user, "Done", project=project, status="completed")
    archived = Project.objects.create_for(user, "Old")
    archived.update_if_current(archived.version, archived=True)

    for path in ("/projects/", f"/projects/{project.pk}/", "/"):
        board.goto(path)
        expect(board.locator("html")).to_have_attribute("data-bs-theme", theme)
        results = axe.run(board)
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, (path, results.generate_report())
