"""Shared fixtures: two users who must never see each other's tasks, and task factories."""

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.utils import timezone

from tasks.models import Priority, Status, Task

PASSWORD = "correct-horse-battery-staple"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"}


def htmx_on(page: str) -> dict:
    """htmx headers for a request made from `page` (e.g. "/?status=pending")."""
    return {**HTMX, "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}


def row_ids(response) -> list[int]:
    """Ids of the task rows (<li id="task-N">) in a response, in page order."""
    return [int(pk) for pk in re.findall(r'<li id="task-(\d+)"', response.content.decode())]


def oob_counts(response) -> dict[str, int]:
    """The status counts sent out of band with an htmx answer (fails if they were not sent)."""
    html = response.content.decode()
    match = re.search(r'<ul id="status-counts"[^>]*hx-swap-oob="true"[^>]*>(.*?)</ul>', html, re.S)
    assert match, "no out-of-band status counts in the response"
    return {name: int(n) for name, n in re.findall(r'data-count="(\w+)">(\d+)<', match[1])}


def oob_toasts(response) -> str:
    """Text of the #toasts live region sent out of band (fails if it was not sent)."""
    html = response.content.decode()
    match = re.search(
        r'<div id="toasts"[^>]*role="status"[^>]*hx-swap-oob="innerHTML"[^>]*>(.*)', html, re.S
    )
    assert match, "no out-of-band #toasts live region in the response"
    return match[1]


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password=PASSWORD)


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password=PASSWORD)


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def make_task():
    """make_task(user, title=..., **fields) -> Task, with sensible defaults."""

    def make(user, title="A task", **fields):
        fields.setdefault("priority", Priority.MEDIUM)
        fields.setdefault("status", Status.PENDING)
        return Task.objects.create(user=user, title=title, **fields)

    return make


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def days():
    return lambda n: timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: rendered rows and the filter bar must not leak across
    tests whose databases reuse ids (SQLite hands out an id again after a rollback)."""
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests run with DEBUG off but without `collectstatic`: serve unhashed static names.

    The manifest storage would otherwise fail every page render with "Missing staticfiles
    manifest entry"; production keeps the manifest (see settings.STORAGES).
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
