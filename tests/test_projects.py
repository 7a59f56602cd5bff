"""Projects: the manage page and each change to a project (plain POST/redirect/GET and htmx),
isolation, the Inbox's protections, delete with an exact undo, the trash, the sidebar, chips
and "Show completed"."""

import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks.models import Project, Status, Task
from tests.conftest import HTMX, htmx_on, oob_toasts, row_ids
from tests.html import find, find_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(alice):
    return Project.objects.create_for(alice, "Work", "blue")


@pytest.fixture
def home(alice):
    return Project.objects.create_for(alice, "Home", "green")


def names(user) -> list[str]:
    return list(
        Project.objects.visible_to(user).filter(is_inbox=False).values_list("name", flat=True)
    )


def toast_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the manage page and create ------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_lists_projects_with_their_open_counts(alice_client, alice, work, make_task, headers):
    make_task(alice, "one", project=work)
    make_task(alice, "two", project=work)
    make_task(alice, "done", project=work, status=Status.COMPLETED)

    response = alice_client.get("/projects/", **headers)

    assert response.status_code == 200
    row = find(response, "li", id=f"project-{work.pk}")
    assert "Work" in row.text and "2 open tasks" in row.text


def test_it_creates_a_project_at_the_end_with_a_plain_post(alice_client, alice, work):
    response = alice_client.post("/projects/new/", {"name": "  Errands ", "colour": "red"})

    assert response.status_code == 302 and response["Location"] == "/projects/"
    errands = Project.objects.get(user=alice, name="Errands")
    assert errands.colour == "red" and errands.position > work.position
    assert names(alice) == ["Work", "Errands"]


