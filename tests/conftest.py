"""Shared fixtures: two users who must never see each other's tasks, and task factories.

Also the test tiers: every test not marked `e2e` (e2e/) or `slow` (below) is marked `unit`, so
`pytest -m "not e2e and not slow"` (`scripts/test --fast`) is the edit loop's run.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from tasks.models import Priority, Status, Task
from tests.html import find, find_all

PASSWORD = "correct-horse-battery-staple"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"}


def htmx_on(page: str) -> dict:
    """htmx headers for a request made from `page` (e.g. "/?status=pending")."""
    return {**HTMX, "HTTP_HX_CURRENT_URL": f"http://testserver{page}"}


def row_ids(response) -> list[int]:
    """Ids of the task rows (<li id="task-N">) in a response or HTML, in page order."""
    rows = find_all(response, "li", id=True)
    return [int(li["id"][5:]) for li in rows if re.fullmatch(r"task-\d+", li["id"])]


def oob_counts(response) -> dict[str, int]:
    """The status counts sent out of band with an htmx answer (fails if they were not sent)."""
    counts = find(response, "ul", id="status-counts", hx_swap_oob="true")
    assert counts, "no out-of-band status counts in the response"
    return {e["data-count"]: int(e.text) for e in counts.find_all(data_count=True)}


def oob_toasts(response) -> str:
    """Markup inside the #toasts live region sent out of band (fails if it was not sent)."""
    toasts = find(response, "div", id="toasts", role="status", hx_swap_oob="innerHTML")
    assert toasts, "no out-of-band #toasts live region in the response"
    return toasts.inner_html


def edit_form(task, *, original: bool = False, **changes) -> dict:
    """What the edit form opened on `task` (as it was then: pass a stale object for a conflict)
    sends with `changes` typed in; `original=True` adds the values it was opened on, which the
    inline form carries for a three-way merge."""
    values = {
        "title": task.title,
        "description": task.description,
        "priority": task.priority,
        "status": task.status,
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "due_time": task.due_time.strftime("%H:%M") if task.due_time else "",
        "tag_names": ", ".join(task.tag_names),
    }
    data = {**values, "version": task.version, **changes}
    if original:
        data |= {f"original-{name}": value for name, value in values.items()}
    return data


# Tests that start servers, load generators or network tools: seconds to minutes each.
SLOW_PATHS = (
    "tests/reliability/",  # gunicorn + a private PostgreSQL cluster, load and faults
    "tests/scale/",  # nginx, PgBouncer, a standby, several gunicorn nodes, backups, k8s schemas
    "tests/test_prod_smoke.py",  # scripts/prod-local: collectstatic, gunicorn
    "tests/test_dependency_audit.py",  # pip-audit over the network
    "tests/test_readme_commands.py",  # manage.py and scripts in subprocesses, fresh databases
    "tests/reminders/test_reminder_workers.py",  # db_worker processes + an SMTP server
    "tests/reminders/test_reminder_run_script.py",  # scripts/run: web server + worker
)
PROJECT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(items):
    # By path, not by the e2e marker: e2e/conftest.py's hook may run after this one.
    for item in items:
        path = item.path.resolve()
        path = path.relative_to(PROJECT).as_posix() if path.is_relative_to(PROJECT) else ""
        if path.startswith(SLOW_PATHS):
            item.add_marker(pytest.mark.slow)
        elif not path.startswith("e2e/"):
            item.add_marker(pytest.mark.unit)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Hashing is slow on purpose (PBKDF2); nearly every test creates or logs in users, and none
    tests the hasher's cost, so the whole suite uses the fastest one."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture
def clients(alice):
    """Two browsers logged in as Alice: the race tests' two tabs."""
    pair = [Client(), Client()]
    for client in pair:
        client.force_login(alice)
    return pair
