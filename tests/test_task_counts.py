"""TaskCount, the trigger-kept counters behind the board's status counts, never drifts from the
real counts, whichever way tasks change (save, bulk insert, queryset update, delete)."""

from collections import Counter

import pytest
from django.utils import timezone

from tasks.models import Priority, Project, Status, Task, TaskCount

pytestmark = pytest.mark.django_db(transaction=True)


def actual(user):
    """The counts recounted from the rows, to compare the trigger-kept ones with."""
    rows = list(Task.objects.visible_to(user).values_list("project_id", "status"))
    counts = dict.fromkeys(Status.values, 0)
    counts.update(Counter(status for _, status in rows))
    done = Status.COMPLETED
    by_project: dict[int, Counter] = {}
    for project, status in rows:
        by_project.setdefault(project, Counter())[status] += 1
    inbox = Project.inbox_for(user).pk
    return {
        "all": sum(counts.values()),
        **counts,
        "open_by_project": dict(Counter(p for p, status in rows if status != done)),
        "completed_by_project": dict(Counter(p for p, status in rows if status == done)),
        "by_project": {project: dict(c) for project, c in by_project.items()},
        "inbox": inbox if inbox in by_project else None,
    }


def per_status(user):
    """The status counts alone (without the per-project ones)."""
    counts = TaskCount.for_user(user)
    return {key: counts[key] for key in ("all", *Status.values)}


def test_it_counts_new_tasks_per_status(alice, make_task):
    make_task(alice, status=Status.PENDING)
    make_task(alice, status=Status.PENDING)
    make_task(alice, status=Status.COMPLETED)
    assert per_status(alice) == {"all": 3, "pending": 2, "in_progress": 0, "completed": 1}


def test_it_is_zero_for_a_user_without_tasks(alice):
    assert per_status(alice) == {"all": 0, "pending": 0, "in_progress": 0, "completed": 0}


def test_it_keeps_users_apart(alice, bob, make_task):
    make_task(alice)
    make_task(bob, status=Status.IN_PROGRESS)
    assert TaskCount.for_user(alice) == actual(alice)
    assert TaskCount.for_user(bob) == actual(bob)
    assert TaskCount.for_user(alice)["all"] == 1


def test_it_follows_toggle_edit_soft_delete_and_restore(alice, make_task):
    task = make_task(alice)
    other = make_task(alice, status=Status.IN_PROGRESS)
    task.toggle_completed()
    assert TaskCount.for_user(alice) == actual(alice)
    other.status = Status.COMPLETED
    assert other.save_if_current(other.version, ["status"])
    assert TaskCount.for_user(alice) == actual(alice)
    task.soft_delete()
    assert TaskCount.for_user(alice) == actual(alice)
    assert per_status(alice) == {
        "all": 1,
        "pending": 0,
        "in_progress": 0,
        "completed": 1,
    }
    task.restore()
    assert TaskCount.for_user(alice) == actual(alice)


def test_it_ignores_edits_that_change_neither_status_nor_deletion(alice, make_task):
    task = make_task(alice)
    task.title = "Renamed"
    task.priority = Priority.HIGH
    task.save()
    assert TaskCount.for_user(alice) == actual(alice)
    assert per_status(alice) == {
        "all": 1,
        "pending": 1,
        "in_progress": 0,
        "completed": 0,
    }


def test_it_follows_bulk_inserts_updates_and_deletes(alice):
    Task.objects.bulk_create(
        Task(user=alice, title=f"t{i}", status=[Status.PENDING, Status.COMPLETED][i % 2])
        for i in range(50)
    )
    assert TaskCount.for_user(alice) == actual(alice)
    Task.objects.filter(user=alice, title__in=["t0", "t2", "t4"]).update(status=Status.IN_PROGRESS)
    assert TaskCount.for_user(alice) == actual(alice)
    Task.objects.filter(user=alice, title__in=["t1", "t3"]).update(deleted_at=timezone.now())
    assert TaskCount.for_user(alice) == actual(alice)
    Task.objects.filter(user=alice, title__startswith="t1").delete()
    assert TaskCount.for_user(alice) == actual(alice)


def test_it_does_not_count_purged_tasks_twice(alice, make_task):
    task = make_task(alice)
    task.soft_delete()
    Task.objects.filter(pk=task.pk).delete()  # the purge of an already-uncounted task
    assert TaskCount.for_user(alice) == actual(alice)
    assert per_status(alice) == {
        "all": 0,
        "pending": 0,
        "in_progress": 0,
        "completed": 0,
    }


def test_it_leaves_no_rows_behind_a_deleted_user(alice, make_task):
    make_task(alice)
    make_task(alice, status=Status.COMPLETED)
    alice.delete()
    assert not TaskCount.objects.exists()


def test_it_answers_in_one_query(alice, make_task, django_assert_num_queries):
    """With the person's projects: the counts are read with them (tasks.models.access)."""
    make_task(alice)
    with django_assert_num_queries(1):
        TaskCount.for_user(alice)


def test_it_counts_open_and_completed_tasks_per_project_as_tasks_move(alice, make_task):
    from tasks.models import Project

    work = Project.objects.create(user=alice, name="Work")
    inbox = Project.inbox_for(alice)
    task = make_task(alice)
    make_task(alice, status=Status.COMPLETED)
    assert TaskCount.for_user(alice)["open_by_project"] == {inbox.pk: 1}
    Task.objects.filter(pk=task.pk).update(project=work)
    counts = TaskCount.for_user(alice)
    assert counts["open_by_project"] == {work.pk: 1}
    assert counts["completed_by_project"] == {inbox.pk: 1}
    assert counts == actual(alice)
