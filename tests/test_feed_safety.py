"""The calendar feed never shows more than it should, stops for an inactive account, keeps one
bounded body per feed and goes stale on nothing it shows (issue 22, items 25, 26, 27, 30)."""

import datetime as dt
import pickle
import re

import pytest
from django.core.cache import caches
from django.test import Client
from icalendar import Calendar

from feeds.models import CalendarFeed
from taskmanager.cache import MemoryCache
from tasks.models import Project, Tag, TaskTag
from tests.html import find

pytestmark = pytest.mark.django_db

DAY = dt.date(2030, 12, 5)


def turn_on(client) -> str:
    client.post("/feeds/on/")
    url = find(client.get("/feeds/"), "input", id="feed-url")["value"]
    return re.sub(r"^https?://[^/]+", "", url)


def summaries(response) -> set[str]:
    assert response.status_code == 200
    return {str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


@pytest.fixture
def setup(alice_client, alice, make_task):
    """Alice's feed, her project Home and tag urgent, a task in each and a private one."""
    home = Project.objects.create(user=alice, name="Home")
    urgent = Tag.objects.create(user=alice, name="urgent")
    make_task(alice, "Fix the roof", due_date=DAY, project=home)
    tagged = make_task(alice, "Call the plumber", due_date=DAY)
    TaskTag.objects.create(task=tagged, tag=urgent)
    make_task(alice, "Private diary", due_date=DAY)
    return turn_on(alice_client), home, urgent


# --- item 25: a filter that disappears stops the feed ------------------------------------------


@pytest.mark.parametrize("how", ["trash", "purge"])
def test_a_feed_whose_project_disappears_stops_and_says_why(alice_client, setup, how):
    path, home, _ = setup
    alice_client.post("/feeds/filter/", {"project": home.pk, "include_completed": "on"})
    assert summaries(Client().get(path)) == {"Fix the roof"}

    if how == "trash":
        alice_client.post(f"/projects/{home.pk}/delete/")
    else:
        Project.objects.filter(pk=home.pk).delete()  # what the Trash's purge does

    response = Client().get(path)
    assert response.status_code == 404
    assert b"Private diary" not in response.content
    page = alice_client.get("/feeds/").content.decode()
    assert "Your feed is stopped" in page
    assert "The project it showed was deleted" in page
    # Choosing again (here: no project) starts it again, as chosen.
    alice_client.post("/feeds/filter/", {"project": "", "include_completed": "on"})
    assert "Private diary" in summaries(Client().get(path))


def test_a_trashed_project_restored_serves_again(alice_client, setup):
    path, home, _ = setup
    alice_client.post("/feeds/filter/", {"project": home.pk, "include_completed": "on"})
    alice_client.post(f"/projects/{home.pk}/delete/")
    alice_client.post(f"/projects/{home.pk}/restore/")
    assert summaries(Client().get(path)) == {"Fix the roof"}


@pytest.mark.parametrize("how", ["delete", "merge"])
def test_a_feed_whose_tag_disappears_stops_and_says_why(alice_client, alice, setup, how):
    path, _, urgent = setup
    alice_client.post("/feeds/filter/", {"tag": urgent.pk, "include_completed": "on"})
    assert summaries(Client().get(path)) == {"Call the plumber"}

    if how == "delete":
        alice_client.post(f"/tags/{urgent.pk}/delete/")
    else:
        other = Tag.objects.create(user=alice, name="later")
        alice_client.post(f"/tags/{urgent.pk}/merge/", {"into": other.pk})
    assert not Tag.objects.filter(pk=urgent.pk).exists()

    assert Client().get(path).status_code == 404
    assert "The tag it showed was deleted or merged" in alice_client.get("/feeds/").text


def test_an_existing_feed_with_a_filter_is_marked_by_the_migration(setup, alice):
    from importlib import import_module

    _, home, _ = setup
    CalendarFeed.objects.filter(user=alice).update(project=home, limited_to_project=False)
    migration = import_module("feeds.migrations.0002_feed_filter_chosen")
    from django.apps import apps

    migration.mark_chosen_filters(apps, None)
    assert CalendarFeed.objects.get(user=alice).limited_to_project is True


# --- item 26: an inactive account's feed stops at once -----------------------------------------


def test_a_deactivated_accounts_feed_stops_at_once(alice, setup):
    path, _, _ = setup
    client = Client()
    assert client.get(path).status_code == 200  # its body is now cached
    alice.is_active = False
    alice.save()
    assert client.get(path).status_code == 404
    alice.is_active = True
    alice.save()
    assert client.get(path).status_code == 200


# --- item 30: the ETag covers everything the body shows ----------------------------------------


def test_renaming_a_project_changes_the_feed(alice_client, setup):
    path, home, _ = setup
    first = Client().get(path)
    assert b"CATEGORIES:Home" in first.content
    home.refresh_from_db()
    alice_client.post(
        f"/projects/{home.pk}/edit/", {"name": "Cottage", "colour": "red", "version": home.version}
    )
    again = Client().get(path, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert b"CATEGORIES:Cottage" in again.content
    # And a poll without validators is not answered from the cached old body.
    assert b"CATEGORIES:Cottage" in Client().get(path).content


def test_the_address_a_feed_was_asked_at_is_part_of_its_etag(setup, settings):
    path, _, _ = setup
    settings.ALLOWED_HOSTS = ["a.example.com", "b.example.com"]
    first = Client().get(path, HTTP_HOST="a.example.com")
    second = Client().get(path, HTTP_HOST="b.example.com")
    assert first["ETag"] != second["ETag"]
    assert b"URL:http://b.example.com/task/" in second.content


# --- item 27: one cached body per feed, bounded by bytes ---------------------------------------


def test_the_cache_keeps_one_body_per_feed_however_often_it_changes(alice_client, alice, setup):
    path, home, _ = setup
    bodies = caches["feeds"]
    client = Client()
    for round_ in range(60):
        home.refresh_from_db()
        assert home.update_if_current(home.version, name=f"Home {round_}")
        assert f"Home {round_}" in client.get(path).text
    feed = CalendarFeed.objects.get(user=alice)
    _etag, body = bodies.get(f"feeds:ics:{feed.pk}")
    assert b"Home 59" in body
    if isinstance(bodies, MemoryCache):  # in Redis (CACHE_URL) its maxmemory bounds it
        assert bodies.bytes_used < len(pickle.dumps((_etag, body))) + 100  # that one body alone


def test_the_cache_is_bounded_by_bytes(settings, django_user_model, make_task):
    people = [django_user_model.objects.create_user(f"p{n}", password="x") for n in range(12)]
    for person in people:
        for n in range(10):
            make_task(person, f"{person.username} task {n}", due_date=DAY)
    paths = [f"/feeds/{CalendarFeed.turn_on(person)}.ics" for person in people]
    client = Client()
    size = max(len(client.get(path).content) for path in paths[:1]) + 400  # pickled, with etag
    bound = 8 * size  # the backend keeps a body up to an eighth of its bound
    settings.CACHES = settings.CACHES | {
        "feeds": {
            "BACKEND": "taskmanager.cache.MemoryCache",
            "LOCATION": "feeds-test",
            "OPTIONS": {"MAX_BYTES": bound},
        }
    }
    for path in paths:  # twelve bodies, room for about eight
        assert client.get(path).status_code == 200
    bodies = caches["feeds"]
    assert 6 * size < bodies.bytes_used <= bound
    settings.CACHES = settings.CACHES | {
        "feeds": {
            "BACKEND": "taskmanager.cache.MemoryCache",
            "LOCATION": "feeds-tiny",
            "OPTIONS": {"MAX_BYTES": 800},
        }
    }
    assert client.get(paths[0]).status_code == 200  # too big to keep: served all the same
    assert caches["feeds"].bytes_used == 0
