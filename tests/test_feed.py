"""The calendar feed: turned on, renewed (the old URL dies) and off from its page, plain and
htmx, owner only; the .ics parses back with icalendar, follows RFC 5545 (UIDs, DTSTAMP,
folding, CRLF), carries times with their zone and repeats as RRULE, and answers 304 to a
calendar polling an unchanged feed."""

import datetime as dt
import re

import pytest
from django.test import Client
from icalendar import Calendar

from feeds.models import CalendarFeed, digest
from tasks.models import Project, Status, Tag, Task, TaskTag
from tests.conftest import HTMX
from tests.html import find

pytestmark = pytest.mark.django_db


def turn_on(client) -> str:
    """Turn the feed on from its page (plain POST, then the page once) and return its path."""
    client.post("/feeds/on/")
    page = client.get("/feeds/")
    url = find(page, "input", id="feed-url")["value"]
    return re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def feed_path(alice_client):
    return turn_on(alice_client)


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(response) -> dict[str, object]:
    return {str(e["SUMMARY"]): e for e in parse(response).walk("VEVENT")}


def test_the_feed_page_turns_it_on_and_shows_the_address_once(alice_client):
    response = alice_client.post("/feeds/on/")
    assert response.status_code == 302

    first = alice_client.get("/feeds/")
    url = find(first, "input", id="feed-url")["value"]
    assert re.fullmatch(r"http://testserver/feeds/[A-Za-z0-9_-]{43}\.ics", url)
    assert find(alice_client.get("/feeds/"), "input", id="feed-url") is None
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarFeed.objects.get().token_hash == digest(token)  # only the digest is kept


def test_htmx_turns_it_on_with_the_panel_and_a_toast(alice_client):
    response = alice_client.post("/feeds/on/", **HTMX)

    assert response.status_code == 200
    panel = find(response, "section", id="feed-panel")
    assert panel is not None and "Your feed is on" in panel.text
    assert find(response, "input", id="feed-url")["value"].endswith(".ics")
    assert "Calendar feed on." in response.content.decode()
    assert "<html" not in response.content.decode()


def test_it_needs_no_session_and_serves_only_the_owners_dated_tasks(
    alice, bob, make_task, feed_path
):
    make_task(alice, "Dated", due_date=dt.date(2030, 12, 5))
    make_task(alice, "Undated")
    make_task(bob, "Bob's", due_date=dt.date(2030, 12, 5))
    deleted = make_task(alice, "Deleted", due_date=dt.date(2030, 12, 5))
    deleted.soft_delete()

    assert set(events(Client().get(feed_path))) == {"Dated"}


def test_a_new_address_revokes_the_old_one(alice_client, feed_path):
    new_path = turn_on(alice_client)

    assert new_path != feed_path
    assert Client().get(feed_path).status_code == 404
    assert Client().get(new_path).status_code == 200


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_turning_it_off_kills_the_address(alice_client, feed_path, headers):
    response = alice_client.post("/feeds/off/", **headers)

    assert response.status_code == (200 if headers else 302)
    assert not CalendarFeed.objects.exists()
    assert Client().get(feed_path).status_code == 404


@pytest.mark.parametrize("token", ["x", "A" * 43, "A" * 43 + "/", "é" * 30, "%00" * 20, "A" * 500])
def test_a_wrong_token_is_a_plain_404(client, feed_path, token):
    response = client.get(f"/feeds/{token}.ics")

    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


def test_the_page_needs_a_login(client):
    assert client.get("/feeds/")["Location"].startswith("/accounts/login/")
    assert client.post("/feeds/on/").status_code == 302
    assert not CalendarFeed.objects.exists()


def test_each_user_has_their_own_feed(alice_client, bob, make_task, feed_path, alice):
    other = Client()
    other.force_login(bob)
    bob_path = turn_on(other)
    make_task(bob, "Bob's", due_date=dt.date(2030, 12, 5))

    assert bob_path != feed_path
    assert set(events(Client().get(bob_path))) == {"Bob's"}
    assert find(other.get("/feeds/"), "section", id="feed-panel") is not None
    # Bob's filter form offers Bob's projects only; Alice's project id is refused.
    alices = Project.objects.create(user=alice, name="Secret plans")
    response = other.post("/feeds/filter/", {"project": alices.pk, "include_completed": "on"})
    assert response.status_code == 422
    assert CalendarFeed.objects.get(user=bob).project_id is None


