"""Management commands: the demo account, and purging deleted tasks after the grace period."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from tasks.models import Task
from tests.conftest import row_ids

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


# --- seed_demo ---------------------------------------------------------------------------------


def test_seed_demo_creates_a_demo_login_with_sample_tasks(client):
    output = run("seed_demo")

    assert "'demo'" in output and "'taskmanager-demo'" in output
    response = client.post("/accounts/login/", {"username": "demo", "password": "taskmanager-demo"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    board = client.get("/")
    demo = get_user_model().objects.get(username="demo")
    assert len(row_ids(board)) == Task.objects.visible_to(demo).count() >= 5


def test_seed_demo_is_idempotent(client):
    run("seed_demo")
    demo = get_user_model().objects.get(username="demo")
    first = set(Task.objects.visible_to(demo).values_list("pk", flat=True))

    run("seed_demo")

    assert get_user_model().objects.filter(username="demo").count() == 1
    assert set(Task.objects.visible_to(demo).values_list("pk", flat=True)) == first


def test_seed_demo_keeps_the_demo_users_own_changes_unless_reset(make_task):
    run("seed_demo")
    demo = get_user_model().objects.get(username="demo")
    mine = make_task(demo, "My own task")

    run("seed_demo")
    assert Task.objects.filter(pk=mine.pk).exists()

    run("seed_demo", "--reset")
    assert not Task.objects.filter(pk=mine.pk).exists()
    assert Task.objects.visible_to(demo).exists()


def test_seed_demo_resets_a_changed_demo_password(client):
    run("seed_demo")
    demo = get_user_model().objects.get(username="demo")
    demo.set_password("something-else-entirely")
    demo.save()

    run("seed_demo")

    demo.refresh_from_db()
    assert demo.check_password("taskmanager-demo")


def test_seed_demo_takes_other_credentials(client):
    run("seed_demo", "--username", "visitor", "--password", "visitor-pass-2026")

    assert get_user_model().objects.get(username="visitor").check_password("visitor-pass-2026")


# --- purge_deleted_tasks -----------------------------------------------------------------------


@pytest.fixture
def deleted_at_ages(alice, make_task):
    """Tasks deleted 25 hours, 23 hours and just now ago, plus one never deleted."""
    now = timezone.now()
    tasks = {}
    for name, age in (("old", 25), ("recent", 23), ("just_now", 0)):
        task = make_task(alice, name)
        Task.objects.filter(pk=task.pk).update(deleted_at=now - dt.timedelta(hours=age))
        tasks[name] = task
    tasks["live"] = make_task(alice, "live")
    return tasks


def remaining(tasks) -> set[str]:
    return set(
        Task.objects.filter(pk__in=[t.pk for t in tasks.values()]).values_list("title", flat=True)
    )


def test_purge_removes_only_tasks_deleted_past_the_grace_period(deleted_at_ages, settings):
    assert settings.TASKS_PURGE_AFTER_HOURS == 24

    output = run("purge_deleted_tasks")

    assert "Purged 1 task(s)" in output
    assert remaining(deleted_at_ages) == {"recent", "just_now", "live"}


def test_purge_honours_a_shorter_grace_period(deleted_at_ages):
    run("purge_deleted_tasks", "--hours", "1")

    assert remaining(deleted_at_ages) == {"just_now", "live"}


def test_purge_dry_run_deletes_nothing(deleted_at_ages):
    output = run("purge_deleted_tasks", "--dry-run")

    assert "Would purge 1 task(s)" in output
    assert remaining(deleted_at_ages) == {"old", "recent", "just_now", "live"}


def test_purge_never_touches_live_tasks_even_with_zero_grace(deleted_at_ages):
    run("purge_deleted_tasks", "--hours", "0")

    assert remaining(deleted_at_ages) == {"live"}


def test_purge_is_safe_to_run_again(deleted_at_ages):
    run("purge_deleted_tasks")

    assert "Purged 0 task(s)" in run("purge_deleted_tasks")
