"""static/js: URLs come from the server, and each page loads the scripts of what it has.

A script attaches to the page by attributes the server renders (HOOKS below); a page's template
names the scripts it needs in `{% block scripts %}`. These tests keep the two in step: a page
that renders a script's hook loads that script, and a page never loads a script it has no hook
for. A new file in static/js needs its hooks here.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tasks.models import Project, SavedView, Status
from tasks.tagging import set_task_tags
from tests.html import parse

JS = Path(__file__).resolve().parent.parent / "static" / "js"


def _has(*names: str):
    """A hook: an element with any of these attributes (data-x, or id=value as "id=value")."""

    def found(element) -> bool:
        for name in names:
            attr, _, value = name.partition("=")
            if attr in element.attrs and (not value or element.attrs[attr] == value):
                return True
        return False

    return found


def _clickable_htmx_link(element) -> bool:
    """An <a> htmx loads in place when clicked (not the bell's or a section's load trigger)."""
    trigger = element.get("hx-trigger") or "click"
    return element.tag == "a" and "hx-get" in element.attrs and "click" in trigger


# What each script looks for in the page. Every page has <main hx-sync>, the toasts' error
# templates and the theme button; only a signed-in person has the bell.
HOOKS = {
    "theme.js": _has("id=theme-toggle"),
    "requests.js": lambda e: e.tag == "main" and "hx-sync" in e.attrs,
    "toasts.js": _has("data-error-toast"),
    "notifications.js": _has("id=notification-bell-slot"),
    "board.js": _has("data-task", "data-card", "data-focus-first"),
    "links.js": _clickable_htmx_link,
    "views.js": _has("data-go-key", "data-saved-view", "data-search-help"),
    "quickadd.js": _has("id=quick-chips"),
    "kanban.js": _has("data-kanban", "id=move-form"),
    "projects.js": _has("id=project-picker"),
    "tags.js": _has("data-tags-input", "data-tag-filter"),
    "bulk.js": _has("data-bulk-toolbar"),
    "timezone.js": _has("data-detect-timezone"),
}


def test_every_script_has_its_hooks_listed():
    assert sorted(HOOKS) == sorted(path.name for path in JS.glob("*.js"))


# --- URL literals ----------------------------------------------------------------------------


REGEXP_MAY_FOLLOW = set("(,=:[!&|?{};") | {""}


def string_literals(source: str) -> list[str]:
    """The string and template literals of a script, without its comments, regexps and
    property names ({"/": ...} is the slash key, not an address)."""
    literals, i, previous = [], 0, ""
    while i < len(source):
        char = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            i = len(source) if end < 0 else end
        elif source.startswith("/*", i):
            i = source.index("*/", i) + 2
        elif char in "'\"`":
            end = i + 1
            while source[end] != char:
                end += 2 if source[end] == "\\" else 1
            if not source[end + 1 :].lstrip().startswith(":"):
                literals.append(source[i + 1 : end])
            i, previous = end + 1, char
        elif char == "/" and previous in REGEXP_MAY_FOLLOW:
            end, in_class = i + 1, False  # a regexp literal: up to its closing slash
            while in_class or source[end] != "/":
                if source[end] == "\\":
                    end += 1
                elif source[end] in "[]":
                    in_class = source[end] == "["
                end += 1
            i, previous = end + 1, "/"
        else:
            if not char.isspace():
                previous = char
            i += 1
    return literals


URL_PATH = re.compile(r"^/|://|(?<![<\w])/[A-Za-z][\w-]*/")


def url_literals(source: str) -> list[str]:
    return [literal for literal in string_literals(source) if URL_PATH.search(literal)]


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('go("/")', ["/"]),
        ('const KEYS = { "/": () => search(), n: () => add() }', []),
        ('fetch("/tags/suggest/")', ["/tags/suggest/"]),
        ("htmx.ajax('POST', `/task/${id}/move/`)", ["/task/${id}/move/"]),
        ("path.includes('/move/')", ["/move/"]),
        ('location.assign("https://example.com")', ["https://example.com"]),
        ('const a = "x"; // see /task/<id>/move/', []),
        ("/* POST /task/<id>/project/ */ x()", []),
        ('text.replace(/^#/, "").split(/[\\s,]+/)', []),
        ('const NAME = /^[\\p{L}_\\-/.]{1,40}$/u; say("a / b")', []),
        ('el.innerHTML = "<b>bold</b>"; select("#tasks > li")', []),
        ("fetch(`${field.dataset.suggestUrl}?q=${encodeURIComponent(typed)}`)", []),
    ],
)
def test_the_check_finds_url_paths_in_strings_not_in_comments_or_regexps(source, found):
    assert url_literals(source) == found


@pytest.mark.parametrize("path", sorted(JS.glob("*.js")), ids=lambda path: path.name)
def test_no_script_has_a_url_path_literal(path):
    """URLs come from the server: hx- attributes or data- attributes rendered with {% url %}."""
    assert url_literals(path.read_text()) == []


# --- which page loads what ---------------------------------------------------------------------


def scripts_and_hooks(html: str) -> tuple[list[str], set[str]]:
    """The static/js scripts a page loads (checking each has the CSP nonce), and the scripts
    whose hooks it renders."""
    document = parse(html)
    loaded = []
    for script in document.find_all("script"):
        assert script.get("nonce"), script.outer_html
        match = re.search(r"/static/js/([\w-]+\.js)$", script["src"])
        if match:
            loaded.append(match[1])
    elements = list(document.iter())
    hooked = {name for name, hook in HOOKS.items() if any(hook(e) for e in elements)}
    return loaded, hooked


@pytest.fixture
def pages(alice, make_task):
    """Each page of the site, as the URLs that render its template in the states its own
    requests can bring (the board's list in every layout and sort, with tasks, tags and a
    saved view), for Alice."""
    project = Project.objects.create_for(alice, "Home", "green")
    task = make_task(alice, "Water the plants", project=project)
    set_task_tags(task, ["garden"])
    make_task(alice, "Done already", status=Status.COMPLETED)
    SavedView.objects.create(user=alice, name="High", url="/?priority=high", position=0)
    tag = task.tags.get()
    return {
        "board": [
            "/",
            "/?layout=board",
            "/?sort=manual",
            "/?q=nothing-matches",
            reverse("tasks:inbox"),
            reverse("tasks:today"),
            reverse("tasks:upcoming"),
            reverse("tasks:project", args=[project.pk]),
        ],
        "task form": [reverse("tasks:create"), reverse("tasks:edit", args=[task.pk])],
        "task page": [reverse("tasks:detail", args=[task.pk])],
        "delete page": [reverse("tasks:delete", args=[task.pk])],
        "trash": [reverse("tasks:trash")],
        "search syntax": [reverse("tasks:search_help")],
        "saved views": [reverse("tasks:saved_views")],
        "projects": [reverse("tasks:projects")],
        "project form": [
            reverse("tasks:project_create"),
            reverse("tasks:project_edit", args=[project.pk]),
        ],
        "project delete": [reverse("tasks:project_delete", args=[project.pk])],
        "tags": [reverse("tasks:tags")],
        "tag rename": [reverse("tasks:tag_rename", args=[tag.pk])],
        "tag merge": [reverse("tasks:tag_merge", args=[tag.pk])],
        "tag delete": [reverse("tasks:tag_delete", args=[tag.pk])],
        "reminders": [reverse("reminders:task", args=[task.pk])],
        "reminder settings": [reverse("reminders:settings")],
        "notifications": [reverse("reminders:notifications")],
        "feeds": [reverse("feeds:page")],
        "account settings": [reverse("account_settings")],
        "password change": [reverse("password_change")],
    }


def assert_loads_what_it_has(client, name: str, urls: list[str]) -> None:
    loaded, hooked = None, set()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        scripts, hooks = scripts_and_hooks(response.content.decode())
        assert len(scripts) == len(set(scripts)), (url, scripts)
        assert loaded is None or scripts == loaded, f"{url}: one template, other scripts"
        loaded, hooked = scripts, hooked | hooks
    assert sorted(loaded) == sorted(hooked), name


def test_each_page_loads_the_scripts_of_what_it_has(client, alice, pages):
    client.force_login(alice)
    for name, urls in pages.items():
        assert_loads_what_it_has(client, name, urls)


def test_the_sign_in_pages_load_the_time_zone_and_no_board(client):
    for name in ("login", "signup"):
        assert_loads_what_it_has(client, name, [reverse(name)])
        loaded, _ = scripts_and_hooks(client.get(reverse(name)).content.decode())
        assert "timezone.js" in loaded and "board.js" not in loaded


def test_the_board_loads_board_js_before_the_scripts_that_register_keys_on_it(client, alice):
    client.force_login(alice)
    loaded, _ = scripts_and_hooks(client.get("/").content.decode())
    for script in ("views.js", "kanban.js", "projects.js", "tags.js", "bulk.js"):
        assert loaded.index("board.js") < loaded.index(script)


def test_cards_and_rows_carry_the_urls_their_scripts_post_to(client, alice, make_task):
    """kanban.js fires "moved" on a card (a row in the Manual sort) whose hx-post sends
    #move-form; projects.js posts to data-project-url. Both rendered with {% url %}."""
    task = make_task(alice, "Water the plants")
    client.force_login(alice)
    for url in ("/?layout=board", "/?sort=manual", "/"):
        document = parse(client.get(url).content.decode())
        item = document.find("li", id=f"task-{task.pk}")
        assert item["hx-post"] == reverse("tasks:move", args=[task.pk]), url
        assert item["hx-trigger"] == "moved"
        assert item["hx-include"] == "#move-form"
        assert item["hx-disinherit"] == "hx-include"
        assert item["data-project-url"] == reverse("tasks:set_project", args=[task.pk])
        form = document.find("form", id="move-form")
        if url == "/":
            assert form is None  # the list is reordered in the Manual sort only
        else:
            fields = {e["name"] for e in form.find_all("input")}
            assert fields == {"status", "section", "after", "before", "dir"}, url


def test_the_tags_field_names_its_suggestions_url(client, alice, make_task):
    task = make_task(alice, "Water the plants")
    client.force_login(alice)
    field = parse(client.get(reverse("tasks:edit", args=[task.pk])).content.decode()).find(
        "input", data_tags_input=True
    )
    assert field["data-suggest-url"] == reverse("tasks:tag_suggest")
