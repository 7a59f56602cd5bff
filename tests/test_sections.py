"""Sections: a project's own columns (Backlog, This week, ...). The services (create, rename,
reorder, delete with undo, put a task in one), who may do what (tasks.models.access), the
sections page, the board's section columns and moves, the list's section groups, quick add's
/Section, search's section:name, and the list versions that renew cached lists."""

import pytest
from django.test import Client

from sharing.models import Membership, Role
from tasks import services
from tasks.kanban import NO_SECTION
from tasks.models import ListVersion, Project, Section, Status, Task
from tasks.services import Forbidden, NameTaken, NotFound, Stale
from tests.conftest import HTMX, htmx_on, oob_toasts, row_ids
from tests.html import find, find_all


@pytest.fixture
def work(alice):
    return Project.objects.create(user=alice, name="Work", colour="blue")


@pytest.fixture
def sections(alice, work):
    return [services.create_section(alice, work.pk, name) for name in ("Backlog", "This week")]


def names(project) -> list[str]:
    return list(Section.objects.filter(project=project).live().values_list("name", flat=True))


def version(project) -> int:
    return ListVersion.objects.get(project=project).version


# --- services -------------------------------------------------------------------------------


def test_it_creates_sections_at_the_end_in_order(alice, work, sections):
    services.create_section(alice, work.pk, "Waiting")

    assert names(work) == ["Backlog", "This week", "Waiting"]


def test_it_refuses_a_second_section_of_the_same_name_in_any_case(alice, work, sections):
    with pytest.raises(NameTaken):
        services.create_section(alice, work.pk, "backlog")
    other = Project.objects.create(user=alice, name="Home")
    services.create_section(alice, other.pk, "Backlog")  # another project may have one

    assert names(work) == ["Backlog", "This week"]


def test_it_renames_at_the_version_seen_and_refuses_a_stale_one(alice, work, sections):
    backlog = sections[0]
    services.rename_section(alice, backlog.pk, backlog.version, "Someday")

    with pytest.raises(Stale):
        services.rename_section(alice, backlog.pk, 1, "Later")
    assert names(work) == ["Someday", "This week"]


def test_it_reorders_and_says_when_already_at_the_end(alice, work, sections):
    assert services.move_section(alice, sections[1].pk, -1)
    assert names(work) == ["This week", "Backlog"]
    assert not services.move_section(alice, sections[1].pk, -1)


def test_a_delete_moves_its_tasks_to_no_section_and_undo_puts_them_back(
    alice, work, sections, make_task
):
    backlog = sections[0]
    a = make_task(alice, "a", project=work, section=backlog)
    b = make_task(alice, "b", project=work, section=backlog)

    _, moved = services.delete_section(alice, backlog.pk)
    assert moved == 2
    assert set(Task.objects.filter(section__isnull=True).values_list("pk", flat=True)) == {
        a.pk,
        b.pk,
    }
    assert names(work) == ["This week"]

    services.set_task_section(alice, b.pk, sections[1].pk)  # moved meanwhile: stays there
    restored = services.restore_section(alice, backlog.pk)

    assert restored.name == "Backlog" and names(work) == ["Backlog", "This week"]
    assert Task.objects.get(pk=a.pk).section_id == backlog.pk
    assert Task.objects.get(pk=b.pk).section_id == sections[1].pk
    assert services.restore_section(alice, backlog.pk) is None  # nothing left to undo


def test_undo_keeps_a_name_taken_meanwhile(alice, work, sections):
    services.delete_section(alice, sections[0].pk)
    services.create_section(alice, work.pk, "Backlog")

    restored = services.restore_section(alice, sections[0].pk)

    assert restored.name == "Backlog (restored)"


def test_a_task_goes_only_into_a_section_of_its_own_project(alice, work, sections, make_task):
    home = Project.objects.create(user=alice, name="Home")
    task = make_task(alice, project=home)

    with pytest.raises(NotFound):
        services.set_task_section(alice, task.pk, sections[0].pk)
    assert Task.objects.get(pk=task.pk).section_id is None