def test_it_creates_a_project_in_place_with_htmx(alice_client, alice):
    response = alice_client.post("/projects/new/", {"name": "Errands", "colour": "teal"}, **HTMX)

    assert response.status_code == 200
    assert find(response, "section", id="project-list")
    assert "Created “Errands”" in oob_toasts(response)
    assert find(response, "form", id="project-create", hx_swap_oob="true")


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "Give the project a name."),
        ("   ", "Give the project a name."),
        ("x" * 81, "Keep the name to 80 characters (it has 81)."),
        ("WORK", "You already have a project with this name."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_refuses_a_bad_name_in_place(alice_client, alice, work, name, error, headers):
    response = alice_client.post("/projects/new/", {"name": name, "colour": "red"}, **headers)

    assert response.status_code == 422
    assert error in response.content.decode()
    assert names(alice) == ["Work"]
    if headers:  # the form is swapped in place of itself, not of the list
        assert response["HX-Retarget"] == "#project-create"


def test_it_accepts_a_name_of_80_characters_and_another_users_name(alice_client, bob):
    Project.objects.create_for(bob, "Work")
    assert alice_client.post("/projects/new/", {"name": "y" * 80}).status_code == 302
    assert alice_client.post("/projects/new/", {"name": "Work"}).status_code == 302


def test_it_refuses_a_colour_outside_the_palette(alice_client, alice):
    response = alice_client.post("/projects/new/", {"name": "Odd", "colour": "#ff0000"})
    assert response.status_code == 422
    assert names(alice) == []


def test_it_shows_the_create_form_as_a_page_without_javascript(alice_client):
    response = alice_client.get("/projects/new/")
    assert response.status_code == 200
    assert find(response, "form", id="project-create", action="/projects/new/", method="post")


# --- rename and recolour -------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_opens_the_editor(alice_client, work, headers):
    response = alice_client.get(f"/projects/{work.pk}/edit/", **headers)
    assert response.status_code == 200
    assert find(response, "input", name="name", value="Work")
    assert find(response, "input", name="version", value=str(work.version))


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_renames_and_recolours_at_the_version_shown(alice_client, work, headers):
    data = {"name": "Job", "colour": "purple", "version": work.version}
    response = alice_client.post(f"/projects/{work.pk}/edit/", data, **headers)

    assert response.status_code == (200 if headers else 302)
    work.refresh_from_db()
    assert (work.name, work.colour, work.version) == ("Job", "purple", 2)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_answers_409_with_the_current_state_when_changed_elsewhere(alice_client, work, headers):
    assert work.update_if_current(work.version, name="Job")  # another tab renamed it

    data = {"name": "Office", "colour": "red", "version": 1}
    response = alice_client.post(f"/projects/{work.pk}/edit/", data, **headers)

    assert response.status_code == 409
    page = response.content.decode()
    assert "changed elsewhere" in page and "“Job”" in page
    assert find(response, "input", name="version", value="2")
    work.refresh_from_db()
    assert work.name == "Job"


def test_it_refuses_a_rename_onto_another_project(alice_client, work, home):
    data = {"name": "home", "colour": "blue", "version": work.version}
    response = alice_client.post(f"/projects/{work.pk}/edit/", data, **HTMX)
    assert response.status_code == 422
    assert "You already have a project with this name." in response.content.decode()


def test_it_allows_changing_only_the_case_of_a_name(alice_client, work):
    data = {"name": "WORK", "colour": "blue", "version": work.version}
    assert alice_client.post(f"/projects/{work.pk}/edit/", data).status_code == 302
    work.refresh_from_db()
    assert work.name == "WORK"


def test_it_refuses_a_garbled_version(alice_client, work):
    data = {"name": "Job", "colour": "blue", "version": "x"}
    assert alice_client.post(f"/projects/{work.pk}/edit/", data).status_code == 422
    work.refresh_from_db()
    assert work.name == "Work"


# --- the Inbox -----------------------------------------------------------------------------


def test_it_keeps_the_inbox_name_but_lets_its_colour_change(alice_client, alice):
    inbox = Project.inbox_for(alice)
    renamed = {"name": "Stuff", "colour": "red", "version": inbox.version}
    response = alice_client.post(f"/projects/{inbox.pk}/edit/", renamed, **HTMX)
    assert response.status_code == 422
    assert "The Inbox cannot be renamed." in response.content.decode()

    recoloured = {"name": "Inbox", "colour": "red", "version": inbox.version}
    assert alice_client.post(f"/projects/{inbox.pk}/edit/", recoloured).status_code == 302
    inbox.refresh_from_db()
    assert (inbox.name, inbox.colour) == ("Inbox", "red")


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_never_archives_or_deletes_the_inbox(alice_client, alice, make_task, headers):
    inbox = Project.inbox_for(alice)
    task = make_task(alice, "in the inbox")

    archive = alice_client.post(
        f"/projects/{inbox.pk}/archive/", {"archived": "1", "version": inbox.version}, **headers
    )
    delete = alice_client.post(f"/projects/{inbox.pk}/delete/", **headers)

    assert archive.status_code in (302, 400) and delete.status_code in (302, 400)
    inbox.refresh_from_db()
    task.refresh_from_db()
    assert not inbox.archived and inbox.deleted_at is None and task.deleted_at is None
    assert alice_client.get(f"/projects/{inbox.pk}/delete/").status_code == 302


def test_the_model_refuses_to_trash_or_archive_the_inbox(alice):
    inbox = Project.inbox_for(alice)
    with pytest.raises(ValueError, match="cannot be deleted"):
        inbox.trash()
    with pytest.raises(ValueError, match="cannot be archived"):
        inbox.update_if_current(inbox.version, archived=True)


def test_the_manage_page_offers_no_delete_or_archive_for_the_inbox(alice_client, alice):
    inbox = Project.inbox_for(alice)
    row = find(alice_client.get("/projects/"), "li", id=f"project-{inbox.pk}")
    assert "Delete" not in row.text and "Archive" not in row.text


# --- archive ---------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_archives_and_unarchives(alice_client, work, headers):
    url = f"/projects/{work.pk}/archive/"
    assert alice_client.post(url, {"archived": "1", "version": 1}, **headers).status_code in (
        200,
        302,
    )
    work.refresh_from_db()
    assert work.archived

    response = alice_client.post(url, {"archived": "0", "version": work.version}, **headers)
    work.refresh_from_db()
    assert not work.archived
    if headers:
        assert "Unarchived “Work”" in oob_toasts(response)


def test_it_answers_409_when_archiving_a_stale_version(alice_client, work):
    work.update_if_current(work.version, colour="red")
    response = alice_client.post(
        f"/projects/{work.pk}/archive/", {"archived": "1", "version": 1}, **HTMX
    )
    assert response.status_code == 409
    work.refresh_from_db()
    assert not work.archived


def test_archived_projects_sit_in_a_collapsed_sidebar_section(alice_client, work, home):
    work.update_if_current(work.version, archived=True)

    page = alice_client.get("/")

    details = find(page, "details", class_="sidebar-archived")
    assert details and "Work" in details.text and not details.attrs.__contains__("open")
    assert "Home" in find(page, "ul", id="sidebar-projects").text
    assert "Work" not in find(page, "ul", id="sidebar-projects").text
    # On the archived project's own page the section is open, its link marked current.
    own = alice_client.get(f"/projects/{work.pk}/")
    assert find(own, "details", class_="sidebar-archived").attrs.__contains__("open")


# --- reorder ---------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_moves_a_project_up_and_down(alice_client, alice, work, home, headers):
    errands = Project.objects.create_for(alice, "Errands")
    assert names(alice) == ["Work", "Home", "Errands"]

    alice_client.post(f"/projects/{errands.pk}/move/", {"direction": "up"}, **headers)
    assert names(alice) == ["Work", "Errands", "Home"]

    alice_client.post(f"/projects/{work.pk}/move/", {"direction": "down"}, **headers)
    assert names(alice) == ["Errands", "Work", "Home"]

    # At an end, nothing moves.
    alice_client.post(f"/projects/{errands.pk}/move/", {"direction": "up"}, **headers)
    assert names(alice) == ["Errands", "Work", "Home"]


def test_it_refuses_an_unknown_direction(alice_client, alice, work, home):
    response = alice_client.post(f"/projects/{work.pk}/move/", {"direction": "sideways"})
    assert response.status_code == 422
    assert names(alice) == ["Work", "Home"]


def test_the_sidebar_follows_the_order(alice_client, alice, work, home):
    Project.objects.move(alice, home.pk, -1)
    links = find(alice_client.get("/"), "ul", id="sidebar-projects").find_all("a")
    assert [a["data-project-name"] for a in links] == ["Home", "Work"]


# --- delete, undo and the trash -----------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_asks_before_deleting_and_says_how_many_tasks(
    alice_client, alice, work, make_task, headers
):
    for n in range(12):
        make_task(alice, f"t{n}", project=work)

    response = alice_client.get(f"/projects/{work.pk}/delete/", **headers)

    assert response.status_code == 200
    question = find(response, "p", id=f"project-{work.pk}-confirm").text
    assert question.startswith("Delete “ Work ” and its 12 tasks?")  # .text spaces out tags
    assert Project.objects.visible_to(alice).filter(pk=work.pk).exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_delete_then_undo_restores_exactly_the_project_and_its_tasks(
    alice_client, alice, work, make_task, headers
):
    kept = [make_task(alice, f"t{n}", project=work) for n in range(3)]
    earlier = make_task(alice, "trashed before", project=work)
    earlier.soft_delete()
    elsewhere = make_task(alice, "in the inbox")

    response = alice_client.post(f"/projects/{work.pk}/delete/", **headers)

    assert response.status_code == (200 if headers else 302)
    work.refresh_from_db()
    assert work.deleted_at is not None
    stamps = set(
        Task.objects.filter(pk__in=[t.pk for t in kept]).values_list("deleted_at", flat=True)
    )
    assert stamps == {work.deleted_at}
    assert Task.objects.visible_to(alice).filter(pk=elsewhere.pk).exists()
    assert "Deleted “Work” and its 3 tasks" in toast_texts(response)[-1]
    if headers:
        assert f'action="/projects/{work.pk}/restore/"' in oob_toasts(response)

    undo = alice_client.post(f"/projects/{work.pk}/restore/", **headers)

    assert undo.status_code == (200 if headers else 302)
    live = set(Task.objects.visible_to(alice).filter(project=work).values_list("pk", flat=True))
    assert live == {t.pk for t in kept}
    earlier.refresh_from_db()
    assert earlier.deleted_at is not None  # was in the trash before: stays there
    assert names(alice) == ["Work"]


