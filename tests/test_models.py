"""Task model rules: completed_at, soft delete, compare-and-swap saves, sort keys."""

import datetime as dt

import pytest

from tasks.models import FAR_FUTURE, Priority, Status, Task

pytestmark = pytest.mark.django_db


# --- completed_at ------------------------------------------------------------------------------


def test_it_sets_completed_at_when_created_completed(alice, make_task):
    assert make_task(alice, status=Status.COMPLETED).completed_at is not None


@pytest.mark.parametrize("status", [Status.PENDING, Status.IN_PROGRESS])
def test_it_leaves_completed_at_empty_for_open_tasks(alice, make_task, status):
    assert make_task(alice, status=status).completed_at is None


def test_it_sets_completed_at_when_toggled_done_and_clears_it_when_reopened(alice, make_task):
    task = make_task(alice)

    task.toggle_completed()
    stored = Task.objects.get(pk=task.pk)
    assert stored.status == Status.COMPLETED and stored.completed_at is not None

    task.toggle_completed()
    stored = Task.objects.get(pk=task.pk)
    assert stored.status == Status.PENDING and stored.completed_at is None


def test_it_keeps_the_original_completed_at_when_saved_again(alice, make_task):
    task = make_task(alice, status=Status.COMPLETED)
    first = task.completed_at

    task.title = "Renamed"
    task.save()
    task.apply_status(Status.COMPLETED)

    assert Task.objects.get(pk=task.pk).completed_at == first
    assert task.completed_at == first


def test_it_clears_completed_at_when_a_save_moves_the_status_away(alice, make_task):
    task = make_task(alice, status=Status.COMPLETED)

    task.status = Status.IN_PROGRESS
    task.save()

    assert Task.objects.get(pk=task.pk).completed_at is None


def test_it_keeps_completed_at_in_step_on_a_compare_and_swap_save(alice, make_task):
    task = make_task(alice)

    task.status = Status.COMPLETED
    assert task.save_if_current(task.version, ["status"])
    assert Task.objects.get(pk=task.pk).completed_at is not None

    task.status = Status.PENDING
    assert task.save_if_current(task.version, ["status"])
    assert Task.objects.get(pk=task.pk).completed_at is None


def test_it_bumps_the_version_on_toggle(alice, make_task):
    task = make_task(alice)

    task.toggle_completed()

    assert Task.objects.get(pk=task.pk).version == 2


# --- soft delete -------------------------------------------------------------------------------


def test_it_hides_a_soft_deleted_task_from_its_owner_but_keeps_the_row(alice, make_task):
    task = make_task(alice)

    task.soft_delete()

    assert not Task.objects.visible_to(alice).filter(pk=task.pk).exists()
    assert Task.objects.deleted_visible_to(alice).get() == task
    assert Task.objects.get(pk=task.pk).deleted_at is not None


def test_it_restores_the_same_row_with_its_fields(alice, make_task, days):
    task = make_task(alice, "Keep my fields", priority=Priority.HIGH, due_date=days(3))
    created = task.created_at
    task.soft_delete()

    task.restore()

    restored = Task.objects.visible_to(alice).get(pk=task.pk)
    assert (restored.title, restored.priority, restored.due_date, restored.created_at) == (
        "Keep my fields",
        Priority.HIGH,
        days(3),
        created,
    )
    assert not Task.objects.deleted_visible_to(alice).exists()


def test_it_shows_nothing_to_anonymous_users(alice, make_task):
    from django.contrib.auth.models import AnonymousUser

    make_task(alice)

    assert not Task.objects.visible_to(AnonymousUser()).exists()
    assert not Task.objects.deleted_visible_to(AnonymousUser()).exists()


def test_it_never_lists_another_users_tasks(alice, bob, make_task):
    make_task(bob).soft_delete()
    make_task(bob)

    assert not Task.objects.visible_to(alice).exists()
    assert not Task.objects.deleted_visible_to(alice).exists()


def test_it_finds_only_tasks_deleted_before_the_cutoff_as_purgeable(alice, make_task):
    from django.utils import timezone

    old, recent, live = make_task(alice, "old"), make_task(alice, "recent"), make_task(alice)
    Task.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - dt.timedelta(days=2))
    recent.soft_delete()

    cutoff = timezone.now() - dt.timedelta(days=1)
    assert list(Task.objects.purgeable(before=cutoff)) == [old]
    assert live not in Task.objects.purgeable(before=timezone.now())


# --- save_if_current ---------------------------------------------------------------------------


def test_it_saves_over_the_version_it_was_opened_on(alice, make_task):
    task = make_task(alice, "Before")

    task.title = "After"
    saved = task.save_if_current(1, ["title"])

    assert saved is True
    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.version, task.version) == ("After", 2, 2)


