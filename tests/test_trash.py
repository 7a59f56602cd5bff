"""The Trash: every delete in the grace period can be undone, newest first (`z`, the board's
#undo-last form), and the Trash page restores or deletes forever, with and without htmx."""

import re

import pytest
from django.utils import timezone

from tasks.models import Task
from tests.conftest import HTMX, htmx_on, oob_toasts, row_ids
from tests.html import find

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_deleted(alice, make_task):
    """Three of Alice's tasks deleted one after another (First, then Second, then Third)."""
    tasks = [make_task(alice, title) for title in ("First", "Second", "Third")]
    for n, task in enumerate(tasks):
        task.soft_delete()
        Task.objects.filter(pk=task.pk).update(
            deleted_at=timezone.now() - timezone.timedelta(minutes=10 - n)
        )
    return tasks


def live_titles(user) -> set[str]:
    return set(Task.objects.visible_to(user).values_list("title", flat=True))


# --- undo the last delete, again and again -------------------------------------------------


def test_it_restores_deletes_newest_first_one_per_undo(alice_client, alice, three_deleted):
    for expected in (["Third"], ["Second", "Third"], ["First", "Second", "Third"]):
        response = alice_client.post("/trash/undo/", {"next": "/"})
        assert response.status_code == 302
        assert sorted(live_titles(alice)) == expected


def test_it_answers_htmx_undo_with_the_list_on_screen(alice_client, alice, three_deleted):
    response = alice_client.post("/trash/undo/", **htmx_on("/?q=third"))

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#task-list"
    assert row_ids(response) == [three_deleted[2].pk]
    assert "Task restored" in oob_toasts(response)


def test_it_says_there_is_nothing_to_undo(alice_client, alice, make_task):
    make_task(alice, "Live")

    plain = alice_client.post("/trash/undo/", {"next": "/?q=live"})
    htmx = alice_client.post("/trash/undo/", **HTMX)

    assert plain.status_code == 302 and plain["Location"] == "/?q=live"
    assert htmx.status_code == 200
    assert htmx["HX-Reswap"] == "none"
    assert "Nothing to undo." in oob_toasts(htmx)


def test_undo_never_restores_another_users_task(alice_client, bob, make_task):
    theirs = make_task(bob, "Bob's")
    theirs.soft_delete()

    alice_client.post("/trash/undo/", **HTMX)

    assert Task.objects.get(pk=theirs.pk).deleted_at is not None


def test_the_board_offers_the_undo_last_form_for_z(alice_client):
    html = alice_client.get("/?status=pending").content.decode()

    form = re.search(r'<form id="undo-last"[^>]*>(.*?)</form>', html, re.S)
    assert form
    assert 'method="post" action="/trash/undo/" hx-post="/trash/undo/"' in form[0]
    assert '<input type="hidden" name="next" value="/?status=pending">' in form[1]
    assert 'href="/trash/"' in html  # and a way to the Trash page


# --- the Trash page ----------------------------------------------------------------------------


def test_it_lists_deleted_tasks_newest_first_with_restore_and_delete_forever(
    alice_client, alice, bob, make_task, three_deleted
):
    make_task(alice, "Still on the board")
    make_task(bob, "Bob's deleted").soft_delete()

    response = alice_client.get("/trash/")

    html = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<span id="trash-\d+-title"[^>]*>([^<]*)</span>', html) == [
        "Third",
        "Second",
        "First",
    ]
    assert "Still on the board" not in html and "Bob&#x27;s deleted" not in html
    first = three_deleted[0]
    assert f'action="/trash/{first.pk}/restore/" hx-post="/trash/{first.pk}/restore/"' in html
    assert f'action="/trash/{first.pk}/delete/" hx-post="/trash/{first.pk}/delete/"' in html
    assert "Delete forever" in html


def test_it_shows_an_empty_trash(alice_client):
    assert "The trash is empty." in alice_client.get("/trash/").content.decode()


def test_it_restores_from_the_trash_page(alice_client, alice, three_deleted):
    first = three_deleted[0]

    plain = alice_client.post(f"/trash/{first.pk}/restore/")

    assert plain.status_code == 302 and plain["Location"] == "/trash/"
    assert live_titles(alice) == {"First"}
    second = three_deleted[1]
    htmx = alice_client.post(f"/trash/{second.pk}/restore/", **htmx_on("/trash/"))
    assert htmx.status_code == 200
    assert 'id="trash-' not in htmx.content.decode()  # the row leaves the trash list
    assert "Restored “Second”" in oob_toasts(htmx)
    assert live_titles(alice) == {"First", "Second"}


