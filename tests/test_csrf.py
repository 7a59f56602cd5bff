"""CSRF is enforced on every POST, htmx included; the header htmx sends makes them work.

The normal test client skips CSRF checks; these tests use Client(enforce_csrf_checks=True), as a
browser on another site would be treated.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.forms.models import model_to_dict
from django.test import Client

from tasks.models import Status, Task
from tests.conftest import HTMX, PASSWORD
from tests.urlmap import routes

ROUTES = routes()


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def _snapshot():
    from django.apps import apps

    return {
        model._meta.label: [model_to_dict(o) for o in model.objects.order_by("pk")]
        for model in apps.get_models()
    }


def _token(client) -> str:
    """The token a page hands the browser (the board puts it in <body hx-headers>)."""
    client.get("/")  # the board when logged in
    client.get("/accounts/login/")  # the login form when not
    return client.cookies["csrftoken"].value


POST_DATA = {
    "title": "Changed",
    "description": "x",
    "priority": "high",
    "status": "completed",
    "version": "1",
    "username": "mallory",
    "password": PASSWORD,
    "password1": "a-Long-unusual-passphrase-42",
    "password2": "a-Long-unusual-passphrase-42",
    "old_password": PASSWORD,
    "new_password1": "a-Long-unusual-passphrase-42",
    "new_password2": "a-Long-unusual-passphrase-42",
}


@pytest.mark.parametrize("who", ["alice", "superuser", None], ids=str)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_refuses_every_post_without_a_token(
    csrf_client, django_user_model, alice, make_task, who, htmx
):
    task = make_task(alice, "Mine")
    deleted = make_task(alice, "Deleted")
    deleted.soft_delete()
    if who == "alice":
        csrf_client.force_login(alice)
    elif who == "superuser":
        root = django_user_model.objects.create_superuser("root", password=PASSWORD)
        csrf_client.force_login(root)
    task_type = ContentType.objects.get_for_model(Task)
    before = _snapshot()
    for target in (task, deleted):

        def value(route, name, target=target):
            return {"content_type_id": str(task_type.pk), "app_label": "tasks"}.get(
                name, str(target.pk)
            )

        for route in ROUTES:
            url = route.url(value)
            response = csrf_client.post(url, POST_DATA, **(HTMX if htmx else {}))
            # Every route, whether or not it accepts POST, is behind the CSRF check: no view
            # is csrf_exempt, so a cross-site form can reach none of them.
            assert response.status_code == 403, (url, response.status_code)
    assert _snapshot() == before


def test_it_refuses_a_wrong_token(csrf_client, alice, make_task):
    task = make_task(alice, "Mine")
    csrf_client.force_login(alice)
    _token(csrf_client)
    response = csrf_client.post(f"/task/{task.pk}/toggle/", HTTP_X_CSRFTOKEN="x" * 32, **HTMX)
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == Status.PENDING


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_accepts_the_x_csrftoken_header_on_every_task_mutation(
    csrf_client, alice, make_task, htmx
):
    csrf_client.force_login(alice)
    headers = {"HTTP_X_CSRFTOKEN": _token(csrf_client)} | (HTMX if htmx else {})
    ok = (200,) if htmx else (302,)

    response = csrf_client.post("/task/new/", {"title": "Created with a token"}, **headers)
    assert response.status_code in ok
    task = Task.objects.get(title="Created with a token")

    data = {"title": "Edited", "priority": "high", "status": "pending", "version": task.version}
    response = csrf_client.post(f"/task/{task.pk}/edit/", data, **headers)
    assert response.status_code in ok
    task.refresh_from_db()
    assert task.title == "Edited"

    assert csrf_client.post(f"/task/{task.pk}/toggle/", **headers).status_code in ok
    task.refresh_from_db()
    assert task.status == Status.COMPLETED

    assert csrf_client.post(f"/task/{task.pk}/delete/", **headers).status_code in ok
    task.refresh_from_db()
    assert task.deleted_at is not None

    assert csrf_client.post(f"/task/{task.pk}/restore/", **headers).status_code in ok
    task.refresh_from_db()
    assert task.deleted_at is None


def test_it_accepts_the_form_field_token_on_login_and_logout(csrf_client, alice):
    token = _token(csrf_client)
    response = csrf_client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert csrf_client.get("/").status_code == 200
    # Login rotates the token; the page after login carries the new one.
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code in (200, 302)
    assert csrf_client.get("/").status_code == 302