def test_a_deleted_projects_name_is_free_and_undo_then_renames(alice_client, alice, work):
    alice_client.post(f"/projects/{work.pk}/delete/")
    assert alice_client.post("/projects/new/", {"name": "Work"}).status_code == 302

    alice_client.post(f"/projects/{work.pk}/restore/")

    assert sorted(names(alice)) == ["Work", "Work (restored)"]


def test_undo_of_a_project_that_is_not_deleted_is_nothing_to_undo(alice_client, work):
    response = alice_client.post(f"/projects/{work.pk}/restore/", **HTMX)
    assert response.status_code == 200
    assert "Nothing to undo." in oob_toasts(response)


def test_a_deleted_project_is_gone_from_the_board_and_sidebar(alice_client, alice, work):
    alice_client.post(f"/projects/{work.pk}/delete/")
    assert alice_client.get(f"/projects/{work.pk}/").status_code == 404
    assert "Work" not in find(alice_client.get("/"), "nav", id="sidebar-nav").text


def test_restoring_one_task_of_a_deleted_project_from_the_trash_puts_it_in_the_inbox(
    alice_client, alice, work, make_task
):
    task = make_task(alice, "rescued", project=work)
    other = make_task(alice, "left behind", project=work)
    alice_client.post(f"/projects/{work.pk}/delete/")

    response = alice_client.post(f"/trash/{task.pk}/restore/", **HTMX)

    assert response.status_code == 200
    task.refresh_from_db()
    other.refresh_from_db()
    work.refresh_from_db()
    assert task.deleted_at is None and task.project == Project.inbox_for(alice)
    assert other.deleted_at is not None and work.deleted_at is not None
    # The project's own undo later still brings back the rest.
    work.restore()
    other.refresh_from_db()
    task.refresh_from_db()
    assert other.deleted_at is None and task.project == Project.inbox_for(alice)


