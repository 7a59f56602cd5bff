"""A search for a word no task holds (a typo) is answered without walking the person's tasks
(issue 22 item 21): the words tasks held are kept by triggers (tasks.models.searchword), and the
search first asks whether any starts with each search word. The answer never changes: the same
tasks as without the check, for every kind of search.

PostgreSQL only: SQLite searches by substring and keeps no words."""

import json

import pytest
from django.db import connection

from sharing.models import Membership, Role
from tasks.filters import BoardView
from tasks.models import Project, SearchWord, Task
from tests.conftest import HTMX, row_ids

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the words are kept on PostgreSQL only"
    ),
]


def words(user) -> set[str]:
    return set(SearchWord.objects.filter(user=user).values_list("word", flat=True))


def matching(user, q: str, check: bool = True) -> list[int]:
    tasks = Task.objects.visible_to(user)
    if not check:  # as a queryset not narrowed by visible_to: no check, the search as before
        tasks = Task.objects.filter(pk__in=tasks.values("pk"))
    return sorted(tasks.filtered(BoardView(q=q)).values_list("pk", flat=True))


def test_a_new_task_adds_its_words_for_its_owner(alice, make_task):
    make_task(alice, "Quarterly Report", description="draft for Q3")

    assert {"quarterly", "report", "draft", "for", "q3"} <= words(alice)


def test_bulk_created_tasks_add_theirs_in_one_statement(alice):
    inbox = Project.inbox_for(alice)

    Task.objects.bulk_create(Task(user=alice, project=inbox, title=f"Item{i} x") for i in range(50))

    assert {f"item{i}" for i in range(50)} <= words(alice)


def test_an_edit_adds_the_new_words_and_keeps_the_old(alice, make_task):
    task = make_task(alice, "Old title")

    Task.objects.filter(pk=task.pk).update(title="New heading")

    assert {"old", "title", "new", "heading"} <= words(alice)


def test_a_task_moved_to_another_owner_adds_its_words_for_them(alice, bob, make_task):
    task = make_task(alice, "Shared plan")
    bobs = Project.objects.create_for(bob, "Bob's")

    Task.objects.filter(pk=task.pk).update(user=bob, project=bobs)

    assert {"shared", "plan"} <= words(bob)


def test_a_toggle_adds_nothing(alice, make_task, django_assert_num_queries):
    task = make_task(alice, "Once")
    before = SearchWord.objects.count()

    task.toggle_completed()

    assert SearchWord.objects.count() == before


QUERIES = [
    "rep",
    "report",
    "reprot",
    "rep q3",
    "rep reprot",
    '"annual report"',
    '"annual reprot"',
    "-reprot",
    "-rep",
    "über",
    "ÜBER",
    "is:open rep",
    "#home rep",
    "q",
    "3",
]


@pytest.mark.parametrize("q", QUERIES)
def test_the_check_never_changes_the_answer(alice, bob, make_task, q):
    make_task(alice, "Annual report", description="Q3 numbers")
    make_task(alice, "Über alles")
    make_task(alice, "Reply to Bob")
    make_task(bob, "Bob's reprot")  # someone else's word never counts for Alice

    assert matching(alice, q) == matching(alice, q, check=False)


def test_a_member_finds_the_words_of_a_shared_projects_owner(alice, bob, make_task):
    shared = Project.objects.create_for(alice, "Shared")
    Membership.objects.create(project=shared, user=bob, role=Role.VIEWER)
    task = make_task(alice, "Zeppelin schedule", project=shared)

    assert matching(bob, "zepp") == [task.pk]
    assert matching(bob, "zepq") == []


def test_a_typo_ends_the_search_before_any_task_is_read(alice, make_task):
    inbox = Project.inbox_for(alice)
    Task.objects.bulk_create(
        Task(user=alice, project=inbox, title=f"Report {i}") for i in range(300)
    )
    qs = Task.objects.visible_to(alice).filtered(BoardView(q="reprot")).order_by("-created_at")
    sql, params = qs[:26].query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan if isinstance(plan, list) else json.loads(plan)

    def task_scans(node):
        if node.get("Relation Name") == "tasks_task":
            yield node
        for child in node.get("Plans", []):
            yield from task_scans(child)

    scans = list(task_scans(plan[0]["Plan"]))
    assert scans, "no scan of tasks_task in the plan"
    assert all(scan.get("Actual Loops", 0) == 0 for scan in scans), scans


def test_the_board_answers_a_typo_with_no_tasks(alice_client, alice, make_task):
    make_task(alice, "Report")

    response = alice_client.get("/", {"q": "reprot"}, **HTMX)

    assert response.status_code == 200
    assert row_ids(response) == []