def test_it_deletes_forever_at_the_version_shown(alice_client, alice, three_deleted):
    first, second, _ = three_deleted

    plain = alice_client.post(f"/trash/{first.pk}/delete/", {"version": first.version})
    htmx = alice_client.post(
        f"/trash/{second.pk}/delete/", {"version": second.version}, **htmx_on("/trash/")
    )

    assert plain.status_code == 302 and plain["Location"] == "/trash/"
    assert htmx.status_code == 200
    assert "Deleted “Second” forever" in oob_toasts(htmx)
    assert not Task.objects.filter(pk__in=[first.pk, second.pk]).exists()


def test_it_refuses_to_delete_forever_a_task_that_changed_since_the_page(
    alice_client, alice, three_deleted
):
    first = three_deleted[0]

    response = alice_client.post(
        f"/trash/{first.pk}/delete/", {"version": first.version - 1 or 99}, **HTMX
    )

    assert response.status_code == 409
    assert Task.objects.filter(pk=first.pk).exists()


def test_it_never_deletes_forever_a_live_task(alice_client, alice, make_task):
    live = make_task(alice, "Live")

    response = alice_client.post(f"/trash/{live.pk}/delete/", {"version": live.version})

    assert response.status_code == 404
    assert Task.objects.visible_to(alice).filter(pk=live.pk).exists()


@pytest.mark.parametrize("action", ["restore", "delete"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_another_user_gets_404_from_the_trash_routes(client, bob, three_deleted, action, headers):
    client.force_login(bob)
    first = three_deleted[0]

    response = client.post(f"/trash/{first.pk}/{action}/", {"version": first.version}, **headers)

    assert response.status_code == 404
    assert Task.objects.get(pk=first.pk).deleted_at is not None
    assert "First" not in client.get("/trash/").content.decode()


def test_the_delete_message_names_the_task_and_the_confirm_page_returns_to_the_view(
    alice_client, alice, make_task
):
    task = make_task(alice, "Pay rent")

    page = alice_client.get(f"/task/{task.pk}/delete/?next=/%3Fq%3Drent")
    response = alice_client.post(f"/task/{task.pk}/delete/", {"next": "/?q=rent"})

    assert '<input type="hidden" name="next" value="/?q=rent">' in page.content.decode()
    assert response["Location"] == "/?q=rent"
    assert "Deleted “Pay rent”" in alice_client.get("/?q=rent").content.decode()


def test_the_trash_page_takes_the_same_queries_for_many_tasks(
    alice_client, alice, make_task, django_assert_max_num_queries, settings
):
    for n in range(30):
        make_task(alice, f"Task {n}").soft_delete()

    # Session, user, the person's projects, the count, the deleted tasks.
    with django_assert_max_num_queries(5):
        response = alice_client.get("/trash/")

    assert response.content.decode().count('<li id="trash-') == settings.TASKS_PAGE_SIZE


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_trash_pages_through_older_deletes(alice_client, alice, make_task, settings, headers):
    settings.TASKS_PAGE_SIZE = 3
    tasks = [make_task(alice, f"Task {n}") for n in range(5)]
    for task in tasks:
        task.soft_delete()

    first = alice_client.get("/trash/", **headers).content.decode()
    second = alice_client.get("/trash/?page=2", **headers).content.decode()

    assert re.findall(r'<li id="trash-(\d+)"', first) == [str(t.pk) for t in tasks[:1:-1]]
    assert re.findall(r'<li id="trash-(\d+)"', second) == [str(t.pk) for t in tasks[1::-1]]
    assert 'href="?page=2" rel="next">Older' in first
    assert 'href="?page=1" rel="prev">Newer' in second


@pytest.mark.parametrize("page", ["0", "99", "abc", "-1", "1e9"])
def test_a_garbled_trash_page_number_shows_a_real_page(alice_client, alice, make_task, page):
    make_task(alice, "Gone").soft_delete()

    response = alice_client.get(f"/trash/?page={page}")

    assert response.status_code == 200
    assert "Gone" in response.content.decode()


def test_delete_forever_sends_the_version_from_the_button(alice_client, alice, make_task):
    task = make_task(alice, "Gone")
    task.soft_delete()

    html = alice_client.get("/trash/").content.decode()

    assert find(
        html,
        "button",
        form="trash-post",
        formaction=f"/trash/{task.pk}/delete/",
        name="version",
        value=str(task.version),
    )
    # One token for the page, in the shared form, none per row.
    assert find(html, "form", id="trash-post").find("input", name="csrfmiddlewaretoken")
    assert not find(html, "ul", id="trash").find("input", name="csrfmiddlewaretoken")
