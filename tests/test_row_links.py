"""The row's shortcuts for what Django's template tags do more slowly: {% idurl %} (reverse() done
once per route, prefix and URLconf) and |clip (truncatechars that leaves fitting text alone).
Both must give exactly what the tags they replace give."""

import pytest
from django.template import Context, Template
from django.template.defaultfilters import truncatechars
from django.urls import clear_script_prefix, reverse, set_script_prefix

from tasks.templatetags.tasks_extras import clip, id_url

ROUTES = ["tasks:toggle", "tasks:edit", "tasks:delete", "tasks:move", "tasks:project"]


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    clear_script_prefix()


@pytest.mark.parametrize("name", ROUTES)
@pytest.mark.parametrize("pk", [1, 42, 2**63 - 1])
def test_idurl_gives_what_reverse_gives(name, pk):
    assert id_url(name, pk) == reverse(name, args=[pk])


def test_idurl_follows_the_script_prefix_of_each_request(script_prefix):
    # A deployment under /tm/ (SCRIPT_NAME): the cached pattern must not leak across prefixes.
    assert id_url("tasks:edit", 7) == "/task/7/edit/"
    script_prefix("/tm/")
    assert id_url("tasks:edit", 7) == "/tm/task/7/edit/" == reverse("tasks:edit", args=[7])
    script_prefix("/")
    assert id_url("tasks:edit", 7) == "/task/7/edit/"


def test_idurl_leaves_anything_but_an_int_to_reverse():
    assert id_url("tasks:edit", "12") == "/task/12/edit/"
    with pytest.raises(Exception, match="Reverse"):
        id_url("tasks:edit", None)


def test_the_idurl_tag_escapes_and_assigns_like_url():
    html = Template(
        "{% load tasks_extras %}{% idurl 'tasks:toggle' pk %}|"
        "{% idurl 'tasks:delete' pk as gone %}[{{ gone }}]"
    ).render(Context({"pk": 5}))
    assert html == "/task/5/toggle/|[/task/5/delete/]"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "short",
        "x" * 120,
        "x" * 121,
        "a long description " * 20,
        # Combining marks: Truncator counts "e\u0301" as one character, len() as two.
        "e\u0301" * 70,
        "e\u0301" * 130,
        "<b>not markup</b> " * 10,
    ],
)
def test_clip_cuts_exactly_as_truncatechars(text):
    assert clip(text, 120) == truncatechars(text, 120)