def test_z_after_a_project_delete_brings_the_whole_project_back(
    alice_client, alice, work, make_task
):
    tasks = [make_task(alice, f"t{n}", project=work) for n in range(2)]
    alice_client.post(f"/projects/{work.pk}/delete/")

    response = alice_client.post("/trash/undo/", **HTMX)

    assert response.status_code == 200
    work.refresh_from_db()
    assert work.deleted_at is None
    assert set(row_ids(response)) >= {t.pk for t in tasks}
    assert "Restored “Work” and its tasks" in oob_toasts(response)


# --- isolation -------------------------------------------------------------------------------

PROJECT_ROUTES = ["edit", "archive", "move", "delete", "restore"]


@pytest.mark.parametrize("route", PROJECT_ROUTES)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_another_users_project_is_a_404_on_every_route(client, bob, work, route, method, headers):
    client.force_login(bob)
    if route == "restore":
        work.trash()
    data = {"name": "Mine", "colour": "red", "version": 1, "archived": "1", "direction": "up"}
    call = getattr(client, method)

    response = call(f"/projects/{work.pk}/{route}/", data if method == "post" else {}, **headers)

    assert response.status_code in (404, 405)
    if route in ("edit", "delete") or method == "post":
        assert response.status_code == 404
    work.refresh_from_db()
    assert (work.name, work.archived) == ("Work", False)


def test_the_manage_page_lists_only_ones_own_projects(client, bob, work):
    client.force_login(bob)
    assert "Work" not in client.get("/projects/").content.decode()


# --- a task's project in the forms ----------------------------------------------------------