def test_a_task_moved_to_another_project_leaves_its_section(alice, work, sections, make_task):
    home = Project.objects.create(user=alice, name="Home")
    task = make_task(alice, project=work, section=sections[0])

    services.set_task_project(alice, task.pk, task.version, home.pk)

    assert Task.objects.get(pk=task.pk).section_id is None


def test_members_share_sections_by_role(alice, bob, work, sections, make_task):
    Membership.objects.create(project=work, user=bob, role=Role.VIEWER)
    task = make_task(alice, project=work)

    assert [s.name for s in services.sections.sections_of(bob, work.pk)] == [
        "Backlog",
        "This week",
    ]
    with pytest.raises(Forbidden):
        services.create_section(bob, work.pk, "Mine")
    with pytest.raises(Forbidden):
        services.set_task_section(bob, task.pk, sections[0].pk)

    Membership.objects.filter(user=bob).update(role=Role.EDITOR)
    services.create_section(bob, work.pk, "Waiting")
    services.set_task_section(bob, task.pk, sections[0].pk)
    assert names(work)[-1] == "Waiting"


def test_a_stranger_cannot_see_or_change_sections(bob, work, sections):
    with pytest.raises(NotFound):
        services.create_section(bob, work.pk, "Mine")
    with pytest.raises(NotFound):
        services.delete_section(bob, sections[0].pk)
    assert services.restore_section(bob, sections[0].pk) is None


@pytest.mark.django_db(transaction=True)
def test_every_change_to_a_section_bumps_its_projects_list_version(alice, work):
    before = version(work)
    section = services.create_section(alice, work.pk, "Backlog")
    assert version(work) > before

    before = version(work)
    services.rename_section(alice, section.pk, section.version, "Someday")
    assert version(work) > before

    before = version(work)
    services.delete_section(alice, section.pk)
    assert version(work) > before

    before = version(work)
    Section.objects.filter(pk=section.pk).delete()
    assert version(work) > before


# --- the sections page ----------------------------------------------------------------------


def test_the_page_adds_renames_reorders_and_deletes_with_undo(alice_client, work):
    url = f"/projects/{work.pk}/sections/"
    assert alice_client.post(url, {"name": "Backlog"}).status_code == 302
    alice_client.post(url, {"name": "This week"}, **HTMX)
    backlog, week = Section.objects.order_by("position")

    response = alice_client.post(f"/sections/{week.pk}/move/", {"dir": "up"}, **HTMX)
    assert [li.find("input", name="name")["value"] for li in find_all(response, "li")] == [
        "This week",
        "Backlog",
    ]
    backlog.refresh_from_db()  # the reorder renumbered it (a new version)
    alice_client.post(
        f"/sections/{backlog.pk}/rename/", {"name": "Someday", "version": backlog.version}
    )
    response = alice_client.post(f"/sections/{week.pk}/delete/", **HTMX)

    assert "Deleted the section “This week”" in oob_toasts(response)
    undo = find(response, "form", action=f"/sections/{week.pk}/restore/")
    assert undo is not None
    alice_client.post(undo["action"], **HTMX)
    assert names(work) == ["This week", "Someday"]


def test_the_page_shows_errors_in_place_and_saves_nothing(alice_client, work, sections):
    url = f"/projects/{work.pk}/sections/"

    response = alice_client.post(url, {"name": "backlog"}, **HTMX)
    assert response.status_code == 422
    assert "already has a section with this name" in response.content.decode()

    response = alice_client.post(url, {"name": "   "})
    assert response.status_code == 422
    assert names(work) == ["Backlog", "This week"]


def test_the_page_is_not_anothers_and_needs_a_login(client, bob, work, sections):
    bobs = Client()
    bobs.force_login(bob)
    assert bobs.get(f"/projects/{work.pk}/sections/").status_code == 404
    assert bobs.post(f"/sections/{sections[0].pk}/delete/").status_code == 404
    assert client.get(f"/projects/{work.pk}/sections/").status_code == 302
    assert client.get(f"/sections/{sections[0].pk}/delete/").status_code in (302, 405)
    assert names(work) == ["Backlog", "This week"]


