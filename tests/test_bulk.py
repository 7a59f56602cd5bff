"""Bulk actions (POST /tasks/bulk/) and their undo (POST /tasks/bulk/<batch>/undo/).

Each action, plain and htmx; the owner and another user's ids; undo restoring exactly the
batch (fields, tags and versions); the conflict rule; "all matching" by the view's filter;
bad input answering 4xx; queries independent of the number of tasks.
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tasks.models import BulkBatch, Priority, Project, Status, Tag, Task, TaskTag
from tests.conftest import HTMX, htmx_on, oob_counts, oob_toasts, row_ids
from tests.conftest import edit_form as form_data
from tests.html import find, find_all

pytestmark = pytest.mark.django_db

URL = "/tasks/bulk/"
DAY = dt.date(2026, 12, 3)
FIELDS = ["status", "priority", "due_date", "due_time", "completed_at", "project_id", "version"]


def picked(*tasks) -> list[str]:
    """What the rows' checkboxes send: each task with the version the page showed."""
    return [f"{t.pk}:{t.version}" for t in tasks]


def state(task: Task) -> dict:
    task = Task.objects.get(pk=task.pk)
    values = {name: getattr(task, name) for name in FIELDS}
    tags = sorted(TaskTag.objects.filter(task=task).values_list("tag__name", flat=True))
    return values | {"tags": tags, "deleted": task.deleted_at is not None}


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def finance(alice):
    return Project.objects.create(user=alice, name="Finance")


@pytest.fixture
def three(alice, make_task):
    """Three of Alice's tasks, all different, one completed and one tagged "home"."""
    tasks = [
        make_task(alice, "Pay rent", priority=Priority.HIGH, due_date=dt.date(2026, 12, 1)),
        make_task(alice, "Call the bank", status=Status.IN_PROGRESS, priority=Priority.LOW),
        make_task(alice, "File taxes", status=Status.COMPLETED),
    ]
    home = Tag.objects.create(user=alice, name="home")
    TaskTag.objects.create(task=tasks[0], tag=home)
    return tasks


# action, its extra fields, what each changed task then holds, and the toast's words.
ACTIONS = {
    "complete": ({}, {"status": Status.COMPLETED}, "2 tasks completed"),
    "reopen": ({}, {"status": Status.PENDING}, "1 task reopened"),
    "priority": ({"priority": "medium"}, {"priority": Priority.MEDIUM}, "2 tasks set to Medium"),
    "status": ({"status": "in_progress"}, {"status": Status.IN_PROGRESS}, "2 tasks set to In"),
    "due": ({"due_date": "2026-12-03"}, {"due_date": DAY}, "3 tasks due Thu 3 Dec 2026"),
    "move": ({"project": "finance"}, {}, "3 tasks moved to Finance"),
    "add_tag": ({"tag": "Urgent"}, {}, "Tag “Urgent” added to 3 tasks"),
    "remove_tag": ({"tag": "HOME"}, {}, "Tag “home” removed from 1 task"),
    "delete": ({}, {"deleted": True}, "3 tasks deleted"),
}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_it_applies_each_action_to_the_selected_tasks_and_undo_restores_exactly_them(
    alice_client, alice, three, finance, make_task, action, htmx
):
    extra, expected, words = ACTIONS[action]
    bystander = make_task(alice, "Not selected", priority=Priority.HIGH)
    before = {t.pk: state(t) for t in [*three, bystander]}
    headers = HTMX if htmx else {}
    data = {"action": action, "task": picked(*three), "next": "/?sort=title"} | extra

    response = alice_client.post(URL, data, **headers)

    if htmx:
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#task-list"
        assert find(response, "section", id="task-list")
        assert oob_counts(response)["all"] == (1 if action == "delete" else 4)
        toast = oob_toasts(response)
    else:
        assert response.status_code == 302
        assert response["Location"] == "/?sort=title"
        toast = alice_client.get(response["Location"]).content.decode()
    assert words in toast
    batch = BulkBatch.objects.get()
    assert f'action="/tasks/bulk/{batch.pk}/undo/"' in toast  # Undo is a form button
    changed = [t for t in three if state(t) != before[t.pk]]
    assert len(changed) == batch.total
    for task in changed:
        now = state(task)
        for name, value in expected.items():
            assert now[name] == value
        if action != "delete":
            assert now["version"] == before[task.pk]["version"] + 1
    if action == "move":
        assert all(state(t)["project_id"] == finance.pk for t in three)
    if action == "add_tag":
        assert all("Urgent" in state(t)["tags"] for t in three)
    if action == "remove_tag":
        assert all("home" not in state(t)["tags"] for t in three)
    assert state(bystander) == before[bystander.pk]

    undo = alice_client.post(f"/tasks/bulk/{batch.pk}/undo/", **headers)

    assert undo.status_code == (200 if htmx else 302)
    for task in three:
        now, then = state(task), before[task.pk]
        if task in changed and action != "delete":
            # Every field as it was, the version too: the batch is undone exactly.
            assert now == then
        else:
            assert now == then
    assert state(bystander) == before[bystander.pk]