def test_the_full_form_offers_active_projects_plus_the_current_one(
    alice_client, alice, work, home, make_task
):
    archived = Project.objects.create_for(alice, "Old")
    archived.update_if_current(archived.version, archived=True)
    task = make_task(alice, "x", project=archived)

    select = find(alice_client.get(f"/task/{task.pk}/edit/"), "select", name="project")

    options = [o.text for o in select.find_all("option")]
    assert options == ["Inbox", "Work", "Home", "Old"]
    assert select.find("option", selected=True).text == "Old"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_an_edit_moves_a_task_to_another_project(alice_client, alice, work, make_task, headers):
    task = make_task(alice, "x")
    data = {
        "title": "x",
        "priority": "medium",
        "status": "pending",
        "project": work.pk,
        "version": task.version,
    }
    response = alice_client.post(f"/task/{task.pk}/edit/", data, **headers)

    assert response.status_code in (200, 302)
    task.refresh_from_db()
    assert task.project == work


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_another_users_project_id_is_a_form_error_never_saved(
    alice_client, alice, bob, make_task, headers
):
    theirs = Project.objects.create_for(bob, "Bob's")
    task = make_task(alice, "x")
    data = {
        "title": "x",
        "priority": "medium",
        "status": "pending",
        "project": theirs.pk,
        "version": task.version,
    }

    edit = alice_client.post(f"/task/{task.pk}/edit/", data, **headers)
    create = alice_client.post("/task/new/", {"title": "new", "project": theirs.pk}, **headers)

    assert edit.status_code == 422 and create.status_code == 422
    assert "Choose one of your projects." in edit.content.decode()
    task.refresh_from_db()
    assert task.project == Project.inbox_for(alice)
    assert not Task.objects.filter(project=theirs).exists()


def test_an_editor_without_a_project_field_leaves_the_project_alone(
    alice_client, alice, work, make_task
):
    task = make_task(alice, "x", project=work)
    data = {"title": "y", "priority": "medium", "status": "pending", "version": task.version}
    assert alice_client.post(f"/task/{task.pk}/edit/", data, **HTMX).status_code == 200
    task.refresh_from_db()
    assert (task.title, task.project) == ("y", work)


def test_quick_add_on_a_projects_page_adds_to_that_project(alice_client, alice, work):
    response = alice_client.post(
        "/task/new/", {"title": "From the project page"}, **htmx_on(f"/projects/{work.pk}/")
    )
    assert response.status_code == 200
    assert Task.objects.get(title="From the project page").project == work

    alice_client.post("/task/new/", {"title": "Plain", "next": f"/projects/{work.pk}/"})
    assert Task.objects.get(title="Plain").project == work

    alice_client.post("/task/new/", {"title": "On the board"}, **HTMX)
    assert Task.objects.get(title="On the board").project == Project.inbox_for(alice)


def test_the_full_create_form_takes_a_project(alice_client, work):
    page = alice_client.get("/task/new/")
    assert find(page, "select", name="project")
    alice_client.post("/task/new/", {"title": "Chosen", "project": work.pk})
    assert Task.objects.get(title="Chosen").project == work


# --- rows, chips and the row cache ----------------------------------------------------------


def chip(response, task):
    row = find(response, "li", id=f"task-{task.pk}")
    return row.find("a", class_="project-chip")


def test_rows_show_the_project_chip_except_in_its_own_view_and_for_the_inbox(
    alice_client, alice, work, make_task
):
    task = make_task(alice, "work task", project=work)
    inboxed = make_task(alice, "inbox task")

    board = alice_client.get("/")
    assert "Work" in chip(board, task).text
    assert chip(board, task).find("span", class_="project-colour-blue")
    assert chip(board, inboxed) is None
    assert chip(alice_client.get(f"/projects/{work.pk}/"), task) is None


def test_renaming_or_recolouring_a_project_renews_its_cached_rows(
    alice_client, alice, work, make_task
):
    task = make_task(alice, "work task", project=work)
    alice_client.get("/")  # the row is cached now

    work.update_if_current(work.version, name="Job", colour="red")

    shown = chip(alice_client.get("/"), task)
    assert "Job" in shown.text and shown.find("span", class_="project-colour-red")


