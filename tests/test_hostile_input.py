"""Whatever arrives in a form or a query string, the answer is 200 or a clear 4xx, never a 500,
and invalid input saves nothing.

Property-based (hypothesis): arbitrary and very long strings, control characters, NUL bytes,
malformed percent-escapes and raw bytes that are not UTF-8, wrong types (lists, numbers where
choices go) and wrong choice values, in every form field and every query parameter, the search
syntax and the pagination cursors included.
"""

import base64
import json
import re

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tasks.forms import InlineTaskForm, TaskForm, VersionForm
from tasks.models import Task
from tests.conftest import HTMX
from tests.urlmap import every_route_url, routes

# What a crafted id or number looks like: each of these was a 500 somewhere (issue 22, 29).
NUMBERS = st.one_of(
    st.sampled_from(["²", "٣", "1²", "9" * 5000, "9" * 19, "-1", "0", "1e3", " 7", "7 ", "0x1f"]),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=8),
    st.tuples(st.sampled_from(["1", "²", "٣", ""]), st.sampled_from(["1", "²", "٣", ""])).map(
        ":".join
    ),
)

# Bounded so the whole file stays within seconds; deadline off because a shared CI machine's
# timing is not what these tests are about.
BOUNDED = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "/?\r\nSet-Cookie: x=1",
    "\u202e\u200b\ufeff",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "%ff%fe",
    "\\x00",
    "is: p: due: priority:",
    "is:done p:high due:overdue :* & | ! ( )",
    "a:* & b:* | !c",
    "\U0001d54f" * 300,  # 4-byte UTF-8 characters: over the title limit in characters
    "x" * 201,
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
    "null",
    "[]",
    "{}",
    "http://[",
    "//evil.example/",
    "javascript:alert(1)",
    # Digits str.isdigit() accepts and int() refuses, or reads as another number (issue 22, 29).
    "²",
    "1²",
    "٣",
    "²:1",
    "1:²",
    "9" * 5000,
]

CONTROL = st.characters(min_codepoint=0, max_codepoint=0x1F)
hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=60),
    st.text(alphabet=CONTROL, max_size=20),
    st.text(
        alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=["Cs"]),
        max_size=30,
    ),
    st.builds(
        lambda s, n: s * n, st.sampled_from(["a", "é", "🙂", " ", "<b>"]), st.integers(150, 3000)
    ),
)
# A form field may also arrive as several values, or as a number where text is expected.
hostile_value = st.one_of(
    hostile_text,
    st.lists(hostile_text, min_size=2, max_size=3),
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
# Cursors: garbage, and well-formed base64 of the wrong JSON (huge ints, wrong types, dates).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=6,
)
cursor = st.one_of(
    hostile_text,
    st.lists(json_values, max_size=3).map(
        lambda v: base64.urlsafe_b64encode(json.dumps(v).encode()).decode().rstrip("=")
    ),
    st.tuples(
        st.sampled_from(["9999-12-31T23:59:59+00:00", "0001-01-01", "2026-02-30", "x"]),
        st.integers(-(2**80), 2**80),
    ).map(lambda v: base64.urlsafe_b64encode(json.dumps(list(v)).encode()).decode()),
)
# Percent-escapes that decode to invalid UTF-8, broken escapes, and raw latin-1 bytes.
raw_bytes = st.one_of(
    st.binary(max_size=80),
    st.sampled_from(
        [b"%ff%fe", b"%", b"%zz", b"%c3%28", b"%ed%a0%80", b"\xff\xfe", b"%00", b"\x00"]
    ),
)

pytestmark = pytest.mark.django_db

QUERY_KEYS = ["q", "status", "priority", "due", "sort", "after", "before", "next"]
FORM_FIELDS = ["title", "description", "priority", "status", "due_date", "version", "next"]


@pytest.fixture
def board_with_tasks(alice_client, alice, make_task):
    for n in range(30):  # more than a page, so cursors are in play
        make_task(alice, f"Task {n}", description="report q3")
    return alice_client


def _snapshot():
    return [model_to_dict(t) for t in Task.objects.order_by("pk")]


def _effective(data: dict) -> dict:
    """What a form sees: of a repeated field, Django's QueryDict.get() takes the last value."""
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in data.items()}


def _assert_clean(response):
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        # A clear message for a person, not an empty body or a traceback.
        body = response.content.decode("utf-8", "replace")
        assert body.strip()
        assert "Traceback" not in body


@BOUNDED
@given(params=st.dictionaries(st.sampled_from(QUERY_KEYS), st.one_of(hostile_value, cursor)))
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_never_fails_on_hostile_board_query_parameters(board_with_tasks, params, htmx):
    before = _snapshot()
    response = board_with_tasks.get("/", params, **(HTMX if htmx else {}))
    _assert_clean(response)
    assert response.status_code == 200  # unknown filters fall back to "all"
    assert _snapshot() == before


