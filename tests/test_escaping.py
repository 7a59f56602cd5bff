"""Markup typed into a task or the search box is shown as text on every page and fragment."""

import pytest

from tasks.models import Task
from tests.conftest import HTMX, PASSWORD

SCRIPT = '<script>alert("pwned")</script>'
IMG = "<img src=x onerror=alert(1)>"
ATTR = '" autofocus onfocus="alert(2)'
PAYLOAD = f"{SCRIPT}{IMG}{ATTR}"
# The markup must never appear raw; each piece must appear escaped where the text is shown.
RAW = [SCRIPT, IMG, 'onfocus="alert(2)']
ESCAPED = "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;"


@pytest.fixture
def hostile_task(alice, make_task):
    return make_task(alice, PAYLOAD[:200], description=PAYLOAD)


def _assert_shown_as_text(response):
    assert response.status_code in (200, 409, 422), response.status_code
    body = response.content.decode()
    for raw in RAW:
        assert raw not in body
    assert ESCAPED in body


@pytest.mark.parametrize(
    ("path", "htmx"),
    [
        ("/", False),
        ("/", True),
        ("/?q=autofocus", True),  # a word PostgreSQL indexes: it skips text inside <script>
        ("/task/{pk}/", False),
        ("/task/{pk}/", True),
        ("/task/{pk}/edit/", False),
        ("/task/{pk}/edit/", True),
        ("/task/{pk}/delete/", False),
    ],
)
def test_it_shows_markup_in_a_task_as_text_on_pages_and_fragments(
    alice_client, hostile_task, path, htmx
):
    url = path.format(pk=hostile_task.pk)
    _assert_shown_as_text(alice_client.get(url, **(HTMX if htmx else {})))


def test_it_shows_markup_as_text_in_the_answers_to_mutations(alice_client, hostile_task):
    pk = hostile_task.pk
    _assert_shown_as_text(alice_client.post("/task/new/", {"title": PAYLOAD[:200]}, **HTMX))
    _assert_shown_as_text(alice_client.post(f"/task/{pk}/toggle/", **HTMX))
    edit = {"title": PAYLOAD[:200], "priority": "high", "status": "pending", "version": 2}
    _assert_shown_as_text(alice_client.post(f"/task/{pk}/edit/", edit, **HTMX))
    # A stale save answers with the conflict form, refilled from the database.
    _assert_shown_as_text(alice_client.post(f"/task/{pk}/edit/", edit, **HTMX))
    # Invalid (title too long) re-renders the form with the typed text.
    long = {"title": PAYLOAD * 3, "version": 3}
    response = alice_client.post(f"/task/{pk}/edit/", long, **HTMX)
    assert response.status_code == 422
    _assert_shown_as_text(response)


def test_it_shows_markup_as_text_in_the_undo_toast_and_after_restore(alice_client, hostile_task):
    pk = hostile_task.pk
    deleted = alice_client.post(f"/task/{pk}/delete/", **HTMX)
    body = deleted.content.decode()
    assert "Undo" in body
    for raw in RAW:
        assert raw not in body
    _assert_shown_as_text(alice_client.post(f"/task/{pk}/restore/", **HTMX))
    # The plain flow: the message is shown on the next page, next to the escaped task.
    alice_client.post(f"/task/{pk}/delete/")
    alice_client.post(f"/task/{pk}/restore/")
    page = alice_client.get("/")
    _assert_shown_as_text(page)
    assert "Task restored" in page.content.decode()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_shows_a_search_term_with_markup_as_text(alice_client, alice, htmx):
    response = alice_client.get("/", {"q": PAYLOAD}, **(HTMX if htmx else {}))
    assert response.status_code == 200
    body = response.content.decode()
    for raw in RAW:
        assert raw not in body
    if not htmx:  # the fragment has no search box; the full page echoes the term in it
        assert "&lt;script&gt;" in body


def test_it_shows_markup_as_text_in_the_admin(client, django_user_model, hostile_task):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    for url in (
        "/admin/tasks/task/",
        f"/admin/tasks/task/?q={SCRIPT}",
        f"/admin/tasks/task/{hostile_task.pk}/change/",
        f"/admin/tasks/task/{hostile_task.pk}/delete/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        for raw in RAW:
            assert raw not in body, url
        assert "&lt;script&gt;" in body


def test_it_keeps_the_markup_as_typed_in_the_database(alice_client):
    alice_client.post("/task/new/", {"title": SCRIPT, "description": IMG})
    task = Task.objects.get()
    # Escaping happens on output only: the text is stored exactly as typed.
    assert (task.title, task.description) == (SCRIPT, IMG)