def test_the_board_reads_projects_in_the_list_query(client, django_user_model, days):
    counts = []
    for n, name in ((2, "few"), (30, "many")):
        user = django_user_model.objects.create_user(name)
        projects = [Project.objects.create_for(user, f"P{i}") for i in range(n)]
        Task.objects.bulk_create(
            Task(user=user, title=f"t{i}", project=projects[i % n]) for i in range(2 * n)
        )
        client.force_login(user)
        with CaptureQueriesContext(connection) as page:
            assert client.get("/").status_code == 200
        with CaptureQueriesContext(connection) as project_page:
            assert client.get(f"/projects/{projects[0].pk}/").status_code == 200
        with CaptureQueriesContext(connection) as manage_page:
            assert client.get("/projects/").status_code == 200
        counts.append((len(page), len(project_page), len(manage_page)))
    assert counts[0] == counts[1]
    # A project's page reads its sections too (its list is grouped by them).
    assert counts[1][0] <= 5 and counts[1][1] <= 6 and counts[1][2] <= 4


# --- the sidebar -----------------------------------------------------------------------------


def test_the_sidebar_lists_the_scopes_and_projects_with_open_counts(
    alice_client, alice, work, make_task
):
    make_task(alice, "a", project=work)
    make_task(alice, "b", project=work, status=Status.COMPLETED)
    make_task(alice, "c")

    sidebar = find(alice_client.get(f"/projects/{work.pk}/"), "nav", id="sidebar-nav")

    texts = [a.text for a in sidebar.find_all("a", class_="nav-link")]
    # Today's icon shows the day of the month (hidden from screen readers).
    assert re.fullmatch(r"\d{1,2} Today", texts[1])
    texts[1] = "Today"
    assert texts[:4] == ["Inbox 1 open", "Today", "Upcoming", "All tasks"]
    assert "Work 1 open" in texts
    current = sidebar.find_all("a", aria_current="page")
    assert [a.text for a in current] == ["Work 1 open"]
    offcanvas = find(alice_client.get("/"), "div", id="sidebar")
    assert "offcanvas-lg" in offcanvas["class"].split()


def test_the_board_header_has_a_lists_button_that_works_without_javascript(alice_client):
    button = find(alice_client.get("/"), "a", class_="board-lists-button")
    assert button["href"] == "/projects/" and button["data-bs-target"] == "#sidebar"


def test_write_answers_renew_the_sidebar_counts_out_of_band(alice_client, alice, work, make_task):
    task = make_task(alice, "a", project=work)

    response = alice_client.post(f"/task/{task.pk}/toggle/", **HTMX)

    badge = find(response, "span", id=f"project-count-{work.pk}", hx_swap_oob="true")
    assert badge and badge.text.startswith("0")


# --- Show completed ------------------------------------------------------------------------


def test_a_project_view_hides_completed_tasks_with_a_link_to_show_them(
    alice_client, alice, work, make_task
):
    open_task = make_task(alice, "open", project=work)
    done = [make_task(alice, f"done {n}", project=work, status=Status.COMPLETED) for n in range(2)]

    page = alice_client.get(f"/projects/{work.pk}/")
    assert row_ids(page) == [open_task.pk]
    link = find(page, "a", id="show-completed")
    assert link.text.strip() == "Show completed (2)"

    shown = alice_client.get(link["href"])
    assert set(row_ids(shown)) == {open_task.pk, *(t.pk for t in done)}
    # The filter bar keeps it while filtering.
    assert find(shown, "input", name="completed", value="show")
    # A status asked for shows, rather than an empty contradiction.
    asked = alice_client.get(f"/projects/{work.pk}/", {"status": "completed"})
    assert set(row_ids(asked)) == {t.pk for t in done}


def test_other_views_still_show_completed_tasks(alice_client, alice, make_task):
    done = make_task(alice, "done", status=Status.COMPLETED)
    assert row_ids(alice_client.get("/")) == [done.pk]
    assert find(alice_client.get("/"), "a", id="show-completed") is None


# --- admin -----------------------------------------------------------------------------------


def test_the_admin_lists_projects_with_open_counts_without_a_query_per_project(
    client, django_user_model, make_task
):
    admin = django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    counts = []
    for n in (2, 12):
        for i in range(n):
            project = Project.objects.create_for(admin, f"Proj{n}-{i}")
            make_task(admin, "t", project=project)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/admin/tasks/project/", {"q": "Proj"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert len(find_all(response, "td", class_="field-open_tasks")) == 14
