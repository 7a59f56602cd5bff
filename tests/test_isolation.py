"""Nobody reaches another person's tasks: every task URL, every method, plain and htmx.

The task URLs come from the resolver (tests/urlmap.py), so a route added later is covered here
without editing this file. These walkers are where each view's 404 for another user, redirect
or 401 for anonymous visitors and 405 for a method it does not take are tested: the view test
files do not repeat them.
"""

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from tasks.models import Project, SavedView, Section, Status, Tag, Task, TaskTag
from tests.conftest import HTMX, htmx_on
from tests.urlmap import routes

METHODS = ["get", "post", "put", "patch", "delete"]
# What an attacker would send to change the task if a view let them through.
HOSTILE_POST = {
    "title": "Taken over",
    "description": "by someone else",
    "priority": "high",
    "status": "completed",
    "version": "1",
    "next": "/",
}
MISSING_PK = 987654321

TASK_ROUTES = [route for route in routes() if route.takes_object_id]
# Every page of the app behind the login: the task routes and the board and quick add.
PRIVATE_ROUTES = [route for route in routes() if (route.name or "").startswith("tasks:")]
# The methods each view takes; every other one answers 405. A route not listed here is still
# checked for a consistent Allow header and for refusing PUT, PATCH and DELETE.
ACCEPTS = {
    "tasks:board": {"GET"},
    "tasks:create": {"GET", "POST"},
    "tasks:detail": {"GET"},
    "tasks:edit": {"GET", "POST"},
    "tasks:toggle": {"POST"},
    "tasks:delete": {"GET", "POST"},
    "tasks:restore": {"POST"},
    "tasks:bulk": {"POST"},
    "tasks:bulk_undo": {"POST"},
    "tasks:bulk_matching": {"GET"},
    "tasks:bulk_projects": {"GET"},
}


def test_it_finds_every_task_route_in_the_url_map():
    names = {route.name for route in TASK_ROUTES}
    assert {"tasks:detail", "tasks:edit", "tasks:toggle", "tasks:delete", "tasks:restore"} <= names
    assert set(ACCEPTS) <= {route.name for route in PRIVATE_ROUTES}


def _url(route, pk: int) -> str:
    return route.url(lambda _route, _name: str(pk))


def _snapshot() -> list[dict]:
    """Every field of every task, project, section, tag, tag link and saved view, deleted ones
    too."""
    rows = []
    for model in (Task, Project, Section, Tag, TaskTag, SavedView):
        fields = [f.name for f in model._meta.concrete_fields]
        rows += [
            {"model": model.__name__}
            | model_to_dict(row, fields=fields)
            | {name: getattr(row, name) for name in ("updated_at", "created_at") if name in fields}
            for row in model.objects.order_by("pk")
        ]
    return rows


@pytest.fixture
def victims(alice, make_task):
    """Alice's objects of every kind a route can name (urlmap.OBJECT_KINDS): for tasks, her
    live task and her deleted (still restorable) one: restore targets the latter."""
    project = Project.objects.create(user=alice, name="Alice's project")
    live = make_task(alice, "Alice's plan", description="private", project=project)
    gone = make_task(alice, "Alice's deleted plan", status=Status.IN_PROGRESS)
    gone.soft_delete()
    tag = Tag.objects.create(user=alice, name="alices-tag")
    TaskTag.objects.create(task=live, tag=tag)
    view = SavedView.objects.create(user=alice, name="Alice's view", url="/?q=plan")
    section = Section.objects.create(project=project, name="Alice's section")
    gone_section = Section.objects.create(
        project=project, name="Alice's old section", deleted_at=timezone.now()
    )
    return {
        "task": [live, gone],
        "project": [project],
        "section": [section, gone_section],
        "tag": [tag],
        "view": [view],
    }