@pytest.mark.parametrize(
    ("apply", "field", "value"),
    [("priority:low", "priority", Priority.LOW), ("status:in_progress", "status", "in_progress")],
)
def test_it_reads_the_value_from_the_action_selects_option(
    alice_client, three, apply, field, value
):
    """Without JavaScript the action select says both the action and its value."""
    response = alice_client.post(URL, {"apply": apply, "task": picked(*three)})

    assert response.status_code == 302
    assert {state(t)[field] for t in three} == {value}


def test_it_prefers_the_pressed_button_to_the_action_select(alice_client, three):
    data = {"action": "complete", "apply": "delete", "task": picked(*three)}

    alice_client.post(URL, data)

    assert Task.objects.filter(status=Status.COMPLETED, deleted_at__isnull=True).count() == 3


def test_it_completes_and_counts_only_tasks_the_action_changes(alice_client, three):
    alice_client.post(URL, {"action": "complete", "task": picked(*three)})

    done = Task.objects.get(pk=three[2].pk)
    assert done.version == three[2].version  # already completed: not touched
    assert BulkBatch.objects.get().total == 2


def test_it_leaves_tasks_changed_elsewhere_alone_and_says_so(alice_client, three):
    stale = picked(*three[:2])
    Task.objects.filter(pk=three[0].pk).update(title="Renamed elsewhere", version=9)

    response = alice_client.post(URL, {"action": "complete", "task": stale}, **HTMX)

    assert "1 task completed; 1 task changed elsewhere was left alone." in oob_toasts(response)
    kept = Task.objects.get(pk=three[0].pk)
    assert (kept.status, kept.version, kept.title) == (Status.PENDING, 9, "Renamed elsewhere")
    assert Task.objects.get(pk=three[1].pk).status == Status.COMPLETED


def test_it_undoes_only_the_tasks_nobody_changed_since(alice_client, three):
    alice_client.post(URL, {"action": "complete", "task": picked(*three[:2])})
    batch = BulkBatch.objects.latest("pk")
    edited = Task.objects.get(pk=three[0].pk)
    Task.objects.filter(pk=edited.pk).update(title="Edited later", version=edited.version + 1)

    response = alice_client.post(f"/tasks/bulk/{batch.pk}/undo/", **HTMX)

    assert "1 task put back; 1 task changed since was left alone" in oob_toasts(response)
    kept = Task.objects.get(pk=three[0].pk)
    assert (kept.status, kept.title) == (Status.COMPLETED, "Edited later")
    assert Task.objects.get(pk=three[1].pk).status == Status.IN_PROGRESS


def test_it_undoes_a_batch_once(alice_client, three):
    alice_client.post(URL, {"action": "complete", "task": picked(*three)})
    batch = BulkBatch.objects.get()
    alice_client.post(f"/tasks/bulk/{batch.pk}/undo/")
    versions = [state(t)["version"] for t in three]

    response = alice_client.post(f"/tasks/bulk/{batch.pk}/undo/", **HTMX)

    assert "Nothing to undo." in oob_toasts(response)
    assert [state(t)["version"] for t in three] == versions


