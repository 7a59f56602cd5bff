"""GET is safe everywhere: walking the whole URL map changes nothing in the database.

Prefetching browsers, link checkers and crawlers follow links; a GET that deleted or toggled a
task would lose data without anyone clicking. Every route from the resolver is requested as
its owner, as another user, as a superuser (the admin's confirmation pages) and anonymously,
plain and htmx.
"""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from tasks.models import Status, Task
from tests.conftest import HTMX, PASSWORD
from tests.urlmap import routes

ROUTES = routes()


def _snapshot() -> dict[str, list[dict]]:
    """Every row of every table Django knows about."""
    state = {}
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        state[model._meta.label] = list(model.objects.order_by("pk").values(*fields))
    return state


@pytest.fixture
def world(django_user_model, alice, bob, make_task):
    admin = django_user_model.objects.create_superuser("root", password=PASSWORD)
    live = make_task(alice, "Live", status=Status.PENDING)
    done = make_task(alice, "Done", status=Status.COMPLETED)
    gone = make_task(alice, "Gone")
    gone.soft_delete()
    return {"admin": admin, "alice": alice, "bob": bob, "tasks": [live, done, gone]}


def _urls(world) -> list[str]:
    task_type = ContentType.objects.get_for_model(Task)
    urls = []
    for task in world["tasks"]:

        def value(route, name, task=task):
            if name in ("pk", "object_id", "id"):
                return str(world["alice"].pk if "auth/user" in route.route else task.pk)
            if name == "content_type_id":
                return str(task_type.pk)
            if name == "app_label":
                return "tasks"
            return "not-a-real-value"

        urls.extend(route.url(value) for route in ROUTES)
    return sorted(set(urls))


def test_it_walks_every_route_of_the_url_map(world):
    urls = _urls(world)
    assert len(urls) >= len(ROUTES)
    for expected in ("/", "/task/new/", "/accounts/logout/", "/admin/tasks/task/"):
        assert expected in urls


@pytest.mark.parametrize("who", ["alice", "bob", "admin", None], ids=str)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_changes_nothing_on_get(client, world, who, htmx):
    if who:
        client.force_login(world[who])
    urls = _urls(world)
    before = _snapshot()
    statuses = {}
    for url in urls:
        response = client.get(url, **(HTMX if htmx else {}))
        statuses[url] = response.status_code
        assert response.status_code < 500, url
    after = _snapshot()
    # Logging in by GET would be a state change too: the session must be the one we started with.
    assert after == before
    if who == "alice":
        assert statuses["/"] == 200
    if who == "admin":
        live = world["tasks"][0]
        assert statuses[f"/admin/tasks/task/{live.pk}/delete/"] == 200


def test_it_refuses_logout_by_get(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/").status_code == 200
