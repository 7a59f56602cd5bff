"""Every GET route answers HEAD the same way; logged-in pages are kept out of caches.

The routes come from the resolver (tests/urlmap.py), so a route added later is checked too.
"""

import pytest
from django.test import Client

from tests.conftest import HTMX
from tests.urlmap import every_route_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["anonymous", "alice", "superuser"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_answers_head_wherever_it_answers_get(django_user_model, alice, make_task, who, htmx):
    client = Client()
    if who == "alice":
        client.force_login(alice)
    elif who == "superuser":
        client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    task = make_task(alice, "Mine")
    headers = HTMX if htmx else {}
    checked = 0
    for url in every_route_url(alice, task):
        get = client.get(url, **headers)
        head = client.head(url, **headers)
        answer = (url, get.status_code, head.status_code)
        if url.startswith("/admin/"):
            # Django's admin login redirects a logged-in GET but shows the page to HEAD.
            assert (head.status_code == 405) == (get.status_code == 405), answer
        else:
            assert head.status_code == get.status_code, answer
        assert head.content == b""
        checked += get.status_code != 405
    assert checked > 5  # the walk reached real pages, not only refusals
    task.refresh_from_db()
    assert (task.title, task.deleted_at, task.version) == ("Mine", None, 1)


def test_it_answers_head_on_the_board_with_the_pages_headers(alice_client):
    response = alice_client.head("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/", "/task/new/", "/accounts/password_change/"])
def test_it_keeps_logged_in_pages_out_of_every_cache(alice_client, path):
    cache_control = alice_client.get(path)["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control


def test_it_keeps_htmx_fragments_out_of_caches_too(alice_client, alice, make_task):
    task = make_task(alice, "Mine")
    response = alice_client.get(f"/task/{task.pk}/", **HTMX)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_it_leaves_anonymous_pages_to_their_own_caching(client):
    # Only pages with someone's data are marked; the 404 page for a visitor is nobody's.
    response = client.get("/no-such-page/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_it_leaves_static_files_cacheable_for_logged_in_users(alice_client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_MAX_AGE = 3600
    client = Client()  # a fresh handler, so WhiteNoise reads the settings above
    client.cookies = alice_client.cookies
    response = client.get("/static/js/board.js")
    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]
    assert "max-age" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ],
)
def test_it_offers_no_password_reset_by_email(client, path):
    # Accounts have no email address: the page only ever pretended to send a link.
    assert client.get(path).status_code == 404
    assert client.post(path, {"email": "a@example.com"}).status_code == 404