def test_it_does_not_undo_a_delete_whose_tasks_were_restored_and_edited(alice_client, three):
    alice_client.post(URL, {"action": "delete", "task": picked(*three)})
    batch = BulkBatch.objects.get()
    Task.objects.filter(pk=three[0].pk).update(deleted_at=None, version=7)

    alice_client.post(f"/tasks/bulk/{batch.pk}/undo/")

    assert not Task.objects.filter(deleted_at__isnull=False).exists()
    assert Task.objects.get(pk=three[0].pk).version == 7


def test_it_forgets_batches_older_than_the_trash_keeps_deleted_tasks(
    alice_client, alice, bob, three, settings
):
    settings.TASKS_PURGE_AFTER_HOURS = 24
    alice_client.post(URL, {"action": "complete", "task": picked(three[0])})
    old = BulkBatch.objects.get()
    BulkBatch.objects.filter(pk=old.pk).update(created_at=old.created_at - dt.timedelta(hours=25))
    bobs = BulkBatch.objects.create(user=bob, action="complete", total=0)
    BulkBatch.objects.filter(pk=bobs.pk).update(created_at=old.created_at - dt.timedelta(days=9))

    alice_client.post(URL, {"action": "complete", "task": picked(three[1])})

    assert set(BulkBatch.objects.values_list("user__username", flat=True)) == {"alice", "bob"}
    assert not BulkBatch.objects.filter(pk=old.pk).exists()
    response = alice_client.post(f"/tasks/bulk/{old.pk}/undo/", **HTMX)
    assert "Nothing to undo." in oob_toasts(response)


def test_it_changes_nothing_and_reveals_nothing_for_another_users_ids(
    client, alice, bob, three, make_task
):
    make_task(bob, "Bob's own")
    client.force_login(bob)
    before = [state(t) for t in three]
    for action, (extra, _, _) in ACTIONS.items():
        theirs = client.post(URL, {"action": action, "task": picked(*three)} | extra, **HTMX)
        missing = client.post(URL, {"action": action, "task": ["987654:1"]} | extra, **HTMX)
        assert theirs.status_code == missing.status_code
        assert oob_toasts(theirs) == oob_toasts(missing)
        assert "Pay rent" not in theirs.content.decode()
    assert [state(t) for t in three] == before
    assert not Tag.objects.filter(user=bob, name__iexact="home").exists()


def test_it_answers_another_users_batch_as_a_missing_one(alice_client, bob, three):
    alice_client.post(URL, {"action": "complete", "task": picked(*three)})
    batch = BulkBatch.objects.get()
    client = Client()
    client.force_login(bob)

    theirs = client.post(f"/tasks/bulk/{batch.pk}/undo/", **HTMX)
    missing = client.post(f"/tasks/bulk/{batch.pk + 99}/undo/", **HTMX)

    assert oob_toasts(theirs) == oob_toasts(missing)
    assert "Nothing to undo." in oob_toasts(theirs)
    assert Task.objects.filter(status=Status.COMPLETED).count() == 3
    assert BulkBatch.objects.get().undone_at is None


