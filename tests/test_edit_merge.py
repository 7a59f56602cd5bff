"""A save that meets a newer version: disjoint edits merge, clashing ones keep what was typed and
name what changed elsewhere, field by field (inline editor and full page alike)."""

import re

import pytest

from tasks.models import Priority, Status, Task
from tests.conftest import HTMX, edit_form, oob_toasts

pytestmark = pytest.mark.django_db

BOTH = pytest.mark.parametrize("headers", [{}, HTMX], ids=["full-page", "inline"])


@pytest.fixture
def task(alice, make_task):
    return make_task(alice, "Quarterly report", description="Draft", priority=Priority.LOW)


def opened(task) -> dict:
    """What an edit form opened on `task` sends back unchanged (version and original values)."""
    return edit_form(task, original=True)


def change_elsewhere(task, **fields):
    other = Task.objects.get(pk=task.pk)
    for name, value in fields.items():
        setattr(other, name, value)
    assert other.save_if_current(other.version, list(fields))


@BOTH
def test_it_merges_edits_that_touched_different_fields(alice_client, task, headers):
    form = opened(task)
    change_elsewhere(task, priority=Priority.HIGH)

    response = alice_client.post(f"/task/{task.pk}/edit/", form | {"title": "Q3 report"}, **headers)

    assert response.status_code == (200 if headers else 302)
    saved = Task.objects.get(pk=task.pk)
    assert (saved.title, saved.priority, saved.description) == ("Q3 report", Priority.HIGH, "Draft")
    assert saved.version == task.version + 2
    if headers:
        assert "merged with a change made elsewhere" in oob_toasts(response)


@BOTH
def test_a_true_conflict_keeps_what_was_typed_and_lists_their_values(alice_client, task, headers):
    form = opened(task)
    change_elsewhere(task, title="Annual report", status=Status.IN_PROGRESS)

    response = alice_client.post(
        f"/task/{task.pk}/edit/", form | {"title": "Q3 report", "description": "Mine"}, **headers
    )

    html = response.content.decode()
    assert response.status_code == 409
    assert re.search(r'<input type="text" name="title" value="Q3 report"', html)
    assert "Mine</textarea>" in html
    # Where the person changed nothing, the form shows their value (saving again keeps it).
    assert '<option value="in_progress" selected>' in html
    listed = re.search(r"<ul[^>]*data-conflict>(.*?)</ul>", html, re.S)[1]
    items = re.findall(r'fw-semibold">([^<]+)</span>: <span class="text-break">([^<]+)<', listed)
    assert items == [("Title", "Annual report"), ("Status", "In progress")]
    saved = Task.objects.get(pk=task.pk)
    assert (saved.title, saved.description) == ("Annual report", "Draft")  # nothing of mine
    # The form now stands on the current version: saving again keeps what I typed.
    version = re.search(r'name="version" value="(\d+)"', html)[1]
    assert int(version) == saved.version
    assert 'name="original-title" value="Annual report"' in html


def test_saving_again_after_a_conflict_keeps_the_persons_values(alice_client, task):
    form = opened(task)
    change_elsewhere(task, title="Annual report")
    alice_client.post(f"/task/{task.pk}/edit/", form | {"title": "Q3 report"})
    current = Task.objects.get(pk=task.pk)

    response = alice_client.post(f"/task/{task.pk}/edit/", opened(current) | {"title": "Q3 report"})

    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).title == "Q3 report"


def test_the_same_change_on_both_sides_is_no_conflict(alice_client, task):
    form = opened(task)
    change_elsewhere(task, title="Q3 report")

    response = alice_client.post(f"/task/{task.pk}/edit/", form | {"title": "Q3 report"})

    assert response.status_code == 302


def test_a_form_without_original_values_still_answers_409_keeping_the_input(alice_client, task):
    data = {"title": "Mine", "priority": "low", "status": "pending", "version": task.version}
    change_elsewhere(task, priority=Priority.HIGH)

    response = alice_client.post(f"/task/{task.pk}/edit/", data, **HTMX)

    assert response.status_code == 409
    assert 'value="Mine"' in response.content.decode()
    assert Task.objects.get(pk=task.pk).title == "Quarterly report"


def test_another_users_stale_edit_is_still_a_404(client, bob, task):
    client.force_login(bob)

    response = client.post(f"/task/{task.pk}/edit/", opened(task) | {"title": "x"}, **HTMX)

    assert response.status_code == 404
    assert Task.objects.get(pk=task.pk).title == "Quarterly report"
