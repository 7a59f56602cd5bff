"""Shared fixtures: two users who must never see each other's tasks, and task factories."""

import datetime as dt

import pytest
from django.utils import timezone

from tasks.models import Priority, Status, Task

PASSWORD = "correct-horse-battery-staple"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"}


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
