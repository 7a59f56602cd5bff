"""Cached task rows and filter bar: served from the cache, never stale, never carrying a request.

A row's HTML is cached under its task (id, version, updated_at) and the day (taskrowcache in
tasks_extras); the filter bar under the filters. See docs/performance.md.
"""

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.db.models import F
from django.template import Context, Template
from django.test import Client

from tasks.models import Status, Task
from tests.conftest import HTMX, htmx_on, row_ids
from tests.html import find

pytestmark = pytest.mark.django_db


def row_html(response, task) -> str:
    html = response.content.decode()
    match = re.search(rf'<li id="task-{task.pk}".*?</li>', html, re.S)
    assert match, f"no row for task {task.pk}"
    return match[0]


def test_a_row_is_served_from_the_cache_until_its_task_changes(alice_client, alice, make_task):
    task = make_task(alice, "Original title")
    alice_client.get("/")
    # A write that bypasses the model (no new version, no new updated_at) is not seen...
    Task.objects.filter(pk=task.pk).update(title="Changed behind the cache's back")
    assert "Original title" in row_html(alice_client.get("/"), task)

    # ...and one that moves the version is, at once.
    Task.objects.filter(pk=task.pk).update(version=F("version") + 1)
    assert "Changed behind the cache&#x27;s back" in row_html(alice_client.get("/"), task)


def test_a_save_outside_the_board_shows_at_once(alice_client, alice, make_task):
    task = make_task(alice, "Before the admin edit")
    alice_client.get("/")

    task.title = "After the admin edit"  # as the admin saves it: save(), version unchanged
    task.save()

    row = row_html(alice_client.get("/"), task)
    assert "After the admin edit" in row
    assert "Before the admin edit" not in row


def test_an_inline_edit_and_a_toggle_show_in_the_list_at_once(alice_client, alice, make_task):
    task = make_task(alice, "Draft")
    alice_client.get("/")

    alice_client.post(
        f"/task/{task.pk}/edit/",
        {"title": "Final", "priority": "high", "status": "pending", "version": task.version},
        **HTMX,
    )
    alice_client.post(f"/task/{task.pk}/toggle/", **HTMX)

    row = row_html(alice_client.get("/"), task)
    assert "Final" in row
    assert 'aria-checked="true"' in row
    assert "priority-high" in row


def test_a_cached_row_turns_overdue_when_the_day_changes(
    alice_client, alice, make_task, monkeypatch
):
    due = dt.date(2030, 6, 15)
    task = make_task(alice, "Pay rent", due_date=due)
    monkeypatch.setattr("tasks.models.task.today", lambda: due - dt.timedelta(days=1))
    row = row_html(alice_client.get("/"), task)
    assert "Overdue" not in row
    assert ">Tomorrow</time>" in row

    monkeypatch.setattr("tasks.models.task.today", lambda: due)
    row = row_html(alice_client.get("/"), task)
    assert ">Today</time>" in row

    monkeypatch.setattr("tasks.models.task.today", lambda: due + dt.timedelta(days=1))
    assert "Overdue" in row_html(alice_client.get("/"), task)


def test_a_row_carries_nothing_from_the_request(alice, make_task):
    """No CSRF token, no return address: the same HTML for any session, page or filter."""
    task = make_task(alice, "Shared by every page")
    first, second = Client(), Client()
    first.force_login(alice)
    second.force_login(alice)

    rows = {
        row_html(first.get("/"), task),
        row_html(second.get("/?status=pending&sort=title"), task),
        row_html(second.get("/?q=shared", **htmx_on("/?q=shared")), task),
    }

    assert len(rows) == 1
    row = rows.pop()
    assert "csrfmiddlewaretoken" not in row
    assert 'name="next"' not in row
    assert "status=pending" not in row