def test_it_moves_only_into_the_users_own_live_projects(client, alice, bob, three, finance):
    elsewhere = Project.objects.create(user=bob, name="Bob's project")
    Project.objects.filter(pk=finance.pk).update(deleted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    client.force_login(alice)
    for project in (str(elsewhere.pk), "Bob's project", str(finance.pk), "Finance", "987654"):
        data = {"action": "move", "project": project, "task": picked(*three)}
        response = client.post(URL, data, **HTMX)
        assert response.status_code == 422
        assert "No such project." in oob_toasts(response)
    assert {state(t)["project_id"] for t in three} == {Project.inbox_for(alice).pk}


def test_it_moves_by_project_id_too(alice_client, three, finance):
    alice_client.post(URL, {"action": "move", "project": str(finance.pk), "task": picked(*three)})

    assert {state(t)["project_id"] for t in three} == {finance.pk}


def test_it_reuses_a_tag_whatever_its_case_and_creates_a_new_one(alice_client, alice, three):
    alice_client.post(URL, {"action": "add_tag", "tag": "#HOME", "task": picked(*three)})
    alice_client.post(URL, {"action": "add_tag", "tag": "errands", "task": picked(three[1])})

    assert sorted(Tag.objects.filter(user=alice).values_list("name", flat=True)) == [
        "errands",
        "home",
    ]
    assert TaskTag.objects.filter(tag__name="home").count() == 3


def test_it_applies_to_every_task_matching_the_view_beyond_the_page(
    alice_client, alice, make_task, settings
):
    settings.TASKS_PAGE_SIZE = 2
    high = [make_task(alice, f"High {i}", priority=Priority.HIGH) for i in range(5)]
    low = make_task(alice, "Low one", priority=Priority.LOW)
    data = {"action": "complete", "scope": "matching", "view": "?priority=high", "task": ["1:1"]}

    response = alice_client.post(URL, data, **htmx_on("/?priority=high"))

    assert "5 tasks completed" in oob_toasts(response)
    assert all(state(t)["status"] == Status.COMPLETED for t in high)
    assert state(low)["status"] == Status.PENDING


def test_it_evaluates_the_filter_again_when_it_applies_it(alice_client, alice, make_task):
    make_task(alice, "Report draft")
    late = make_task(alice, "Something else")
    Task.objects.filter(pk=late.pk).update(title="Report appendix")  # after the page was shown
    data = {"action": "priority", "priority": "high", "scope": "matching", "view": "?q=report"}

    alice_client.post(URL, data)

    assert Task.objects.filter(priority=Priority.HIGH).count() == 2


def test_it_completes_ten_thousand_matching_tasks_in_one_request(alice_client, alice):
    inbox = Project.inbox_for(alice)
    Task.objects.bulk_create(Task(user=alice, project=inbox, title=f"T {i}") for i in range(10_000))

    response = alice_client.post(URL, {"action": "complete", "scope": "matching", "view": ""})

    assert response.status_code == 302
    assert Task.objects.filter(status=Status.COMPLETED).count() == 10_000
    batch = BulkBatch.objects.get()
    alice_client.post(f"/tasks/bulk/{batch.pk}/undo/")
    assert Task.objects.filter(status=Status.PENDING, version=1).count() == 10_000


def test_it_counts_the_tasks_a_view_matches(alice_client, alice, bob, make_task):
    for i in range(3):
        make_task(alice, f"Report {i}")
    make_task(alice, "Other")
    make_task(bob, "Report of Bob's")

    response = alice_client.get("/tasks/bulk/matching/", {"q": "report"})

    assert response.content.decode() == "Select all 3 matching"


def test_it_lists_the_users_own_live_projects_to_move_to(alice_client, alice, bob, finance):
    Project.objects.create(user=alice, name="Old", archived=True)
    gone = Project.objects.create(user=alice, name="Gone")
    Project.objects.filter(pk=gone.pk).update(deleted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    Project.objects.create(user=bob, name="Bob's")

    response = alice_client.get("/tasks/bulk/projects/")

    assert response.content.decode().splitlines() == ["Inbox", "Finance"]


BAD = [
    ({}, "Select at least one task."),
    ({"action": ""}, "Action"),
    ({"action": "explode"}, "Action"),
    ({"task": ["abc"]}, "This selection is not valid"),
    ({"task": ["1:"]}, "This selection is not valid"),
    ({"task": ["9" * 40 + ":1"]}, "This selection is not valid"),
    ({"task": [f"{i}:1" for i in range(501)]}, "This selection is not valid"),
    ({"action": "priority", "priority": "urgent"}, "Priority"),
    ({"action": "priority", "priority": ""}, "Choose a priority."),
    ({"action": "status", "status": "someday"}, "Status"),
    ({"action": "due", "due_date": "tomorrowish"}, "Due date"),
    ({"action": "add_tag", "tag": "  #  "}, "Enter a tag."),
    ({"action": "add_tag", "tag": "x" * 41}, "Tag"),
    ({"action": "move", "project": ""}, "Choose a project."),
    ({"action": "complete", "scope": "everything"}, "Scope"),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize(("fields", "error"), BAD)
def test_it_refuses_bad_input_with_a_422_that_says_why(alice_client, three, fields, error, htmx):
    before = [state(t) for t in three]
    data = {"action": "complete", "task": picked(*three), "next": "/?q=x"} | fields
    if fields == {}:
        data.pop("task")

    response = alice_client.post(URL, data, **(HTMX if htmx else {}))

    assert response.status_code == 422
    text = oob_toasts(response) if htmx else find(response, "div", id="toasts").inner_html
    assert error in text
    assert [state(t) for t in three] == before
    assert not BulkBatch.objects.exists()


def test_it_shows_a_selection_checkbox_and_the_toolbar_on_the_board(alice_client, three):
    response = alice_client.get("/")

    boxes = find_all(response, "input", type="checkbox", name="task")
    assert [b["aria-label"] for b in boxes] == [f"Select {t.title}" for t in reversed(three)]
    assert all(b["form"] == "bulk-form" for b in boxes)
    form = find(response, "form", id="bulk-form")
    assert form["action"] == form["hx-post"] == URL
    assert form["method"] == "post"
    # Without JavaScript the select does it all: the one-press buttons show with bulk.js only.
    assert "hidden" in find(response, "div", data_bulk_quick=True).attrs
    assert find(response, "select", name="apply")


def _count_queries(client, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, data, **HTMX)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "action", [{"action": "complete"}, {"action": "add_tag", "tag": "x"}, {"action": "delete"}]
)
def test_it_runs_the_same_queries_for_10_and_200_tasks(client, django_user_model, action):
    counts = []
    for n in (10, 200):
        user = django_user_model.objects.create_user(f"user{n}")
        inbox = Project.inbox_for(user)
        tasks = Task.objects.bulk_create(
            Task(user=user, project=inbox, title=f"T {i}") for i in range(n)
        )
        client.force_login(user)
        selected = _count_queries(client, action | {"task": picked(*tasks)})
        matching = _count_queries(client, {"action": "reopen", "scope": "matching"})
        batch = BulkBatch.objects.filter(user=user).latest("pk")
        with CaptureQueriesContext(connection) as undo:
            client.post(f"/tasks/bulk/{batch.pk}/undo/", **HTMX)
        counts.append((selected, matching, len(undo)))
        assert BulkBatch.objects.filter(user=user).first().total == n

    assert counts[0] == counts[1]


def test_it_keeps_the_list_on_screen_in_its_answer(alice_client, alice, make_task):
    make_task(alice, "Alpha report")
    beta = make_task(alice, "Beta")
    data = {"action": "priority", "priority": "high", "task": picked(beta)}

    response = alice_client.post(URL, data, **htmx_on("/?q=report"))

    assert [Task.objects.get(pk=pk).title for pk in row_ids(response)] == ["Alpha report"]


def test_an_undone_batch_gives_each_task_its_version_back(alice_client, three):
    pay_rent = Task.objects.get(pk=three[0].pk)  # as an edit form opened before the batch
    versions = {t.pk: t.version for t in three}
    alice_client.post("/tasks/bulk/", {"action": "complete", "task": picked(*three), "next": "/"})
    batch = BulkBatch.objects.get()
    batch_state = Task.objects.get(pk=pay_rent.pk)
    alice_client.post(f"/tasks/bulk/{batch.pk}/undo/", {"next": "/"})

    assert {t.pk: Task.objects.get(pk=t.pk).version for t in three} == versions
    # A page still showing the batch's state conflicts; the form opened before it saves.
    stale = form_data(batch_state, title="From the batch's page")
    assert alice_client.post(f"/task/{pay_rent.pk}/edit/", stale).status_code == 409
    fresh = form_data(pay_rent, title="From before the batch")
    assert alice_client.post(f"/task/{pay_rent.pk}/edit/", fresh).status_code == 302
    assert Task.objects.get(pk=pay_rent.pk).title == "From before the batch"