def test_it_refuses_to_save_over_a_newer_version(alice, make_task):
    task = make_task(alice, "Before")
    Task.objects.filter(pk=task.pk).update(title="Someone else", version=2)

    task.title = "Mine"
    saved = task.save_if_current(1, ["title"])

    assert saved is False
    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.version) == ("Someone else", 2)


def test_it_refuses_to_save_a_deleted_task(alice, make_task):
    task = make_task(alice, "Before")
    task.soft_delete()

    task.title = "Ghost edit"

    assert task.save_if_current(task.version, ["title"]) is False
    assert Task.objects.get(pk=task.pk).title == "Before"


def test_it_saves_only_the_named_fields(alice, make_task):
    task = make_task(alice, "Title", description="Original")
    Task.objects.filter(pk=task.pk).update(description="Changed elsewhere")

    task.title = "New title"
    task.save_if_current(task.version, ["title"])

    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.description) == ("New title", "Changed elsewhere")


# --- due buckets and derived columns -----------------------------------------------------------


def test_it_buckets_due_dates_relative_to_today(alice, make_task, days):
    yesterday = make_task(alice, "yesterday", due_date=days(-1))
    today = make_task(alice, "today", due_date=days(0))
    in_six = make_task(alice, "in six days", due_date=days(6))
    in_seven = make_task(alice, "in seven days", due_date=days(7))
    undated = make_task(alice, "undated")
    done_late = make_task(alice, "done late", due_date=days(-1), status=Status.COMPLETED)
    mine = Task.objects.visible_to(alice)

    assert set(mine.due("overdue")) == {yesterday}
    assert set(mine.due("today")) == {today}
    assert set(mine.due("week")) == {today, in_six}
    assert set(mine.due("none")) == {undated}
    assert set(mine.due("")) == {yesterday, today, in_six, in_seven, undated, done_late}
    assert yesterday.is_overdue and not done_late.is_overdue and not today.is_overdue


def test_it_stores_sort_keys_for_priority_and_due_date(alice, make_task, days):
    high = make_task(alice, priority=Priority.HIGH, due_date=days(2))
    low = make_task(alice, priority=Priority.LOW)
    high.refresh_from_db()
    low.refresh_from_db()

    assert (high.priority_rank, low.priority_rank) == (3, 1)
    assert high.due_sort == days(2)
    assert low.due_sort == FAR_FUTURE


def test_it_rereads_the_sort_keys_after_an_edit(alice, make_task, days):
    task = make_task(alice, priority=Priority.LOW)

    Task.objects.filter(pk=task.pk).update(priority=Priority.HIGH, due_date=days(1))

    task.refresh_from_db()
    assert (task.priority_rank, task.due_sort) == (3, days(1))


def test_a_toggle_flips_the_row_as_stored_not_a_stale_copy(alice, make_task):
    task = make_task(alice)
    stale = Task.objects.get(pk=task.pk)
    edited = Task.objects.get(pk=task.pk)
    edited.title, edited.status = "Edited elsewhere", Status.IN_PROGRESS
    assert edited.save_if_current(1, ["title", "status"])

    assert stale.toggle_completed()

    stored = Task.objects.get(pk=task.pk)
    assert (stored.title, stored.status, stored.version) == (
        "Edited elsewhere",
        Status.COMPLETED,
        3,
    )
    assert (stale.status, stale.version) == (Status.COMPLETED, 3)


def test_two_toggles_from_stale_copies_both_apply(alice, make_task):
    task = make_task(alice)
    first, second = Task.objects.get(pk=task.pk), Task.objects.get(pk=task.pk)

    first.toggle_completed()
    second.toggle_completed()

    stored = Task.objects.get(pk=task.pk)
    assert (stored.status, stored.completed_at, stored.version) == (Status.PENDING, None, 3)


def test_a_toggle_of_a_task_deleted_meanwhile_changes_nothing(alice, make_task):
    task = make_task(alice)
    stale = Task.objects.get(pk=task.pk)
    task.soft_delete()

    assert not stale.toggle_completed()
    assert Task.objects.get(pk=task.pk).status == Status.PENDING


def test_deleting_or_restoring_twice_applies_once(alice, make_task):
    task = make_task(alice)
    stale = Task.objects.get(pk=task.pk)

    assert task.soft_delete()
    assert not stale.soft_delete()
    assert task.restore()
    assert not stale.restore()
    # The fields did not change, so neither did the version (an open edit form still saves).
    assert Task.objects.visible_to(alice).get(pk=task.pk).version == 1
