"""Saved views: save the board URL on screen under a name, rename, reorder and delete them,
plain (post/redirect/get) and htmx; the sidebar lists them and marks the one on screen."""

import pytest

from tasks.models import Project, SavedView
from tests.conftest import HTMX, htmx_on
from tests.html import find, find_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def views(alice):
    return [
        SavedView.objects.create(user=alice, name=name, url=url, position=i)
        for i, (name, url) in enumerate(
            [
                ("Urgent", "/?priority=high"),
                ("Today's work", "/today/?q=work"),
                ("Done", "/?status=completed"),
            ]
        )
    ]


def order(user) -> list[str]:
    return list(
        SavedView.objects.filter(user=user)
        .order_by("position", "id")
        .values_list("name", flat=True)
    )


# --- save --------------------------------------------------------------------------------------


def test_it_saves_the_view_and_redirects_to_it(alice_client, alice):
    response = alice_client.post(
        "/views/new/", {"name": "High today", "url": "/today/?priority=high&after=abc&junk=1"}
    )

    view = SavedView.objects.get(user=alice)
    assert (view.name, view.url) == ("High today", "/today/?priority=high")  # no cursor, no junk
    assert response.status_code == 302
    assert response["Location"] == "/today/?priority=high"


def test_it_saves_the_url_on_screen_with_htmx_and_updates_the_sidebar(alice_client, alice):
    response = alice_client.post(
        "/views/new/",
        {"name": "Mine", "url": "/stale/"},
        **htmx_on("/upcoming/?q=plan&sort=title"),
    )

    assert response.status_code == 200
    assert SavedView.objects.get(user=alice).url == "/upcoming/?q=plan&sort=title"
    sidebar = find(response, "div", id="sidebar-views", hx_swap_oob="true")
    link = sidebar.find("a", data_saved_view="1")
    assert link["href"] == "/upcoming/?q=plan&sort=title"
    assert link.get("aria-current") == "page"  # the view on screen
    assert "Saved the view “Mine”" in find(response, id="toasts").text


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "/accounts/logout/",
        "/trash/",
        "/projects/987654321/",
        "",
    ],
)
def test_it_refuses_a_url_that_is_not_a_board_view(alice_client, alice, url):
    response = alice_client.post("/views/new/", {"name": "Bad", "url": url})

    assert response.status_code == 422
    said = "Only a view of this board can be saved." if url else "This field is required."
    assert said in response.content.decode()
    assert not SavedView.objects.exists()


@pytest.mark.parametrize("page", ["/accounts/logout/", "/trash/", "/projects/987654321/"])
def test_it_refuses_to_save_a_page_that_is_not_a_board_view_with_htmx(alice_client, page):
    response = alice_client.post("/views/new/", {"name": "Bad", "url": "/"}, **htmx_on(page))

    assert response.status_code == 422
    assert "Only a view of this board can be saved." in response.content.decode()
    assert not SavedView.objects.exists()


def test_it_refuses_another_users_project(alice_client, bob):
    theirs = Project.objects.create(user=bob, name="Bob's")

    response = alice_client.post("/views/new/", {"name": "Bad", "url": f"/projects/{theirs.pk}/"})

    assert response.status_code == 422
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 81, "at most 80 characters"),
        ("urgent", "You already have a view with this name."),
        ("a\x00b", "Null characters are not allowed."),
    ],
)
def test_it_validates_the_name(alice_client, alice, views, name, error):
    for headers in ({}, HTMX):
        response = alice_client.post("/views/new/", {"name": name, "url": "/"}, **headers)
        assert response.status_code == 422
        assert error in response.content.decode()
    assert SavedView.objects.count() == 3


# --- the Saved views page, rename, reorder, delete -----------------------------------------------


def test_it_lists_the_views_in_order_on_their_page_and_in_the_sidebar(alice_client, views):
    page = alice_client.get("/views/")
    assert [a.text for a in find(page, "div", id="view-list").find_all("a")] == [
        "Urgent", "Today's work", "Done",
    ]  # fmt: skip

    board = alice_client.get("/?priority=high")
    links = find(board, "div", id="sidebar-views").find_all("a", data_saved_view=True)
    assert [(a["data-saved-view"], a.get("aria-current")) for a in links] == [
        ("1", "page"), ("2", None), ("3", None),
    ]  # fmt: skip


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_renames_a_view(alice_client, alice, views, headers):
    view = views[0]
    response = alice_client.post(
        f"/views/{view.pk}/rename/", {"name": "Hot", "version": view.version}, **headers
    )

    view.refresh_from_db()
    assert (view.name, view.version) == ("Hot", 2)
    if headers:
        assert response.status_code == 200
        assert find(response, "input", id=f"view-{view.pk}-name")["value"] == "Hot"
    else:
        assert response["Location"] == "/views/"


