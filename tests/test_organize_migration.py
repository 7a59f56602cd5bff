"""Migration 0006 puts every existing task into its owner's Inbox and recounts per project."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tasks", "0005_task_user_trash")]
AFTER = [("tasks", "0006_organize")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_it_moves_every_users_tasks_into_their_own_inbox_and_counts_them():
    apps = migrate(BEFORE)
    User = apps.get_model("auth", "User")
    Task = apps.get_model("tasks", "Task")
    alice = User.objects.create(username="m-alice")
    bob = User.objects.create(username="m-bob")
    User.objects.create(username="m-carol")  # no tasks: still gets an Inbox
    Task.objects.create(user=alice, title="a1", status="pending")
    Task.objects.create(user=alice, title="a2", status="completed")
    Task.objects.create(user=bob, title="b1", status="in_progress")
    try:
        apps = migrate(AFTER)
        Project = apps.get_model("tasks", "Project")
        Task = apps.get_model("tasks", "Task")
        TaskCount = apps.get_model("tasks", "TaskCount")
        inboxes = {p.user.username: p for p in Project.objects.filter(is_inbox=True)}
        assert {"m-alice", "m-bob", "m-carol"} <= set(inboxes)
        for task in Task.objects.all():
            assert task.project_id == inboxes[task.user.username].pk
        counts = set(TaskCount.objects.values_list("project_id", "status", "total"))
        assert counts == {
            (inboxes["m-alice"].pk, "pending", 1),
            (inboxes["m-alice"].pk, "completed", 1),
            (inboxes["m-bob"].pk, "in_progress", 1),
        }
        # the new triggers count a task created after the migration
        Task.objects.create(
            user_id=bob.pk, project=inboxes["m-bob"], title="b2", status="in_progress"
        )
        assert TaskCount.objects.get(project=inboxes["m-bob"], status="in_progress").total == 2
    finally:
        migrate(executor_leaf())


def executor_leaf():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
