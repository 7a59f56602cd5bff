"""Quick add understands words: the preview endpoint (/task/parse/) and creating from the
quick-add field (task_create with `quick`), plain and htmx, per user."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Profile
from tasks.models import Project, Tag, Task, TaskTag
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db

PARSE = "/task/parse/"
CREATE = "/task/new/"
PHRASE = "Pay rent tomorrow !high #home +Finance"


def quick(title: str, **extra) -> dict:
    return {"title": title, "quick": "1", "next": "/", "idempotency_key": "k" * 16} | extra


def tag_names(task: Task) -> list[str]:
    return sorted(task.tags.values_list("name", flat=True))


@pytest.fixture
def finance(alice):
    return Project.objects.create(user=alice, name="Finance", position=1)


# ---------------------------------------------------------------------------------------------
# Preview


def test_it_previews_what_it_recognizes_as_chips(alice_client, finance, today):
    response = alice_client.get(PARSE, {"title": PHRASE}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    due = (today + dt.timedelta(days=1)).strftime("Due %a %-d %b")
    for label in (due, "High", "#home", "Finance"):
        assert f">{label}<button" in html
    assert 'aria-label="Keep “tomorrow” as text"' in html
    assert 'data-literal="\\tomorrow"' in html
    assert f'data-source="{PHRASE}"' in html
    # The live region hears a one-line summary (out of band, into the persistent region).
    assert f'id="quick-summary" hx-swap-oob="innerHTML">Recognized: {due}, High' in html
    assert "<html" not in html


def test_it_previews_nothing_for_plain_words(alice_client):
    response = alice_client.get(PARSE, {"title": "Read chapter 3"}, **HTMX)

    assert response.status_code == 200
    assert "quick-chip" not in response.content.decode()


def test_it_previews_on_a_full_page_without_javascript(alice_client, finance):
    response = alice_client.get(PARSE, {"title": PHRASE, "next": "/?q=rent"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert f'value="{PHRASE}"' in html  # the quick-add form, holding the text
    assert ">Finance<button" in html
    assert 'name="next" value="/?q=rent"' in html


def test_it_sends_an_anonymous_preview_to_the_login_page(client):
    response = client.get(PARSE, {"title": PHRASE})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

    response = client.get(PARSE, {"title": PHRASE}, **HTMX)

    assert response.status_code == 401  # htmx: the whole page goes to the login page
    assert response["HX-Redirect"].startswith("/accounts/login/")


def test_it_never_matches_another_users_project_or_tag(alice_client, bob):
    Project.objects.create(user=bob, name="Secret")
    Tag.objects.create(user=bob, name="HOME")

    html = alice_client.get(PARSE, {"title": "x +secret #home"}, **HTMX).content.decode()

    assert ">New project: secret<button" in html
    assert ">#home<button" in html


def test_it_says_a_new_project_is_new(alice_client):
    html = alice_client.get(PARSE, {"title": "Dig +Garden"}, **HTMX).content.decode()

    assert ">New project: Garden<button" in html


def test_it_reads_today_in_the_persons_time_zone(alice_client, alice, monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    noon_utc = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)  # 1 December in Auckland
    monkeypatch.setattr(timezone, "now", lambda: noon_utc)
    Profile.objects.filter(user=alice).update(timezone="Pacific/Auckland")
    alice_client.post("/accounts/logout/")
    alice_client.force_login(alice)

    html = alice_client.get(PARSE, {"title": "x tomorrow"}, **HTMX).content.decode()

    assert ">Due Wed 2 Dec<button" in html


@pytest.mark.parametrize("n", [2, 40])
def test_it_previews_in_the_same_few_queries_however_many_projects_and_tags(
    alice_client, alice, n, django_assert_num_queries
):
    Project.objects.bulk_create(Project(user=alice, name=f"P{i}") for i in range(n))
    Tag.objects.bulk_create(Tag(user=alice, name=f"t{i}") for i in range(n))

    # Session, user, the person's projects, their tags and saved views (Navigation).
    with django_assert_num_queries(4):
        response = alice_client.get(PARSE, {"title": PHRASE + " +P1 #t1"}, **HTMX)

    assert response.status_code == 200


BOUNDED = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@BOUNDED
@given(title=st.text(max_size=3000), htmx=st.booleans())
def test_it_never_fails_on_hostile_preview_text(alice_client, title, htmx):
    response = alice_client.get(PARSE, {"title": title}, **(HTMX if htmx else {}))

    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------
# Create


def test_it_creates_a_task_from_the_words_on_a_plain_post(alice_client, alice, finance, today):
    response = alice_client.post(CREATE, quick(PHRASE))

    assert response.status_code == 302
    task = Task.objects.get(user=alice)
    assert task.title == "Pay rent"
    assert task.due_date == today + dt.timedelta(days=1)
    assert task.priority == "high"
    assert task.project == finance
    assert tag_names(task) == ["home"]


def test_it_creates_a_task_from_the_words_over_htmx(alice_client, alice, finance, today):
    response = alice_client.post(CREATE, quick(PHRASE), **HTMX)

    assert response.status_code == 200
    task = Task.objects.get(user=alice)
    assert (task.title, task.priority, task.project) == ("Pay rent", "high", finance)
    assert task.due_date == today + dt.timedelta(days=1)
    html = response.content.decode()
    assert f'id="task-{task.pk}"' in html
    assert 'id="quick-add"' in html  # a fresh quick-add field, out of band
    assert 'value="Pay rent tomorrow' not in html


def test_it_keeps_the_words_literal_in_the_full_page_form(alice_client, alice):
    response = alice_client.post(CREATE, {"title": PHRASE, "next": "/"})

    assert response.status_code == 302
    task = Task.objects.get(user=alice)
    assert task.title == PHRASE
    assert task.due_date is None
    assert task.project.is_inbox


def test_it_keeps_escaped_words_as_text(alice_client, alice):
    alice_client.post(CREATE, quick(r'Read \tomorrow magazine "next week" #a'))

    task = Task.objects.get(user=alice)
    assert task.title == "Read tomorrow magazine next week"
    assert task.due_date is None
    assert tag_names(task) == ["a"]


def test_it_reuses_tags_ignoring_case_and_creates_missing_ones(alice_client, alice, bob):
    home = Tag.objects.create(user=alice, name="Home")
    Tag.objects.create(user=bob, name="errands")

    alice_client.post(CREATE, quick("Buy milk #home #errands #HOME"))

    task = Task.objects.get(user=alice)
    assert tag_names(task) == ["Home", "errands"]
    assert task.tags.get(name="Home") == home
    assert Tag.objects.filter(user=alice).count() == 2
    assert Tag.objects.get(user=alice, name="errands").user == alice


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_asks_before_creating_a_new_project(alice_client, alice, htmx):
    headers = HTMX if htmx else {}

    response = alice_client.post(CREATE, quick("Dig beds +Garden"), **headers)

    assert response.status_code == 422
    html = response.content.decode()
    assert "“Garden” is a new project" in html
    assert 'name="create_project" value="1"' in html
    assert 'value="Dig beds +Garden"' in html  # what was typed, kept
    assert not Task.objects.filter(user=alice).exists()
    assert not Project.objects.filter(user=alice, name="Garden").exists()

    response = alice_client.post(CREATE, quick("Dig beds +Garden", create_project="1"), **headers)

    assert response.status_code == (200 if htmx else 302)
    task = Task.objects.get(user=alice)
    assert task.title == "Dig beds"
    assert task.project.name == "Garden"
    assert task.project.user == alice


def test_it_puts_the_task_in_its_own_project_when_bob_has_one_of_that_name(
    alice_client, alice, bob
):
    Project.objects.create(user=bob, name="Finance")

    response = alice_client.post(CREATE, quick("Budget +Finance"))

    assert response.status_code == 422
    assert not Task.objects.exists()


def test_it_refuses_a_title_made_only_of_tokens(alice_client, alice):
    response = alice_client.post(CREATE, quick("tomorrow !high"), **HTMX)

    assert response.status_code == 422
    assert "Give the task a title" in response.content.decode()
    assert not Task.objects.exists()


def test_it_creates_once_when_the_same_form_arrives_twice(alice_client, alice):
    alice_client.post(CREATE, quick("Dig +Garden #soil", create_project="1"))
    alice_client.post(CREATE, quick("Dig +Garden #soil", create_project="1"))

    assert Task.objects.filter(user=alice).count() == 1
    assert Project.objects.filter(user=alice, name="Garden").count() == 1
    assert TaskTag.objects.count() == 1


def create_queries(client, title: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(CREATE, quick(title), **HTMX)
    assert response.status_code == 200, response.content
    return len(queries)


def test_it_creates_in_the_same_queries_however_many_projects_tags_and_tasks(
    alice_client, alice, make_task
):
    finance = Project.objects.create(user=alice, name="Finance")
    Tag.objects.create(user=alice, name="home")
    few = create_queries(alice_client, PHRASE + " #new1")

    Project.objects.bulk_create(Project(user=alice, name=f"P{i}") for i in range(30))
    Tag.objects.bulk_create(Tag(user=alice, name=f"t{i}") for i in range(30))
    for i in range(30):
        make_task(alice, f"Task {i}", project=finance)
    Task.objects.filter(user=alice).update(idempotency_key=None)
    many = create_queries(alice_client, PHRASE + " #new2 #t3 #t4")

    # Session, user, savepoint, projects, tags and views, the project (locked), key, savepoint,
    # insert, the default reminder (one INSERT ... SELECT, reminders.signals), release, the
    # tags (locked), savepoint, the new tag, release, task tags, projects again (the counts),
    # release.
    assert few == many <= 18


def test_it_adds_plain_words_in_no_more_queries_than_the_full_form(alice_client, alice):
    with CaptureQueriesContext(connection) as full:
        alice_client.post(CREATE, {"title": "Plain words", "idempotency_key": "f" * 16}, **HTMX)
    plain = create_queries(alice_client, "Plain words too")

    assert Task.objects.get(title="Plain words too").project.is_inbox
    # Quick add reads the person's tags and saved views too (for `#words`); both find the
    # Inbox in the person's projects.
    assert plain <= len(full) + 1


@pytest.mark.parametrize(
    "title, rule, repeat_from",
    [
        ("Water plants every monday", "FREQ=WEEKLY;BYDAY=MO", "due"),
        ("Stand-up every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "due"),
        ("Gym every! 3 days", "FREQ=DAILY;INTERVAL=3", "completion"),
        ("Pay rent every month on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1", "due"),
        ("Review every last friday", "FREQ=MONTHLY;BYDAY=-1FR", "due"),
        ("Sync every 2 weeks", "FREQ=WEEKLY;INTERVAL=2", "due"),
    ],
)
def test_it_creates_a_repeating_task_from_an_every_phrase(
    alice_client, alice, title, rule, repeat_from, today
):
    from tasks import recurrence

    response = alice_client.post(CREATE, quick(title), **HTMX)

    assert response.status_code == 200
    task = Task.objects.get(user=alice)
    assert task.title == title.split(" every")[0]
    assert (task.recurrence, task.repeat_from) == (rule, repeat_from)
    # without a date of its own, it starts on its first occurrence
    assert task.due_date == recurrence.first_on_or_after(rule, today)


def test_it_previews_a_repeat_as_a_chip(alice_client):
    response = alice_client.get(PARSE, {"title": "Water plants every monday tomorrow"}, **HTMX)

    html = response.content.decode()
    assert "Every Monday" in html
    assert "Due " in html
