from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models.signals import post_save
from django.utils import timezone

from tasks.filters import BoardView
from tasks.models import FAR_FUTURE, Priority, Status, Task

pytestmark = pytest.mark.django_db


def seed(*args):
    out, err = StringIO(), StringIO()
    call_command("seed_tasks", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_creates_the_user_and_the_requested_number_of_tasks():
    out, _ = seed("--user", "loadtest", "--count", "300", "--seed", "1")
    user = get_user_model().objects.get(username="loadtest")
    assert Task.objects.visible_to(user).count() == 300
    assert not user.has_usable_password()
    assert "Created 300 tasks for loadtest" in out


def test_it_sets_the_password_when_given(client):
    seed("--user", "loadtest", "--count", "1", "--password", "a-long-bench-password")
    assert client.login(username="loadtest", password="a-long-bench-password")


def test_it_adds_to_an_existing_users_tasks(alice, make_task):
    make_task(alice, "Mine already")
    seed("--user", "alice", "--count", "20")
    assert Task.objects.visible_to(alice).count() == 21
    assert Task.objects.filter(title="Mine already").exists()


def test_it_tops_up_only_what_is_missing(alice, make_task):
    make_task(alice)
    seed("--user", "alice", "--count", "50", "--top-up")
    assert Task.objects.visible_to(alice).count() == 50
    out, _ = seed("--user", "alice", "--count", "50", "--top-up")
    assert Task.objects.visible_to(alice).count() == 50
    assert "nothing to do" in out


def test_it_mixes_statuses_priorities_and_due_dates():
    seed("--user", "loadtest", "--count", "600", "--seed", "7")
    tasks = list(Task.objects.filter(user__username="loadtest"))
    statuses = Counter(t.status for t in tasks)
    priorities = Counter(t.priority for t in tasks)
    assert set(statuses) == set(Status.values)
    assert set(priorities) == set(Priority.values)
    today = timezone.localdate()
    assert any(t.due_date is None for t in tasks)
    assert any(t.due_date and t.due_date < today for t in tasks)
    assert any(t.due_date and t.due_date >= today for t in tasks)
    ages = [(timezone.now() - t.created_at).days for t in tasks]
    assert max(ages) - min(ages) > 300, "created_at should spread over time"
    assert len({t.title for t in tasks}) > 200, "titles should vary"
    assert any(t.description for t in tasks) and any(not t.description for t in tasks)


def test_it_keeps_completed_at_consistent_with_status():
    seed("--user", "loadtest", "--count", "300", "--seed", "3")
    for task in Task.objects.filter(user__username="loadtest"):
        assert (task.completed_at is not None) == (task.status == Status.COMPLETED)
        if task.completed_at:
            assert task.created_at <= task.completed_at <= timezone.now()


def test_it_fills_the_generated_sort_columns():
    seed("--user", "loadtest", "--count", "200", "--seed", "5")
    rank = {Priority.HIGH: 3, Priority.MEDIUM: 2, Priority.LOW: 1, Priority.NONE: 0}
    for task in Task.objects.filter(user__username="loadtest"):
        assert task.priority_rank == rank[task.priority]
        assert task.due_sort == (task.due_date or FAR_FUTURE)


def test_it_inserts_in_bulk_without_per_row_saves(django_assert_max_num_queries):
    saves = []

    def record(sender, **kwargs):
        saves.append(kwargs["instance"])

    post_save.connect(record, sender=Task)
    try:
        # user lookup/creation (and its Inbox), password, count, savepoints and 4 batches:
        # nowhere near 1000.
        with django_assert_max_num_queries(25):
            seed("--user", "loadtest", "--count", "1000", "--batch-size", "250")
    finally:
        post_save.disconnect(record, sender=Task)
    assert saves == []
    assert Task.objects.count() == 1000


def test_it_is_repeatable_with_a_seed():
    seed("--user", "one", "--count", "30", "--seed", "11")
    seed("--user", "two", "--count", "30", "--seed", "11")

    def titles(name):
        return list(Task.objects.filter(user__username=name).order_by("id").values_list("title"))

    assert titles("one") == titles("two")


def test_it_makes_tasks_findable_by_word_prefix():
    seed("--user", "loadtest", "--count", "500", "--seed", "2")
    user = get_user_model().objects.get(username="loadtest")
    found = Task.objects.visible_to(user).filtered(BoardView(q="rep")).count()
    assert 0 < found < 500


def test_it_reports_progress_on_stderr():
    _, err = seed("--user", "loadtest", "--count", "100", "--batch-size", "10")
    assert "100/100 tasks" in err
    assert "#" * 30 in err


def test_it_rejects_a_negative_count():
    with pytest.raises(CommandError, match="--count"):
        seed("--user", "loadtest", "--count", "-1")
    assert not get_user_model().objects.filter(username="loadtest").exists()


def test_it_rejects_a_zero_batch_size():
    with pytest.raises(CommandError, match="--batch-size"):
        seed("--user", "loadtest", "--count", "10", "--batch-size", "0")


def test_it_spreads_tasks_over_projects_and_tags_in_bulk(django_assert_max_num_queries):
    from tasks.models import Project, Tag, TaskTag

    with django_assert_max_num_queries(60):  # bulk: not a query per task or link
        seed(
            *[
                "--user",
                "loadtest",
                "--count",
                "400",
                "--seed",
                "3",
                "--projects",
                "5",
                "--tags",
                "30",
                "--max-tags",
                "5",
            ]
        )

    user = get_user_model().objects.get(username="loadtest")
    assert Project.objects.visible_to(user).count() == 6  # and the Inbox
    used = Counter(Task.objects.visible_to(user).values_list("project__name", flat=True))
    assert len(used) == 6
    assert Tag.objects.visible_to(user).count() == 30
    per_task = Counter(TaskTag.objects.filter(task__user=user).values_list("task_id", flat=True))
    assert max(per_task.values()) <= 5
    assert 400 < sum(per_task.values()) < 1600  # about 2.5 per task


def test_it_organizes_an_already_seeded_user_once():
    from tasks.models import TaskTag

    seed("--user", "loadtest", "--count", "100", "--seed", "1")
    args = [
        "--user",
        "loadtest",
        "--count",
        "100",
        "--top-up",
        "--seed",
        "1",
        "--projects",
        "3",
        "--tags",
        "10",
    ]
    out, _ = seed(*args)
    links = TaskTag.objects.count()
    seed(*args)

    assert "tag links" in out
    assert links > 0
    assert TaskTag.objects.count() == links
    assert Task.objects.exclude(project__is_inbox=True).exists()