def _request(client, method: str, url: str, htmx: bool):
    headers = HTMX if htmx else {}
    if method == "post":
        return client.post(url, HOSTILE_POST, **headers)
    return getattr(client, method)(url, **headers)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route", TASK_ROUTES, ids=lambda r: r.name)
def test_it_answers_another_user_exactly_as_for_a_missing_task(
    client, bob, victims, route, method, htmx
):
    client.force_login(bob)
    before = _snapshot()
    for target in victims[route.object_kind]:
        response = _request(client, method, _url(route, target.pk), htmx)
        missing = _request(client, method, _url(route, MISSING_PK), htmx)
        # 404 for the methods the view takes, 405 for the rest; identical to a task that does
        # not exist, so the answer does not even reveal that the id is in use.
        assert response.status_code in (404, 405), (route.name, method, response.status_code)
        assert response.status_code == missing.status_code
        assert b"Alice" not in response.content
    assert _snapshot() == before


@pytest.mark.parametrize("route", TASK_ROUTES, ids=lambda r: r.name)
def test_it_returns_404_to_another_user_for_each_method_the_route_accepts(
    client, alice, bob, victims, route
):
    """The 404 above is not just a 405: each route serves its owner and hides from others."""
    accepted = []
    mine = victims[route.object_kind]
    for method in ("get", "post"):
        client.force_login(bob)
        if _request(client, method, _url(route, mine[-1].pk), False).status_code == 404:
            accepted.append(method)
    assert accepted, f"{route.name} never reached the ownership check"
    client.force_login(alice)
    in_trash = (
        "tasks:restore",
        "tasks:trash_restore",
        "tasks:trash_purge",
        "tasks:section_restore",
    )
    target = mine[-1] if route.name in in_trash else mine[0]
    owner = _request(client, accepted[0], _url(route, target.pk), False)
    assert owner.status_code in (200, 302, 422)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=lambda r: r.name)
def test_it_redirects_anonymous_plain_requests_to_login(client, victims, route, method):
    before = _snapshot()
    for target in victims[route.object_kind]:
        url = _url(route, target.pk)
        response = _request(client, method, url, htmx=False)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={url}"
    assert _snapshot() == before


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=lambda r: r.name)
def test_it_answers_anonymous_htmx_requests_with_401_and_hx_redirect(
    client, victims, route, method
):
    before = _snapshot()
    for target in victims[route.object_kind]:
        # After logging in the person returns to the page they were on, not to the fragment.
        headers = htmx_on("/?status=pending")
        url = _url(route, target.pk)
        if method == "post":
            response = client.post(url, HOSTILE_POST, **headers)
        else:
            response = getattr(client, method)(url, **headers)
        assert response.status_code == 401
        assert response["HX-Redirect"] == "/accounts/login/?next=%2F%3Fstatus%3Dpending"
        assert b"Alice" not in response.content
    assert _snapshot() == before


@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=lambda r: r.name)
def test_it_answers_405_to_the_owner_for_each_method_the_route_does_not_take(
    client, alice, victims, route
):
    client.force_login(alice)
    mine = victims[route.object_kind]
    url = _url(route, (mine[-1] if route.name == "tasks:restore" else mine[0]).pk)
    before = _snapshot()
    refused, allowed = set(), set()
    # The refused methods first: an accepted POST may delete or change the task.
    for method in ("put", "patch", "delete", "get", "post"):
        response = _request(client, method, url, htmx=False)
        if response.status_code == 405:
            refused.add(method.upper())
            allowed |= {m.strip() for m in response["Allow"].split(",")}
            assert _snapshot() == before, f"{method} {url} answered 405 but changed data"
    tried = {"GET", "POST", "PUT", "PATCH", "DELETE"}
    accepted = tried - refused
    assert {"PUT", "PATCH", "DELETE"} <= refused
    assert accepted == allowed & tried, f"{route.name}: Allow {allowed} but serves {accepted}"
    if route.name in ACCEPTS:
        assert accepted == ACCEPTS[route.name]