def test_it_refuses_a_rename_to_another_views_name_but_allows_a_change_of_case(alice_client, views):
    view = views[0]
    taken = alice_client.post(f"/views/{view.pk}/rename/", {"name": "DONE", "version": 1}, **HTMX)
    assert taken.status_code == 422
    assert "You already have a view with this name." in taken.content.decode()

    recased = alice_client.post(f"/views/{view.pk}/rename/", {"name": "URGENT", "version": 1})
    assert recased.status_code == 302
    view.refresh_from_db()
    assert view.name == "URGENT"


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_moves_a_view_up_and_down(alice_client, alice, views, headers):
    last = views[2]
    alice_client.post(f"/views/{last.pk}/move/", {"direction": "up", "version": 1}, **headers)
    assert order(alice) == ["Urgent", "Done", "Today's work"]

    last.refresh_from_db()
    alice_client.post(
        f"/views/{last.pk}/move/", {"direction": "up", "version": last.version}, **headers
    )
    assert order(alice) == ["Done", "Urgent", "Today's work"]

    last.refresh_from_db()
    response = alice_client.post(
        f"/views/{last.pk}/move/", {"direction": "up", "version": last.version}, **headers
    )
    assert order(alice) == ["Done", "Urgent", "Today's work"]  # already first: nothing moves
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_deletes_a_view(alice_client, alice, views, headers):
    response = alice_client.post(f"/views/{views[1].pk}/delete/", {"version": 1}, **headers)

    assert order(alice) == ["Urgent", "Done"]
    assert response.status_code == (200 if headers else 302)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("rename", {"name": "Mine now"}),
        ("move", {"direction": "down"}),
        ("delete", {}),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_answers_409_when_the_view_changed_since_the_form_was_shown(
    alice_client, alice, views, action, data, headers
):
    view = views[0]
    SavedView.objects.filter(pk=view.pk).update(name="Renamed elsewhere", version=2)

    response = alice_client.post(f"/views/{view.pk}/{action}/", data | {"version": 1}, **headers)

    assert response.status_code == 409
    view.refresh_from_db()
    assert (view.name, view.version) == ("Renamed elsewhere", 2)
    assert order(alice)[0] == "Renamed elsewhere"
    # The answer shows the view as it is now, with the new version to try again from.
    assert find(response, "input", id=f"view-{view.pk}-name")["value"] == "Renamed elsewhere"


@pytest.mark.parametrize("action", ["rename", "move", "delete"])
@pytest.mark.parametrize("data", [{}, {"version": "x"}, {"version": "0"}])
def test_it_answers_422_without_a_version(alice_client, views, action, data):
    response = alice_client.post(
        f"/views/{views[0].pk}/{action}/", data | {"name": "N", "direction": "up"}
    )

    assert response.status_code == 422
    assert SavedView.objects.get(pk=views[0].pk).version == 1


@pytest.mark.parametrize("action", ["rename", "move", "delete"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_answers_404_to_another_user(client, bob, views, action, headers):
    client.force_login(bob)
    for method in ("get", "post"):
        response = getattr(client, method)(
            f"/views/{views[0].pk}/{action}/",
            {"name": "Taken", "version": 1, "direction": "up"},
            **headers,
        )
        assert response.status_code == (404 if method == "post" else 405)
    assert SavedView.objects.get(pk=views[0].pk).name == "Urgent"


def test_it_does_not_list_another_users_views(client, bob, views):
    client.force_login(bob)

    assert b"Urgent" not in client.get("/views/").content
    assert b"Urgent" not in client.get("/").content


@pytest.mark.parametrize("url", ["/views/", "/views/new/"])
def test_it_sends_anonymous_people_to_log_in(client, url):
    assert client.get(url).status_code == 302
    assert client.post(url).status_code == 302


def test_it_serves_the_page_and_refuses_get_on_writes(alice_client, views):
    assert alice_client.get("/views/").status_code == 200
    assert alice_client.get("/views/", **HTMX).status_code == 200
    assert alice_client.get("/views/new/").status_code == 405
    assert alice_client.get(f"/views/{views[0].pk}/rename/").status_code == 405


def test_it_offers_save_view_on_every_scope(alice_client):
    for url in ("/", "/inbox/", "/today/", "/upcoming/?q=x"):
        form = find(alice_client.get(url), "details", id="save-view").find("form")
        assert form["action"] == "/views/new/"
        assert find_all(form.outer_html, "input", name="url")[0]["value"] == url


def test_it_puts_each_views_version_in_its_forms(alice_client, views):
    SavedView.objects.filter(pk=views[1].pk).update(version=7)

    rows = {
        li["id"]: {i["value"] for i in li.find_all("input", name="version")}
        for li in find_all(alice_client.get("/views/"), "li", id=True)
        if li["id"].startswith("view-")
    }

    assert rows == {
        f"view-{views[0].pk}": {"1"},
        f"view-{views[1].pk}": {"7"},
        f"view-{views[2].pk}": {"1"},
    }
