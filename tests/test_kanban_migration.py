"""Migration 0008_kanban_ordering gives every existing task a position: newest first, per user,
GAP apart, and keeps the TaskCount triggers (it must not rebuild the table on SQLite)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tasks", "0007_recur_due_time_and_completions")]
AFTER = [("tasks", "0008_kanban_ordering")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def leaf():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_it_orders_existing_tasks_newest_first_per_user_and_keeps_the_counts():
    apps = migrate(BEFORE)
    User = apps.get_model("auth", "User")
    Project = apps.get_model("tasks", "Project")
    Task = apps.get_model("tasks", "Task")
    alice = User.objects.create(username="k-alice")
    bob = User.objects.create(username="k-bob")
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    made = {}
    for user in (alice, bob):
        inbox = Project.objects.create(user=user, name="Inbox", is_inbox=True)
        for i in range(3):
            made[(user.username, i)] = Task.objects.create(
                user=user,
                project=inbox,
                title=f"{user.username}{i}",
                position=0,
                created_at=start + dt.timedelta(days=i),
            )
    try:
        apps = migrate(AFTER)
        Task = apps.get_model("tasks", "Task")
        TaskCount = apps.get_model("tasks", "TaskCount")
        for user in ("k-alice", "k-bob"):
            titles = list(
                Task.objects.filter(user__username=user)
                .order_by("position", "id")
                .values_list("title", "position")
            )
            assert titles == [(f"{user}2", 65536), (f"{user}1", 2 * 65536), (f"{user}0", 3 * 65536)]
        # The triggers are still there: a new task is counted.
        Task.objects.create(
            user_id=alice.pk,
            project_id=made[("k-alice", 0)].project_id,
            title="new",
            status="pending",
        )
        assert TaskCount.objects.get(user_id=alice.pk, status="pending").total == 4
    finally:
        migrate(leaf())
