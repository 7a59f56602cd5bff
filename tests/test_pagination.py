"""Keyset pagination: every row once in every sort, both directions, tamper-proof cursors."""

import base64
import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tasks.models import Priority, Sort, Status, Task
from tasks.pagination import decode_cursor, encode_cursor, paginate
from tests.conftest import HTMX, row_ids
from tests.html import find

pytestmark = pytest.mark.django_db

SORTS = [s.value for s in Sort]


@pytest.fixture
def tied_tasks(alice, make_task, days):
    """17 tasks with many ties on every sort key, so only the id can break them."""
    moment = timezone.now().replace(microsecond=0)
    tasks = []
    for i in range(17):
        tasks.append(
            make_task(
                alice,
                title=["Alpha", "Beta", "alpha"][i % 3],
                priority=[Priority.HIGH, Priority.MEDIUM, Priority.LOW][i % 3],
                due_date=[None, days(1), days(2)][i % 3] if i % 4 else None,
                created_at=moment - dt.timedelta(seconds=i // 5),
                status=Status.COMPLETED if i % 6 == 0 else Status.PENDING,
            )
        )
    return tasks


def cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def walk_forward(qs, sort, size):
    pages, after = [], None
    while True:
        page = paginate(qs, sort, after, None, size)
        pages.append(page)
        if not page.next_cursor:
            return pages
        after = page.next_cursor


def walk_backward(qs, sort, size, before):
    pages = []
    while before:
        page = paginate(qs, sort, None, before, size)
        pages.append(page)
        before = page.prev_cursor
    return pages


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("size", [1, 4, 5, 17, 25])
def test_it_walks_every_page_forward_without_duplicates_or_gaps(alice, tied_tasks, sort, size):
    qs = Task.objects.visible_to(alice)
    expected = list(qs.ordered_by(sort).values_list("pk", flat=True))

    pages = walk_forward(qs, sort, size)

    seen = [t.pk for page in pages for t in page.tasks]
    assert seen == expected
    assert all(len(page.tasks) == size for page in pages[:-1])
    assert pages[0].prev_cursor is None
    assert all(page.prev_cursor for page in pages[1:])


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("size", [1, 4, 5])
def test_it_walks_back_from_the_last_page_to_the_first(alice, tied_tasks, sort, size):
    qs = Task.objects.visible_to(alice)
    forward = walk_forward(qs, sort, size)

    backward = walk_backward(qs, sort, size, forward[-1].prev_cursor)

    assert [[t.pk for t in p.tasks] for p in backward] == [
        [t.pk for t in p.tasks] for p in reversed(forward[:-1])
    ]
    assert backward[-1].prev_cursor is None
    assert all(page.next_cursor for page in backward)


def test_it_orders_ties_by_id_so_pages_are_stable(alice, make_task):
    moment = timezone.now()
    tasks = [make_task(alice, "Same", created_at=moment) for _ in range(5)]

    first = paginate(Task.objects.visible_to(alice), Sort.NEWEST, None, None, 2)
    second = paginate(Task.objects.visible_to(alice), Sort.NEWEST, first.next_cursor, None, 2)

    assert [t.pk for t in first.tasks + second.tasks] == [t.pk for t in tasks[::-1][:4]]


def test_it_keeps_working_when_the_cursor_row_is_deleted(alice, make_task):
    tasks = [make_task(alice, f"T{i}") for i in range(6)]
    first = paginate(Task.objects.visible_to(alice), Sort.NEWEST, None, None, 3)
    first.tasks[-1].soft_delete()

    second = paginate(Task.objects.visible_to(alice), Sort.NEWEST, first.next_cursor, None, 3)

    assert [t.pk for t in second.tasks] == [t.pk for t in tasks[2::-1]]


@pytest.mark.parametrize("sort", SORTS)
def test_it_round_trips_a_cursor_for_every_sort(alice, make_task, days, sort):
    task = make_task(alice, "Round trip", due_date=days(3), priority=Priority.HIGH)
    task.refresh_from_db()

    assert decode_cursor(encode_cursor(task, sort), sort) == task.sort_key(sort)


def test_it_makes_url_safe_cursors(alice, make_task):
    task = make_task(alice, "Ünïcode / + ? & title")

    assert re.fullmatch(r"[A-Za-z0-9_-]+", encode_cursor(task, Sort.TITLE))


TAMPERED = [
    pytest.param("newest", "not base64 !!", id="garbage"),
    pytest.param("newest", "x" * 2000, id="too-long"),
    pytest.param("newest", cursor({"a": 1}), id="not-a-list"),
    pytest.param("newest", cursor([1]), id="wrong-length"),
    pytest.param("newest", cursor([None, 1]), id="null"),
    pytest.param("newest", cursor([True, 1]), id="bool"),
    pytest.param("newest", cursor([[1], 1]), id="nested"),
    pytest.param("newest", cursor(["2026-01-01T00:00:00+00:00", "1"]), id="string-id"),
    pytest.param("newest", cursor(["yesterday", 1]), id="bad-datetime"),
    pytest.param("newest", cursor(["2026-01-01T00:00:00", 1]), id="naive-datetime"),
    pytest.param("newest", cursor(["0001-01-01T00:00:00+14:00", 1]), id="datetime-overflow"),
    pytest.param("newest", cursor(["2026-01-01T00:00:00+00:00", 10**30]), id="huge-id"),
    pytest.param("newest", cursor(["2026-01-01T00:00:00+00:00", -(10**30)]), id="huge-negative"),
    pytest.param("due", cursor(["garbage", 1]), id="bad-due-date"),
    pytest.param("due", cursor(["2026-02-30", 1]), id="impossible-due-date"),
    pytest.param("priority", cursor(["abc", 1]), id="bad-priority-rank"),
    pytest.param("priority", cursor([10**30, 1]), id="huge-priority-rank"),
    pytest.param("title", cursor(["nul\u0000byte", 1]), id="nul-in-title"),
    pytest.param("title", cursor(["\ud800", 1]), id="lone-surrogate"),
    pytest.param("title", cursor([1.5, 1]), id="float"),
]


@pytest.mark.parametrize(("sort", "bad"), TAMPERED)
def test_it_ignores_a_tampered_cursor_and_shows_the_first_page(
    alice_client, alice, make_task, settings, sort, bad
):
    settings.TASKS_PAGE_SIZE = 2
    for i in range(3):
        make_task(alice, f"T{i}")
    first_page = row_ids(alice_client.get("/", {"sort": sort}, **HTMX))

    for direction in ("after", "before"):
        for headers in ({}, HTMX):
            response = alice_client.get("/", {"sort": sort, direction: bad}, **headers)
            assert response.status_code == 200
            assert row_ids(response) == first_page


@pytest.mark.parametrize("sort", SORTS)
def test_it_follows_page_links_through_the_whole_list_and_back(
    alice_client, alice, tied_tasks, settings, sort
):
    settings.TASKS_PAGE_SIZE = 4
    expected = list(Task.objects.visible_to(alice).ordered_by(sort).values_list("pk", flat=True))

    seen, pages, url = [], [], f"/?sort={sort}"
    while url:
        html = alice_client.get(url, **HTMX).content.decode()
        ids = row_ids(html)
        pages.append(ids)
        seen += ids
        link = find(html, "a", class_="page-link", rel="next")
        url = link["href"] if link else None
        assert len(pages) <= 10, "pagination does not end"
    assert seen == expected

    back = []
    prev = find(html, "a", class_="page-link", rel="prev")
    while prev:
        html = alice_client.get(prev["href"]).content.decode()
        back.append(row_ids(html))
        prev = find(html, "a", class_="page-link", rel="prev")
    assert back == pages[-2::-1]


def test_it_shows_no_page_links_when_everything_fits(alice_client, alice, make_task):
    make_task(alice)

    assert 'aria-label="Pages"' not in alice_client.get("/").content.decode()


def test_it_reads_a_deep_page_by_key_not_by_offset(alice_client, alice, tied_tasks, settings):
    settings.TASKS_PAGE_SIZE = 2
    page = paginate(Task.objects.visible_to(alice), Sort.NEWEST, None, None, 14)

    with CaptureQueriesContext(connection) as queries:
        alice_client.get("/", {"after": page.next_cursor}, **HTMX)

    task_queries = [q["sql"] for q in queries if '"tasks_task"' in q["sql"]]
    assert len(task_queries) == 1
    assert "OFFSET" not in task_queries[0].upper()