def test_a_viewer_sees_the_sections_without_the_forms(bob, work, sections):
    Membership.objects.create(project=work, user=bob, role=Role.VIEWER)
    bobs = Client()
    bobs.force_login(bob)

    response = bobs.get(f"/projects/{work.pk}/sections/")

    assert "Backlog" in response.content.decode()
    assert not find(response, "input", name="name")
    assert bobs.post(f"/sections/{sections[0].pk}/delete/").status_code == 403


# --- the board and the list -----------------------------------------------------------------


def test_a_project_board_has_a_column_per_section_and_one_for_none(
    alice_client, alice, work, sections, make_task
):
    loose = make_task(alice, "loose", project=work)
    planned = make_task(alice, "planned", project=work, section=sections[1])

    response = alice_client.get(f"/projects/{work.pk}/?layout=board")

    columns = find_all(response, "ul", data_cards=True)
    assert [c["data-cards"] for c in columns] == [
        NO_SECTION,
        str(sections[0].pk),
        str(sections[1].pk),
    ]
    assert find(response, "div", data_column_field="section")
    ids = {c["data-cards"]: row_ids(c.outer_html) for c in columns}
    assert ids[NO_SECTION] == [loose.pk] and ids[str(sections[1].pk)] == [planned.pk]


def test_a_project_without_sections_keeps_the_status_columns(alice_client, work):
    response = alice_client.get(f"/projects/{work.pk}/?layout=board")

    assert [c["data-cards"] for c in find_all(response, "ul", data_cards=True)] == list(
        Status.values
    )


def test_a_card_moves_between_sections_and_it_is_announced(
    alice_client, alice, work, sections, make_task
):
    task = make_task(alice, "planned", project=work)
    page = f"/projects/{work.pk}/?layout=board"

    response = alice_client.post(
        f"/task/{task.pk}/move/", {"section": sections[1].pk}, **htmx_on(page)
    )

    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).section_id == sections[1].pk
    assert "Moved “planned” to This week, position 1 of 1" in oob_toasts(response)
    alice_client.post(f"/task/{task.pk}/move/", {"section": NO_SECTION}, **htmx_on(page))
    assert Task.objects.get(pk=task.pk).section_id is None


def test_a_move_to_a_section_of_another_project_is_refused(
    alice_client, alice, work, sections, make_task
):
    home = Project.objects.create(user=alice, name="Home")
    other = services.create_section(alice, home.pk, "Elsewhere")
    task = make_task(alice, project=work)
    page = f"/projects/{work.pk}/?layout=board"

    response = alice_client.post(f"/task/{task.pk}/move/", {"section": other.pk}, **htmx_on(page))

    assert response.status_code == 404
    assert Task.objects.get(pk=task.pk).section_id is None


def test_the_move_form_without_javascript_moves_to_a_section_bottom(
    alice_client, alice, work, sections, make_task
):
    first = make_task(alice, "first", project=work, section=sections[0])
    task = make_task(alice, "mover", project=work)
    back = f"/projects/{work.pk}/?layout=board"

    form = alice_client.get(f"/task/{task.pk}/move/", {"next": back})
    options = find(form, "select", id="move-column").find_all("option")
    assert [o.text for o in options] == ["No section", "Backlog", "This week"]
    response = alice_client.post(
        f"/task/{task.pk}/move/", {"section": sections[0].pk, "at": "bottom", "next": back}
    )

    assert response.status_code == 302 and response["Location"] == back
    column = alice_client.get(back)
    assert row_ids(find(column, "ul", data_cards=str(sections[0].pk)).outer_html) == [
        first.pk,
        task.pk,
    ]


def test_a_projects_list_groups_its_tasks_by_section(
    alice_client, alice, work, sections, make_task
):
    loose = make_task(alice, "loose", project=work)
    week = make_task(alice, "week", project=work, section=sections[1])
    backlog = make_task(alice, "backlog", project=work, section=sections[0])

    response = alice_client.get(f"/projects/{work.pk}/")

    headings = [h.text for h in find(response, "ul", id="tasks").find_all("h3")]
    assert headings[:3] == ["No section 1 task", "Backlog 1 task", "This week 1 task"]
    assert row_ids(response) == [loose.pk, backlog.pk, week.pk]