@BOUNDED
@given(after=cursor, before=cursor, sort=st.sampled_from(["newest", "due", "priority", "title"]))
def test_it_ignores_forged_pagination_cursors(board_with_tasks, after, before, sort):
    response = board_with_tasks.get("/", {"after": after, "before": before, "sort": sort})
    assert response.status_code == 200


@BOUNDED
@given(query=hostile_value)
def test_it_never_fails_on_hostile_search_syntax(board_with_tasks, query):
    response = board_with_tasks.get("/", {"q": query}, **HTMX)
    assert response.status_code == 200


@BOUNDED
@given(data=st.dictionaries(st.sampled_from(FORM_FIELDS), hostile_value))
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_saves_a_created_task_only_from_valid_input(alice_client, alice, data, htmx):
    valid = TaskForm(data=_effective(data))
    before = Task.objects.count()
    response = alice_client.post("/task/new/", data, **(HTMX if htmx else {}))
    _assert_clean(response)
    saved = Task.objects.count() - before
    if valid.is_valid():
        assert response.status_code in (200, 302)
        assert saved == 1
    else:
        assert response.status_code == 422
        assert saved == 0


@BOUNDED
@given(data=st.dictionaries(st.sampled_from(FORM_FIELDS), hostile_value))
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_changes_an_edited_task_only_from_valid_input(
    alice_client, alice, make_task, data, htmx
):
    task = make_task(alice, "Original", description="kept")
    before = model_to_dict(task)
    effective = _effective(data)
    form_class = InlineTaskForm if htmx else TaskForm
    form = form_class(data=effective, instance=Task.objects.get(pk=task.pk))
    version = VersionForm(data=effective)
    response = alice_client.post(f"/task/{task.pk}/edit/", data, **(HTMX if htmx else {}))
    _assert_clean(response)
    task.refresh_from_db()
    if not (form.is_valid() and version.is_valid()):
        assert response.status_code == 422
        assert model_to_dict(task) == before
    elif version.cleaned_data["version"] != 1:
        assert response.status_code == 409  # stale: the current values come back, not saved
        assert model_to_dict(task) == before
    else:
        assert response.status_code in (200, 302)
        assert task.title == form.cleaned_data["title"]
        assert task.version == 2


@example(path="restore", current_url="http://[", nxt="/?\r\nx")  # once a 500 (ValueError)
@BOUNDED
@given(
    path=st.sampled_from(["toggle", "delete", "restore"]),
    current_url=hostile_text,
    nxt=hostile_value,
)
def test_it_never_fails_on_a_hostile_current_url_or_next(
    alice_client, alice, make_task, path, current_url, nxt
):
    task = make_task(alice, "Mine")
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": current_url}
    _assert_clean(alice_client.post(f"/task/{task.pk}/{path}/", {"next": nxt}, **headers))
    _assert_clean(alice_client.post(f"/task/{task.pk}/{path}/", {"next": nxt}))
    anonymous = Client()
    _assert_clean(anonymous.post(f"/task/{task.pk}/{path}/", {"next": nxt}, **headers))


@BOUNDED
@given(body=raw_bytes, query=raw_bytes)
@pytest.mark.parametrize("path", ["/", "/task/new/", "/accounts/login/", "/accounts/signup/"])
def test_it_never_fails_on_bytes_that_are_not_utf8(alice_client, path, body, query):
    before = _snapshot()
    response = alice_client.generic(
        "POST" if path != "/" else "GET",
        path,
        data=b"title=" + body,
        content_type="application/x-www-form-urlencoded",
        QUERY_STRING=query.decode("latin-1"),
    )
    _assert_clean(response)
    if response.status_code != 302 or path != "/task/new/":
        assert _snapshot() == before


@BOUNDED
@given(
    data=st.dictionaries(
        st.sampled_from(["username", "password", "password1", "password2"]), hostile_value
    )
)
@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_it_never_fails_on_hostile_login_and_signup(client, path, data):
    _assert_clean(client.post(path, data))


@BOUNDED
@given(
    query=hostile_value,
    params=st.dictionaries(
        st.sampled_from(["status__exact", "o", "p", "created_at__gte", "e"]), hostile_text
    ),
)
def test_it_never_fails_on_hostile_admin_search(
    client, django_user_model, alice, make_task, query, params
):
    make_task(alice, "An admin can see this")
    admin = django_user_model.objects.filter(
        username="root"
    ).first() or django_user_model.objects.create_superuser("root", password="x")
    client.force_login(admin)
    _assert_clean(client.get("/admin/tasks/task/", {"q": query, **params}))


# Django reads form bodies as UTF-8 only; each of these once made every POST a 500.
CHARSETS = ["latin-1", "utf-16", "iso-8859-2", "ascii", "utf8", "UTF-16LE"]