def test_row_buttons_submit_the_lists_shared_forms(alice_client, alice, make_task):
    task = make_task(alice, "Water the plants")

    html = alice_client.get("/?status=pending").content.decode()

    post_form = find(html, "form", id="row-post", method="post", hidden=True)
    assert post_form, "the list has no shared POST form"
    assert post_form.find("input", name="csrfmiddlewaretoken")
    assert post_form.find("input", type="hidden", name="next", value="/?status=pending")
    # Edit and Delete without JavaScript carry the view along, to return to it (issue 10, 12).
    get_form = find(html, "form", id="row-get", method="get", hidden=True)
    assert get_form and get_form.find("input", type="hidden", name="next", value="/?status=pending")
    row = row_html(alice_client.get("/?status=pending"), task)
    assert find(
        row, "button", type="submit", form="row-post", formaction=f"/task/{task.pk}/toggle/"
    )
    assert f'form="row-get" formaction="/task/{task.pk}/edit/"' in row
    assert f'form="row-get" formaction="/task/{task.pk}/delete/"' in row


def test_a_plain_toggle_through_the_shared_form_returns_to_the_filtered_board(
    alice_client, alice, make_task
):
    """What the browser sends without JavaScript: the shared form's token and `next`."""
    task = make_task(alice, "Water the plants")
    html = alice_client.get("/?status=pending").content.decode()
    post_form = find(html, "form", id="row-post")
    fields = {field["name"]: field["value"] for field in post_form.find_all("input", name=True)}
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = alice_client.cookies

    response = csrf_client.post(f"/task/{task.pk}/toggle/", fields)

    assert response.status_code == 302
    assert response["Location"] == "/?status=pending"
    task.refresh_from_db()
    assert task.status == Status.COMPLETED


def test_the_cached_filter_bar_follows_the_filters(alice_client):
    pending = alice_client.get("/?status=pending&q=groceries").content.decode()
    completed = alice_client.get("/?status=completed&q=taxes").content.decode()
    again = alice_client.get("/?status=pending&q=groceries").content.decode()

    assert '<option value="pending" selected>' in pending
    assert 'value="groceries"' in pending
    assert '<option value="completed" selected>' in completed
    assert '<option value="pending" selected>' not in completed
    assert 'value="taxes"' in completed
    assert 'value="groceries"' not in completed
    assert 'value="taxes"' not in again  # nothing of the other filters
    assert '<option value="pending" selected>' in again


# --- any cache configuration (docs/scaling.md's shared Redis among them) -----------------------


@pytest.fixture(
    params=[
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    ]
)
def only_a_default_cache(request, settings, tmp_path):
    """CACHES with `default` alone, as docs/scaling.md's Redis example sets it; the file-based
    backend stands in for a cache shared between servers (pickled values, nothing in process)."""
    location = str(tmp_path) if "filebased" in request.param else "only-default"
    settings.CACHES = {"default": {"BACKEND": request.param, "LOCATION": location}}
    yield tmp_path if "filebased" in request.param else None
    caches["default"].clear()


def test_the_board_works_with_only_a_default_cache(
    only_a_default_cache, alice_client, alice, make_task
):
    tasks = [make_task(alice, f"Task {n}") for n in range(3)]

    first = alice_client.get("/")
    Task.objects.filter(pk=tasks[0].pk).update(title="Renamed", version=F("version") + 1)
    second = alice_client.get("/")

    assert first.status_code == second.status_code == 200
    assert row_ids(second) == [task.pk for task in reversed(tasks)]
    assert "Renamed" in row_html(second, tasks[0])
    assert "Task 1" in row_html(second, tasks[1])
    if only_a_default_cache is not None:  # the rows really went through the file cache
        assert len(list(only_a_default_cache.iterdir())) >= 3


def row_template(markup: str) -> Template:
    return Template(
        f"{{% load tasks_extras %}}{{% taskrowcache task %}}{markup}{{% endtaskrowcache %}}"
    )


def test_a_changed_row_template_never_reads_rows_the_old_one_cached(alice, make_task, settings):
    """Two deploys sharing one cache: each template serves its own markup for the same task."""
    task = make_task(alice, "Shared cache")
    old, new = (
        row_template("<li class=old>{{ task.title }}</li>"),
        row_template("<li class=new>{{ task.title }}</li>"),
    )

    assert old.render(Context({"task": task})) == "<li class=old>Shared cache</li>"
    assert new.render(Context({"task": task})) == "<li class=new>Shared cache</li>"
    assert old.render(Context({"task": task})) == "<li class=old>Shared cache</li>"