def test_it_is_strict_rfc_5545(alice, make_task, feed_path):
    long_title = "Renew the passport; bring photos, form \\ fee — " + "é" * 60
    make_task(alice, long_title, due_date=dt.date(2030, 12, 5), description="Line one\nTwo")
    task = make_task(alice, "Standup", due_date=dt.date(2030, 12, 6), due_time=dt.time(9, 30))

    body = Client().get(feed_path).content

    lines = body.split(b"\r\n")
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")  # every line ends in CRLF
    assert all(len(line) <= 75 for line in lines)
    body.decode("utf-8")  # folding never split a UTF-8 sequence
    cal = Calendar.from_ical(body)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    found = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(found) == {long_title, "Standup"}
    assert str(found[long_title]["DESCRIPTION"]) == "Line one\nTwo"
    for event in found.values():
        assert event["DTSTAMP"].dt.tzinfo is not None
    assert str(found["Standup"]["UID"]) == f"task-{task.pk}@taskmanager"


def test_all_day_and_timed_tasks_and_their_zone(alice, make_task, feed_path):
    alice.profile.timezone = "Europe/Berlin"
    alice.profile.save()
    make_task(alice, "All day", due_date=dt.date(2030, 12, 5))
    make_task(alice, "Timed", due_date=dt.date(2030, 12, 6), due_time=dt.time(9, 30))

    cal = parse(Client().get(feed_path))

    found = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert found["All day"]["DTSTART"].dt == dt.date(2030, 12, 5)
    assert found["All day"]["DTSTART"].params["VALUE"] == "DATE"
    timed = found["Timed"]["DTSTART"].dt
    assert (timed.hour, timed.minute, str(timed.tzinfo)) == (9, 30, "Europe/Berlin")
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_repeats_are_rrules_counting_down_and_completed_ones_are_marked(
    alice, make_task, feed_path
):
    weekly = make_task(
        alice, "Review", due_date=dt.date(2030, 12, 5), recurrence="FREQ=WEEKLY;BYDAY=TH;COUNT=4"
    )
    weekly.completions.create(
        due_date=dt.date(2030, 11, 28), previous_status="pending", previous_version=1
    )
    make_task(
        alice,
        "Timed until",
        due_date=dt.date(2030, 12, 5),
        due_time=dt.time(9),
        recurrence="FREQ=DAILY;UNTIL=20301210",
    )
    make_task(alice, "Done", due_date=dt.date(2030, 12, 1), status=Status.COMPLETED)

    found = events(Client().get(feed_path))

    rule = found["Review"]["RRULE"]
    assert (rule["FREQ"], rule["BYDAY"], rule["COUNT"]) == (["WEEKLY"], ["TH"], [3])
    until = found["Timed until"]["RRULE"]["UNTIL"][0]
    assert until.tzinfo is not None and until.utcoffset() == dt.timedelta(0)
    assert "✓ Done" in found and "RRULE" not in found["✓ Done"]


def test_the_filter_narrows_to_a_project_and_a_tag(alice_client, alice, make_task, feed_path):
    home = Project.objects.create(user=alice, name="Home")
    urgent = Tag.objects.create(user=alice, name="urgent")
    in_home = make_task(alice, "In home", due_date=dt.date(2030, 12, 5), project=home)
    tagged = make_task(alice, "Tagged home", due_date=dt.date(2030, 12, 5), project=home)
    TaskTag.objects.create(task=tagged, tag=urgent)
    make_task(alice, "Inbox", due_date=dt.date(2030, 12, 5))
    make_task(alice, "Done", due_date=dt.date(2030, 12, 5), status=Status.COMPLETED)

    alice_client.post("/feeds/filter/", {"project": home.pk, "include_completed": "on"})
    assert set(events(Client().get(feed_path))) == {in_home.title, tagged.title}

    response = alice_client.post("/feeds/filter/", {"tag": urgent.pk}, **HTMX)
    assert response.status_code == 200
    assert set(events(Client().get(feed_path))) == {tagged.title}