@pytest.mark.parametrize("who", ["anonymous", "alice"])
def test_it_answers_400_to_a_form_in_another_charset_on_every_route(alice, make_task, who):
    # A browser-like client: CSRF is enforced, so the check reads the body as it does live.
    client = Client(enforce_csrf_checks=True)
    if who == "alice":
        client.force_login(alice)
    client.get("/")  # hands out the token when logged in
    client.get("/accounts/login/")  # and when not
    token = client.cookies["csrftoken"].value
    task = make_task(alice, "Mine")
    before = _snapshot()
    body = f"csrfmiddlewaretoken={token}&title=Changed&username=alice&password=x".encode()
    for url in every_route_url(alice, task):
        for charset in CHARSETS:
            response = client.generic(
                "POST",
                url,
                body,
                content_type=f"application/x-www-form-urlencoded; charset={charset}",
                HTTP_X_CSRFTOKEN=token,
            )
            assert response.status_code == 400, (url, charset, response.status_code)
            _assert_clean(response)
    assert _snapshot() == before


def test_it_still_accepts_a_form_declared_as_utf8(alice_client):
    response = alice_client.generic(
        "POST",
        "/task/new/",
        b"title=Caf%C3%A9",
        content_type="application/x-www-form-urlencoded; charset=UTF-8",
    )
    assert response.status_code == 302
    assert Task.objects.get().title == "Café"


def test_it_answers_400_from_the_400_handler_too_without_the_charset_middleware(settings):
    # The handler alone must not turn the failed read into a 500 (it used to read the body again).
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "taskmanager.middleware.FormCharsetMiddleware"
    ]
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/accounts/login/")
    response = client.generic(
        "POST",
        "/accounts/login/",
        b"username=a&password=b",
        content_type="application/x-www-form-urlencoded; charset=latin-1",
    )
    assert response.status_code == 400
    _assert_clean(response)


# Every parameter name a view of ours reads, so the walker below tries each on every route.
PARAMETERS = [
    *QUERY_KEYS,
    *FORM_FIELDS,
    "seen",
    "newest",
    "task",
    "project",
    "tag",
    "action",
    "apply",
    "scope",
    "view",
    "name",
    "colour",
    "direction",
    "into",
    "when",
    "remind_at",
    "occurrence",
    "layout",
    "completed",
    "hide",
    "url",
    "email",
    "quick",
    "create_project",
    "tag_names",
    "repeat",
    "recurrence",
    "idempotency_key",
]


@pytest.fixture
def route_url(request, alice, make_task):
    """The concrete path of the route named by the test's parameter (tests/urlmap.py)."""
    task = make_task(alice, "Mine")
    urls = every_route_url(alice, task)
    route = next(r for r in routes() if r.route == request.param)
    path = route.url(lambda _route, _name: "0")  # the shape, to find the concrete one
    pattern = re.escape(path).replace("0", "[^/]+")
    return next(url for url in urls if re.fullmatch(pattern, url))


# The admin is staff only (alice is not) and has its own test above.
OUR_ROUTES = [r.route for r in routes() if not r.is_regex and not r.route.startswith("admin/")]

# The shapes of crafted numbers that were 500s: each is sent in every parameter at once, so one
# request reaches whichever parameter the route's view reads.
SHAPES = ["²", "²:1", "1:²", "9" * 5000, "٣:٣"]
PLAUSIBLE = {
    "action": "move",
    "scope": "selected",
    "task": "1:1",
    "when": "custom",
    "direction": "up",
    "status": "pending",
    "priority": "high",
    "colour": "red",
    "repeat": "daily",
}


@pytest.mark.parametrize("route_url", OUR_ROUTES, indirect=True)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_no_route_answers_500_to_crafted_numbers(alice_client, route_url, method):
    for i, shape in enumerate(SHAPES):
        params = dict.fromkeys(PARAMETERS, shape)
        if i % 2 == 0:  # past the first check: a valid choice where a view branches on one
            params |= PLAUSIBLE
        headers = HTMX if i % 2 else {}
        if method == "GET":
            response = alice_client.get(route_url, params, **headers)
        else:
            response = alice_client.post(route_url, params, **headers)
        if response.status_code == 405:  # Django's answer to a wrong method: the Allow header
            assert response["Allow"]
            return
        _assert_clean(response)


@example(cookie="a" * 40 + "\x00")  # a PostgreSQL DataError on every page (issue 22, 29)
@example(cookie="\x00" * 32)
@BOUNDED
@given(cookie=st.one_of(hostile_text, NUMBERS))
def test_a_hostile_session_cookie_never_fails_a_page(alice, cookie):
    client = Client()
    # As it arrives: a header's bytes, which WSGI reads as latin-1.
    client.cookies["sessionid"] = cookie.encode(errors="surrogatepass").decode("latin-1")
    for path in ["/", "/accounts/login/", "/notifications/bell/"]:
        _assert_clean(client.get(path))