def test_search_finds_a_section_by_name_and_none(alice_client, alice, work, sections, make_task):
    loose = make_task(alice, "loose", project=work)
    week = make_task(alice, "week", project=work, section=sections[1])

    assert row_ids(alice_client.get("/", {"q": 'section:"this week"'})) == [week.pk]
    assert row_ids(alice_client.get("/", {"q": "section:none"})) == [loose.pk]


@pytest.mark.django_db(transaction=True)
def test_renaming_a_section_renews_the_cached_list(alice, work, make_task):
    client = Client()
    client.force_login(alice)
    section = services.create_section(alice, work.pk, "Backlog")
    make_task(alice, "task", project=work, section=section)
    assert "Backlog" in client.get(f"/projects/{work.pk}/").content.decode()

    services.rename_section(alice, section.pk, section.version, "Someday")

    html = client.get(f"/projects/{work.pk}/").content.decode()
    assert "Someday" in html and ">Backlog" not in html


# --- quick add ------------------------------------------------------------------------------


def test_quick_add_puts_a_task_in_a_section_of_the_project_it_names(
    alice_client, alice, work, sections
):
    alice_client.post("/task/new/", {"title": "Plan /This week +Work", "quick": "1"})

    task = Task.objects.get(title="Plan")
    assert (task.project_id, task.section_id) == (work.pk, sections[1].pk)


def test_quick_add_on_a_projects_page_uses_its_sections(alice_client, alice, work, sections):
    alice_client.post(
        "/task/new/",
        {"title": "Sort /backlog", "quick": "1"},
        **htmx_on(f"/projects/{work.pk}/"),
    )

    task = Task.objects.get(title="Sort")
    assert task.section_id == sections[0].pk


def test_quick_add_refuses_a_section_the_project_has_not(alice_client, alice, work, sections):
    response = alice_client.post("/task/new/", {"title": "Plan /Backlog", "quick": "1"})

    assert response.status_code == 422
    assert "is not a section of Inbox" in response.content.decode()
    assert not Task.objects.exists()


def test_quick_add_keeps_an_unknown_slash_word_as_text(alice_client, alice, sections):
    alice_client.post("/task/new/", {"title": "Edit /etc/hosts", "quick": "1"})

    assert Task.objects.get().title == "Edit /etc/hosts"


def test_a_task_added_on_a_projects_page_shows_under_its_sections_heading(
    alice_client, alice, work, sections
):
    response = alice_client.post(
        "/task/new/",
        {"title": "Plan /This week", "quick": "1"},
        **htmx_on(f"/projects/{work.pk}/"),
    )

    assert response["HX-Retarget"] == "#task-list"
    items = find(response, "ul", id="tasks").find_all("li")
    task = Task.objects.get(title="Plan")
    ids = [f"section-{s.pk}" for s in sections] + [f"task-{task.pk}"]
    assert [li["id"] for li in items] == ids  # an empty section keeps its heading
    assert items[1].text == "This week 1 task"


@pytest.mark.parametrize("layout", ["", "board"])
def test_a_projects_page_with_sections_reads_in_a_constant_number_of_queries(
    client, django_user_model, layout
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n, name in ((2, "few"), (12, "many")):
        user = django_user_model.objects.create_user(name)
        project = Project.objects.create(user=user, name="Work")
        made = [services.create_section(user, project.pk, f"S{i}") for i in range(n)]
        Task.objects.bulk_create(
            Task(user=user, project=project, section=made[i % n], title=f"T{i}")
            for i in range(n * 10)
        )
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/projects/{project.pk}/", {"layout": layout})
        assert len(row_ids(response)) == n * 10
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # session, user, the person's projects, the sidebar's tags, views and sections, the
    # project's sections, the tasks (with each section's total): one more than a project
    # without sections, whatever the number of sections and tasks
    assert counts[0] == 6