def test_polling_an_unchanged_feed_gets_a_304_and_a_change_a_200(alice, make_task, feed_path):
    task = make_task(alice, "Pay rent", due_date=dt.date(2030, 12, 5))
    first = Client().get(feed_path)
    etag, modified = first["ETag"], first["Last-Modified"]

    again = Client().get(feed_path, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    since = Client().get(feed_path, headers={"if-modified-since": modified})
    assert since.status_code == 304

    task.title = "Pay the rent"
    assert task.save_if_current(task.version, ["title"])
    changed = Client().get(feed_path, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    make_task(alice, "Another", due_date=dt.date(2030, 12, 6))
    assert Client().get(feed_path, headers={"if-none-match": changed["ETag"]}).status_code == 200


def test_a_deleted_task_changes_the_etag(alice, make_task, feed_path):
    make_task(alice, "Stays", due_date=dt.date(2030, 12, 5))
    gone = make_task(alice, "Goes", due_date=dt.date(2030, 12, 5))
    etag = Client().get(feed_path)["ETag"]

    gone.soft_delete()

    assert Client().get(feed_path, headers={"if-none-match": etag}).status_code == 200


def test_it_answers_in_a_fixed_number_of_queries(
    alice, make_task, feed_path, django_assert_num_queries
):
    for i in range(3):
        make_task(alice, f"T{i}", due_date=dt.date(2030, 12, 5), recurrence="FREQ=DAILY;COUNT=9")
    # The feed, its owner, the owner's projects (who sees what), the tasks, the stamp.
    with django_assert_num_queries(6) as few:
        Client().get(feed_path)
    for i in range(30):
        make_task(alice, f"U{i}", due_date=dt.date(2030, 12, 5), recurrence="FREQ=DAILY;COUNT=9")
    with django_assert_num_queries(len(few.captured_queries)):
        Client().get(feed_path)


def test_the_settings_page_links_to_the_feed(alice_client):
    assert 'href="/feeds/"' in alice_client.get("/accounts/settings/").content.decode()


def test_the_task_model_is_unchanged_by_reading_the_feed(alice, make_task, feed_path):
    task = make_task(alice, "Read only", due_date=dt.date(2030, 12, 5))
    Client().get(feed_path)
    assert Task.objects.get(pk=task.pk).version == task.version


def test_every_feeds_route_but_the_feed_needs_a_login_and_the_feed_needs_its_token(feed_path):
    """The URL walkers (tests/urlmap.py) cover tasks: routes; these are the feeds: ones."""
    from tests.urlmap import routes

    client = Client()  # nobody logged in

    feeds = [r for r in routes() if (r.name or "").startswith("feeds:")]
    assert {r.name for r in feeds} == {
        "feeds:page",
        "feeds:turn_on",
        "feeds:turn_off",
        "feeds:filter",
        "feeds:ics",
    }
    for route in feeds:
        url = route.url(lambda _r, _n: "not-a-token-but-long-enough-to-look-up")
        for method in ("get", "post"):
            for headers in ({}, HTMX):
                response = getattr(client, method)(url, **headers)
                if route.name == "feeds:ics":
                    assert response.status_code in (404, 405), (url, method)
                else:
                    assert response.status_code in (302, 401, 405), (url, method)
    assert CalendarFeed.objects.count() == 1
    assert Client().get(feed_path).status_code == 200


def test_a_get_changes_nothing_and_the_feed_refuses_writes(alice_client, feed_path):
    before = CalendarFeed.objects.get().token_hash
    for url in ("/feeds/on/", "/feeds/off/", "/feeds/filter/"):
        assert alice_client.get(url).status_code == 405
    assert Client().post(feed_path).status_code == 405
    assert Client().head(feed_path).status_code == 200
    assert CalendarFeed.objects.get().token_hash == before


def test_a_filter_with_another_users_tag_is_refused_in_place(alice_client, bob, feed_path):
    bobs = Tag.objects.create(user=bob, name="bob's")

    response = alice_client.post("/feeds/filter/", {"tag": bobs.pk}, **HTMX)

    assert response.status_code == 422
    assert find(response, "section", id="feed-panel") is not None
    assert CalendarFeed.objects.get().tag_id is None


def test_changing_the_filter_without_a_feed_is_a_404(alice_client):
    assert alice_client.post("/feeds/filter/", {"include_completed": "on"}).status_code == 404


def test_a_repeating_timed_task_keeps_its_local_time_across_dst_in_the_feed(
    alice, make_task, feed_path
):
    """Europe/Berlin leaves summer time on 25 Oct 2026: a calendar expanding the feed's RRULE
    puts every occurrence at 09:00 local, 07:00 UTC before and 08:00 UTC after."""
    from dateutil.rrule import rrulestr

    alice.profile.timezone = "Europe/Berlin"
    alice.profile.save()
    make_task(
        alice,
        "Stand-up",
        due_date=dt.date(2026, 10, 23),
        due_time=dt.time(9),
        recurrence="FREQ=DAILY;COUNT=4",
    )

    event = events(Client().get(feed_path))["Stand-up"]

    start = event["DTSTART"].dt
    rule = event["RRULE"].to_ical().decode()
    occurrences = list(rrulestr(rule, dtstart=start))
    assert [o.hour for o in occurrences] == [9, 9, 9, 9]
    assert [o.astimezone(dt.UTC).hour for o in occurrences] == [7, 7, 8, 8]


def test_the_feed_page_reads_in_a_fixed_number_of_queries(
    alice_client, alice, feed_path, django_assert_num_queries
):
    for i in range(20):
        Project.objects.create(user=alice, name=f"P{i}")
        Tag.objects.create(user=alice, name=f"t{i}")
    # Session, user, the feed, the projects and the tags of the filter form: not one per row.
    with django_assert_num_queries(5):
        alice_client.get("/feeds/")
