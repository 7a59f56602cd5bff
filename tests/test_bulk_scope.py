"""A bulk action keeps the list on screen: its scope (a project, Today with its day headings, the
Inbox), filters and sort; tasks it moved away leave the list, and every count follows
(issue 22 item 1). "All matching" means the tasks of that list, not of All tasks."""

import pytest

from sharing.models import Membership, Role
from tasks.models import BulkBatch, Priority, Project, Status, Task
from tests.conftest import htmx_on, oob_counts, oob_toasts, row_ids
from tests.html import find, find_all

pytestmark = pytest.mark.django_db

URL = "/tasks/bulk/"


def picked(*tasks) -> list[str]:
    return [f"{t.pk}:{t.version}" for t in tasks]


def sidebar_count(response, project) -> int:
    badge = find(response, "span", id=f"project-count-{project.pk}", hx_swap_oob="true")
    assert badge, f"no out-of-band count for {project.name}"
    return int(badge.text.split()[0])


@pytest.fixture
def garden(alice):
    return Project.objects.create_for(alice, "Garden")


@pytest.fixture
def nine(alice, make_task, garden, days):
    """Nine tasks: one in Garden, three due in the next days, five undated in the Inbox."""
    dig = make_task(alice, "Dig", project=garden)
    dated = [make_task(alice, f"Due {n}", due_date=days(n)) for n in (1, 0, -1)]
    rest = [make_task(alice, f"Inbox {n}") for n in range(5)]
    return dig, dated, rest


def test_on_a_project_page_the_answer_is_the_projects_list(alice_client, garden, nine):
    dig, *_ = nine
    page = f"/projects/{garden.pk}/"
    data = {"apply": "priority:high", "task": picked(dig), "next": page, "view": page}

    response = alice_client.post(URL, data, **htmx_on(page))

    assert row_ids(response) == [dig.pk]
    assert oob_counts(response) == {"all": 1, "pending": 1, "in_progress": 0, "completed": 0}
    assert Task.objects.get(pk=dig.pk).priority == Priority.HIGH


def test_on_today_the_answer_keeps_the_day_headings_and_the_due_order(alice_client, nine):
    _, (_later, today_task, overdue), _ = nine
    data = {"apply": "priority:high", "task": picked(today_task), "view": "/today/"}

    response = alice_client.post(URL, data, **htmx_on("/today/"))

    assert row_ids(response) == [overdue.pk, today_task.pk]  # no undated task, no later one
    headings = [h.text.strip() for h in find_all(response, "li", class_="day-heading")]
    assert headings == ["Overdue", "Today"]


def test_on_upcoming_a_filter_and_a_sort_stay(alice_client, nine):
    _, dated, _ = nine
    page = "/upcoming/?sort=title&q=due"
    data = {"action": "priority", "priority": "low", "task": picked(dated[0]), "view": page}

    response = alice_client.post(URL, data, **htmx_on(page))

    titles = [Task.objects.get(pk=pk).title for pk in row_ids(response)]
    assert titles == ["Due -1", "Due 0", "Due 1"]


def test_moved_tasks_leave_the_inbox_and_its_counts_follow(alice, alice_client, garden, nine):
    _, dated, rest = nine
    inbox = Project.inbox_for(alice)
    moving = [*dated, *rest]
    data = {"action": "move", "project": "Garden", "task": picked(*moving), "view": "/inbox/"}

    response = alice_client.post(URL, data, **htmx_on("/inbox/"))

    assert row_ids(response) == []
    assert oob_counts(response)["all"] == 0
    assert sidebar_count(response, inbox) == 0  # dropped to 0: renewed all the same
    assert sidebar_count(response, garden) == 9
    assert "8 tasks moved to Garden" in oob_toasts(response)


def test_undo_answers_with_the_same_list(alice, alice_client, garden, nine):
    _, dated, rest = nine
    inbox = Project.inbox_for(alice)
    alice_client.post(
        URL, {"action": "move", "project": "Garden", "task": picked(*rest)}, **htmx_on("/inbox/")
    )
    batch = BulkBatch.objects.get()

    response = alice_client.post(f"/tasks/bulk/{batch.pk}/undo/", **htmx_on("/inbox/"))

    assert set(row_ids(response)) == {t.pk for t in [*dated, *rest]}
    assert sidebar_count(response, inbox) == 8
    assert oob_counts(response)["all"] == 8


def test_a_plain_post_returns_to_the_list_it_came_from(alice_client, garden, nine):
    dig, *_ = nine
    page = f"/projects/{garden.pk}/?sort=title"
    data = {"action": "complete", "task": picked(dig), "next": page, "view": page}

    response = alice_client.post(URL, data)

    assert response.status_code == 302
    assert response["Location"] == page
    assert Task.objects.get(pk=dig.pk).status == Status.COMPLETED


def test_all_matching_means_the_lists_tasks_not_every_task(alice_client, garden, nine):
    dig, _dated, _rest = nine
    page = f"/projects/{garden.pk}/"
    data = {"action": "complete", "scope": "matching", "view": page}

    response = alice_client.post(URL, data, **htmx_on(page))

    assert "1 task completed" in oob_toasts(response)
    assert Task.objects.filter(status=Status.COMPLETED).get() == dig


def test_all_matching_is_counted_in_the_lists_scope(alice_client, garden, nine):
    response = alice_client.get("/tasks/bulk/matching/", {"view": "/today/?q=due"})

    assert response.content.decode() == "Select all 2 matching"
    assert alice_client.get("/tasks/bulk/matching/", {"view": f"/projects/{garden.pk}/"}).content


def test_the_toolbar_carries_the_lists_url(alice_client, garden, nine):
    page = alice_client.get(f"/projects/{garden.pk}/", {"sort": "title"})

    form = find(page, "form", id="bulk-form")
    assert form.find("input", name="view")["value"] == f"/projects/{garden.pk}/?sort=title"
    assert form.find("input", name="next")["value"] == f"/projects/{garden.pk}/?sort=title"


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_a_member_acts_on_the_shared_projects_list_as_their_role_allows(
    client, alice, bob, make_task, role
):
    shared = Project.objects.create_for(alice, "Shared")
    Membership.objects.create(project=shared, user=bob, role=role)
    task = make_task(alice, "Shared task", project=shared)
    client.force_login(bob)
    page = f"/projects/{shared.pk}/"

    data = {"apply": "priority:high", "task": picked(task), "view": page}

    response = client.post(URL, data, **htmx_on(page))

    assert row_ids(response) == [task.pk]
    changed = Task.objects.get(pk=task.pk).priority == Priority.HIGH
    assert changed == (role == Role.EDITOR)


def test_an_outsider_changes_nothing_and_sees_nothing_of_the_project(client, alice, bob, make_task):
    private = Project.objects.create_for(alice, "Private")
    task = make_task(alice, "Secret", project=private)
    client.force_login(bob)
    page = f"/projects/{private.pk}/"

    response = client.post(
        URL, {"action": "complete", "scope": "matching", "view": page}, **htmx_on(page)
    )

    assert response.status_code == 200
    assert "Secret" not in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == Status.PENDING


def test_anonymous_is_sent_to_log_in(client):
    response = client.post(URL, {"action": "complete", "view": "/today/"})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
