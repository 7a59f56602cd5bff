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
    due = "Due Tomorrow"
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

    assert ">Due Tomorrow<button" in html
    html = alice_client.get(PARSE, {"title": "x in 2 days"}, **HTMX).content.decode()
    assert ">Due Thu 3 Dec<button" in html


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
    # the sidebar's names (a tag was made: its link comes with the answer), release.
    assert few == many <= 19


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


# ---------------------------------------------------------------------------------------------
# Issue 22: times, until, "on the 1st", "next friday"


@pytest.fixture
def morning(monkeypatch, settings):
    """08:00 UTC on Monday 30 November 2026 (the server's zone and the person's)."""
    settings.TIME_ZONE = "UTC"
    moment = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_it_saves_the_issues_phrase_with_its_time(alice_client, alice, morning):
    home = Project.objects.create(user=alice, name="Home", position=1)

    response = alice_client.post(
        CREATE, quick("Call mom tomorrow 5pm every week !high #family +Home"), **HTMX
    )

    assert response.status_code == 200
    task = Task.objects.get(user=alice)
    assert task.title == "Call mom"
    assert (task.due_date, task.due_time) == (dt.date(2026, 12, 1), dt.time(17, 0))
    assert (task.recurrence, task.repeat_from) == ("FREQ=WEEKLY", "due")
    assert (task.priority, task.project, tag_names(task)) == ("high", home, ["family"])


@pytest.mark.parametrize(
    "title, due, time",
    [
        ("Call mom 17:00", dt.date(2026, 11, 30), dt.time(17)),
        ("Call mom at 14:30", dt.date(2026, 11, 30), dt.time(14, 30)),
        ("Call mom 9am", dt.date(2026, 11, 30), dt.time(9)),
        ("Call mom at 8am", dt.date(2026, 12, 1), dt.time(8)),  # 08:00 has come: tomorrow
        ("Call mom tonight", dt.date(2026, 11, 30), dt.time(20)),
    ],
)
def test_it_saves_a_time_as_the_due_time(alice_client, alice, morning, title, due, time):
    alice_client.post(CREATE, quick(title), **HTMX)

    task = Task.objects.get(user=alice)
    assert (task.title, task.due_date, task.due_time) == ("Call mom", due, time)


def test_it_reads_a_time_in_the_persons_zone(alice_client, alice, morning):
    # 08:00 UTC is 21:00 in Auckland: 9am there has passed, so it is tomorrow's 9am, their time.
    Profile.objects.filter(user=alice).update(timezone="Pacific/Auckland")
    alice_client.post("/accounts/logout/")
    alice_client.force_login(alice)

    html = alice_client.get(PARSE, {"title": "Call 9am"}, **HTMX).content.decode()
    alice_client.post(CREATE, quick("Call 9am"), **HTMX)

    assert ">At 09:00 tomorrow<button" in html
    task = Task.objects.get(user=alice)
    assert (task.due_date, task.due_time) == (dt.date(2026, 12, 1), dt.time(9))


def test_it_ends_a_repeat_with_until_and_starts_it_today(alice_client, alice, morning):
    alice_client.post(CREATE, quick("water plants every 3 days until jan 31"), **HTMX)

    task = Task.objects.get(user=alice)
    assert task.title == "water plants"
    assert task.recurrence == "FREQ=DAILY;INTERVAL=3;UNTIL=20270131"
    assert task.due_date == dt.date(2026, 11, 30)


@pytest.mark.parametrize(
    "title", ["pay rent on the 1st every month", "pay rent every month on the 1st"]
)
def test_both_word_orders_repeat_monthly_on_the_first(alice_client, alice, morning, title):
    alice_client.post(CREATE, quick(title), **HTMX)

    task = Task.objects.get(user=alice)
    assert task.title == "pay rent"
    assert task.recurrence == "FREQ=MONTHLY;BYMONTHDAY=1"
    assert task.due_date == dt.date(2026, 12, 1)


def test_next_friday_at_a_time_is_one_date_and_a_time(alice_client, alice, morning):
    alice_client.post(CREATE, quick("dentist next friday at 14:30"), **HTMX)

    task = Task.objects.get(user=alice)
    assert (task.title, task.due_date, task.due_time) == (
        "dentist",
        dt.date(2026, 12, 11),
        dt.time(14, 30),
    )


def test_a_repeat_with_a_time_alone_starts_on_its_next_occurrence(alice_client, alice, morning):
    # Monday 08:00: "every monday 7am" has passed for today, so it starts next Monday.
    alice_client.post(CREATE, quick("Standup every monday 7am"), **HTMX)

    task = Task.objects.get(user=alice)
    assert (task.due_date, task.due_time) == (dt.date(2026, 12, 7), dt.time(7))


def test_it_refuses_a_repeat_that_ends_before_it_starts(alice_client, alice, morning):
    response = alice_client.post(
        CREATE, quick("water plants every month on the 15th until dec 3"), **HTMX
    )

    assert response.status_code == 422
    assert "ends (Thu 3 Dec 2026) before its first date (Tue 15 Dec 2026)" in (
        response.content.decode()
    )
    assert not Task.objects.exists()


def test_it_previews_the_new_chips(alice_client, morning):
    html = alice_client.get(
        PARSE, {"title": "x next friday at 14:30 every other week until jan 31 p1"}, **HTMX
    ).content.decode()

    for label in ("Due Fri 11 Dec", "At 14:30", "Every 2 weeks", "Until Sun 31 Jan 2027", "High"):
        assert f">{label}<button" in html


def test_the_renewed_form_takes_no_focus_and_names_the_task_just_added(alice_client, alice):
    response = alice_client.post(CREATE, quick("Buy milk"), **HTMX)

    html = response.content.decode()
    task = Task.objects.get(user=alice)
    form = html[html.index('<form id="quick-add"') :]
    form = form[: form.index("</form>")]
    assert 'hx-swap-oob="true"' in form
    assert f'data-added="task-{task.pk}"' in form
    # htmx focuses [autofocus] in what it swaps in: after the person may have moved on.
    assert "autofocus" not in form


def test_a_project_made_by_quick_add_comes_into_the_sidebar_out_of_band(alice_client, alice):
    response = alice_client.post(CREATE, quick("Paint the fence +Home", create_project="1"), **HTMX)

    html = response.content.decode()
    home = Project.objects.get(user=alice, name="Home")
    lists = html[html.index('id="sidebar-lists"') - 5 :]
    assert lists.startswith('<div id="sidebar-lists"')
    assert 'hx-swap-oob="true"' in lists[: lists.index(">")]
    assert f'href="/projects/{home.pk}/"' in lists
    # Its open count, which the answer also renews, now has a place to go (came before it).
    assert html.index('id="sidebar-lists"') < html.rindex(f'id="project-count-{home.pk}"')


def test_a_tag_made_by_quick_add_comes_into_the_sidebar_out_of_band(alice_client, alice):
    Tag.objects.create(user=alice, name="known")

    html = alice_client.post(CREATE, quick("Rake #known"), **HTMX).content.decode()
    assert 'id="sidebar-lists"' not in html  # nothing new: the sidebar stays as it is

    html = alice_client.post(
        CREATE, quick("Rake again #outdoors", idempotency_key="j" * 16), **HTMX
    ).content.decode()
    assert 'id="sidebar-lists"' in html
    assert ">#outdoors</a>" in html
