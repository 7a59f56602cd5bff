"""The sidebar's projects and tags, and the project picker, come from the fragment cache, and a
cached copy never shows anything stale: names, colours, order, archived, counts, tags, the
current project."""

import pytest
from django.urls import reverse

from tasks.models import Project, Tag

pytestmark = pytest.mark.django_db


def sidebar(response) -> str:
    html = response.content.decode()
    return html[html.index('id="sidebar-nav"') : html.index('id="sidebar-views"')]


def picker(response) -> str:
    html = response.content.decode()
    return html[html.index('id="project-picker"') :]


def test_a_second_board_load_shows_the_same_sidebar(alice_client, alice):
    Project.objects.create(user=alice, name="Garden")
    Tag.objects.create(user=alice, name="errand")

    first = alice_client.get("/")
    second = alice_client.get("/")

    assert "Garden" in sidebar(first) and "#errand" in sidebar(first)
    assert sidebar(second) == sidebar(first)
    assert picker(second) == picker(first)


def test_a_renamed_recoloured_project_shows_at_once(alice_client, alice):
    project = Project.objects.create(user=alice, name="Garden", colour="green")
    alice_client.get("/")

    Project.objects.filter(pk=project.pk).update(name="Allotment", colour="red")
    page = alice_client.get("/")

    assert "Allotment" in sidebar(page) and "Garden" not in sidebar(page)
    assert "project-colour-red" in sidebar(page)
    assert "Allotment" in picker(page) and "Garden" not in picker(page)


def test_an_archived_project_moves_under_archived_at_once(alice_client, alice):
    project = Project.objects.create(user=alice, name="Garden")
    alice_client.get("/")

    Project.objects.filter(pk=project.pk).update(archived=True)
    html = sidebar(alice_client.get("/"))

    assert "Archived (1)" in html


def test_a_new_task_updates_the_cached_projects_count(alice_client, alice, make_task):
    project = Project.objects.create(user=alice, name="Garden")
    make_task(alice, "Dig", project=project)
    alice_client.get("/")

    make_task(alice, "Water", project=project)
    html = sidebar(alice_client.get("/"))

    count = html[html.index(f'id="project-count-{project.pk}"') :]
    assert count.split(">", 1)[1].startswith("2<")


def test_a_new_or_renamed_tag_shows_at_once(alice_client, alice):
    tag = Tag.objects.create(user=alice, name="errand")
    alice_client.get("/")

    Tag.objects.filter(pk=tag.pk).update(name="chore")
    Tag.objects.create(user=alice, name="home")
    html = sidebar(alice_client.get("/"))

    assert "#chore" in html and "#home" in html and "#errand" not in html


def test_the_current_project_is_marked_on_its_own_page_only(alice_client, alice):
    garden = Project.objects.create(user=alice, name="Garden")
    alice_client.get("/")

    on_project = sidebar(alice_client.get(reverse("tasks:project", args=[garden.pk])))
    on_board = sidebar(alice_client.get("/"))

    link = f'data-project-id="{garden.pk}"'
    assert 'aria-current="page"' in on_project.split(link, 1)[1].split("</a>", 1)[0]
    assert 'aria-current="page"' not in on_board.split(link, 1)[1].split("</a>", 1)[0]


def test_users_with_the_same_projects_never_share_a_cached_sidebar(client, alice, bob):
    Project.objects.create(user=alice, name="Garden")
    Project.objects.create(user=bob, name="Garden")
    client.force_login(alice)
    alice_page = client.get("/")
    client.force_login(bob)
    bob_page = client.get("/")

    alice_ids = {p.pk for p in Project.objects.filter(user=alice)}
    assert not any(f'data-project-id="{pk}"' in sidebar(bob_page) for pk in alice_ids)
    assert sidebar(alice_page) != sidebar(bob_page)


def test_a_fragment_cached_by_one_template_is_never_served_by_an_edited_one():
    # A cache shared by servers outlives a deploy: the template's own hash is in the key.
    from django.template import Context, Template

    before = Template(
        "{% load tasks_extras %}{% fragmentcache same-name 1 %}old{% endfragmentcache %}"
    )
    after = Template(
        "{% load tasks_extras %}{% fragmentcache same-name 1 %}new{% endfragmentcache %}"
    )

    assert before.render(Context()) == "old"
    assert after.render(Context()) == "new"
    assert before.render(Context()) == "old"


def test_the_quick_add_field_keeps_a_typed_title_when_another_field_fails(alice_client):
    # The empty field is cached; a bound one (kept after an error) must not come from the cache.
    alice_client.get("/")
    page = alice_client.post(
        "/task/new/", {"title": "Keep me", "priority": "bogus"}, headers={"HX-Request": "true"}
    )

    assert page.status_code == 422
    assert 'value="Keep me"' in page.content.decode()
