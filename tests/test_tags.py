"""Tags: names, editing them with a task (inline and full page, under the task's CAS), the
`#tag` filter, chips on rows, suggestions, and the tags page's rename, merge and delete."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks.filters import parse
from tasks.models import Tag, Task, TaskTag
from tasks.tagging import clean_tag_name, merge_tags, parse_tag_names, set_task_tags
from tests.conftest import HTMX, edit_form, oob_toasts, row_ids
from tests.html import find, find_all

pytestmark = pytest.mark.django_db
BOTH = pytest.mark.parametrize("headers", [{}, HTMX], ids=["full-page", "inline"])


def tag(task, *names):
    set_task_tags(task, names)
    return task


def names_of(task) -> list[str]:
    return sorted(Task.objects.get(pk=task.pk).tags.values_list("name", flat=True))


def opened(task, **changes) -> dict:
    """An edit form opened on `task` (as saved now) and submitted with `changes`."""
    return edit_form(Task.objects.get(pk=task.pk), original=True, **changes)


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "Ünïcode", "日本", "a-b_c/d.e", "x" * 40, "#errand"])
def test_it_accepts_letters_digits_and_a_few_marks_as_tag_names(name):
    assert clean_tag_name(name) == name.removeprefix("#")


@pytest.mark.parametrize("name", ["a#b", "x" * 41, "#", "quote'", "<b>", "a;b", ""])
def test_it_refuses_other_tag_names(name):
    with pytest.raises(ValidationError):
        clean_tag_name(name)


@pytest.mark.parametrize("text", ["a#b", "x" * 41, "quote'", "ok <b>"])
def test_a_list_with_a_bad_name_is_refused_whole(text):
    with pytest.raises(ValidationError):
        parse_tag_names(text)


def test_it_reads_a_list_of_tags_keeping_the_first_spelling_of_each():
    assert parse_tag_names("Home, errand #home  work,,") == ("errand", "Home", "work")
    assert parse_tag_names("") == ()


def test_it_refuses_more_than_twenty_tags_on_a_task():
    with pytest.raises(ValidationError):
        parse_tag_names(" ".join(f"t{i}" for i in range(21)))


def test_it_reads_a_hash_token_as_a_tag_filter_and_a_bad_one_as_text():
    assert parse("#home report").terms == (("tag", "home"),)
    assert parse("#a,b").words == ("#a,b",)


# --- editing ----------------------------------------------------------------------------------


@BOTH
def test_it_saves_tags_typed_on_the_edit_form_reusing_existing_ones(
    alice_client, alice, make_task, headers
):
    task = make_task(alice, "Buy milk")
    existing = Tag.objects.create(user=alice, name="Home")

    response = alice_client.post(
        f"/task/{task.pk}/edit/", opened(task, tag_names="home, errand"), **headers
    )

    assert response.status_code in (200, 302)
    assert names_of(task) == ["Home", "errand"]
    assert Tag.objects.filter(user=alice).count() == 2
    assert existing.pk in Task.objects.get(pk=task.pk).tags.values_list("pk", flat=True)
    assert Task.objects.get(pk=task.pk).version == task.version + 1


@BOTH
def test_it_refuses_a_bad_tag_name_keeping_the_task_as_it_was(
    alice_client, alice, make_task, headers
):
    task = tag(make_task(alice, "Buy milk"), "home")

    response = alice_client.post(
        f"/task/{task.pk}/edit/", opened(task, tag_names="ok, no#pe"), **headers
    )

    assert response.status_code == 422
    assert "is not a tag name" in response.content.decode()
    assert names_of(task) == ["home"]


def test_it_removes_tags_left_out_and_keeps_tags_when_the_form_has_no_tags_field(
    alice_client, alice, make_task
):
    task = tag(make_task(alice, "Buy milk"), "home", "errand")
    data = opened(task, tag_names="errand")
    alice_client.post(f"/task/{task.pk}/edit/", data)
    assert names_of(task) == ["errand"]

    old_form = {k: v for k, v in opened(task, title="Renamed").items() if "tag_names" not in k}
    alice_client.post(f"/task/{task.pk}/edit/", old_form)
    assert names_of(task) == ["errand"]
    assert Task.objects.get(pk=task.pk).title == "Renamed"


@BOTH
def test_a_stale_tags_edit_that_clashes_is_a_conflict_that_keeps_the_typed_tags(
    alice_client, alice, make_task, headers
):
    task = tag(make_task(alice, "Buy milk"), "home")
    stale = opened(task, tag_names="home, shop")
    alice_client.post(f"/task/{task.pk}/edit/", opened(task, tag_names="work"))

    response = alice_client.post(f"/task/{task.pk}/edit/", stale, **headers)

    assert response.status_code == 409
    html = response.content.decode()
    assert "#work" in html  # what changed elsewhere
    assert 'value="home, shop"' in html  # what was typed stays in the form
    assert names_of(task) == ["work"]


def test_a_stale_tags_edit_merges_with_a_change_to_another_field(alice_client, alice, make_task):
    task = tag(make_task(alice, "Buy milk"), "home")
    stale = opened(task, tag_names="home, shop")
    alice_client.post(f"/task/{task.pk}/edit/", opened(task, title="Buy oat milk"))

    response = alice_client.post(f"/task/{task.pk}/edit/", stale, **HTMX)

    assert response.status_code == 200
    saved = Task.objects.get(pk=task.pk)
    assert saved.title == "Buy oat milk"
    assert names_of(task) == ["home", "shop"]
    assert "merged" in oob_toasts(response)


def test_it_creates_a_task_with_tags_from_the_full_form(alice_client, alice):
    response = alice_client.post("/task/new/", {"title": "Call mum", "tag_names": "family"})

    assert response.status_code == 302
    assert names_of(Task.objects.get(title="Call mum")) == ["family"]


def test_a_task_never_gets_another_users_tag(alice_client, alice, bob, make_task):
    bobs = Tag.objects.create(user=bob, name="secret")
    task = make_task(alice, "Mine")

    alice_client.post(f"/task/{task.pk}/edit/", opened(task, tag_names="secret"))

    mine = Task.objects.get(pk=task.pk).tags.get()
    assert mine.user == alice
    assert mine.pk != bobs.pk
    assert not TaskTag.objects.filter(tag=bobs).exists()


# --- rows and the filter -----------------------------------------------------------------------


def test_rows_show_their_tags_as_chips_linking_to_the_tag_filter(alice_client, alice, make_task):
    tag(make_task(alice, "Buy milk"), "home", "Errand")

    response = alice_client.get("/inbox/")
    chips = find_all(response, "a", data_tag_filter=True)

    assert [c["data-tag-filter"] for c in chips] == ["Errand", "home"]
    assert chips[1]["href"] == "?q=%23home"  # relative: the scope on screen


def test_the_hash_token_filters_by_tag_ignoring_case(alice_client, alice, bob, make_task):
    hit = tag(make_task(alice, "Buy milk"), "Home")
    tag(make_task(alice, "Write report"), "work")
    tag(make_task(bob, "Bob's home task"), "home")

    response = alice_client.get("/", {"q": "#HOME"})

    assert row_ids(response) == [hit.pk]


def test_a_renamed_tag_shows_on_the_row_though_the_task_did_not_change(
    alice_client, alice, make_task
):
    task = tag(make_task(alice, "Buy milk"), "home")
    alice_client.get("/")  # the row is cached now
    Tag.objects.filter(user=alice).update(name="house")

    chips = find_all(alice_client.get("/"), "a", data_tag_filter=True)

    assert [c["data-tag-filter"] for c in chips] == ["house"]
    assert task.pk


def count_board_queries(client, user, make_task, n) -> int:
    tags = [f"t{i}" for i in range(7)]
    for i in range(n):
        tag(make_task(user, f"Task {i}"), *tags[i % 5 : i % 5 + 3])
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert len(find_all(response, "a", data_tag_filter=True)) >= 25
    return len(queries)


def test_chips_add_no_query_at_10_or_200_tagged_tasks(client, django_user_model, make_task):
    few = count_board_queries(client, django_user_model.objects.create_user("few"), make_task, 10)
    many = count_board_queries(
        client, django_user_model.objects.create_user("many"), make_task, 200
    )

    assert few == many <= 5


# --- suggestions --------------------------------------------------------------------------------


def test_suggestions_list_the_persons_tags_prefix_matches_first(alice_client, alice, bob):
    for name in ["shopping", "Home", "homework", "work"]:
        Tag.objects.create(user=alice, name=name)
    Tag.objects.create(user=bob, name="hobby")

    response = alice_client.get("/tags/suggest/", {"q": "ho"}, **HTMX)

    options = [li["data-tag-option"] for li in find_all(response, "li", role="option")]
    assert options == ["Home", "homework", "shopping"]


def test_suggestions_without_javascript_are_a_page_of_filter_links(alice_client, alice, bob):
    Tag.objects.create(user=alice, name="home")
    Tag.objects.create(user=bob, name="hobby")

    response = alice_client.get("/tags/suggest/", {"q": "ho"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "/?q=%23home" in html
    assert "hobby" not in html


# --- the tags page --------------------------------------------------------------------------------


@pytest.fixture
def tagged(alice, make_task):
    a, b, c = (make_task(alice, t) for t in ("A", "B", "C"))
    tag(a, "home", "errand")
    tag(b, "home")
    tag(c, "errand")
    gone = tag(make_task(alice, "Deleted"), "home")
    gone.soft_delete()
    return a, b, c


def test_the_tags_page_counts_live_tasks_per_tag_in_one_query(
    alice_client, tagged, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):  # session, user, the tags with counts, messages
        response = alice_client.get("/tags/")

    counts = {
        li.find("a").text: li.find(data_tag_count=True).text
        for li in find_all(response, "li", id=True)
        if li["id"].startswith("tag-")
    }
    assert counts == {"#errand": "2 tasks", "#home": "2 tasks"}


@BOTH
def test_renaming_a_tag_renames_it_everywhere(alice_client, alice, tagged, headers):
    home = Tag.objects.get(user=alice, name="home")

    response = alice_client.post(f"/tags/{home.pk}/rename/", {"name": "House"}, **headers)

    assert response.status_code in (200, 302)
    assert names_of(tagged[1]) == ["House"]


@BOTH
def test_renaming_to_an_existing_name_offers_a_merge(alice_client, alice, tagged, headers):
    home = Tag.objects.get(user=alice, name="home")

    response = alice_client.post(f"/tags/{home.pk}/rename/", {"name": "ERRAND"}, **headers)

    assert response.status_code == 409
    offer = find(response, data_merge_offer=True)
    assert offer and "Merge into #errand" in offer.text
    assert Tag.objects.filter(user=alice).count() == 2


@BOTH
def test_renaming_to_a_bad_name_says_why(alice_client, alice, tagged, headers):
    home = Tag.objects.get(user=alice, name="home")

    response = alice_client.post(f"/tags/{home.pk}/rename/", {"name": "two words"}, **headers)

    assert response.status_code == 422
    assert "is not a tag name" in response.content.decode()
    assert Tag.objects.filter(pk=home.pk, name="home").exists()


@BOTH
def test_merging_moves_every_task_once_and_removes_the_merged_tag(
    alice_client, alice, tagged, headers
):
    home, errand = (Tag.objects.get(user=alice, name=n) for n in ("home", "errand"))

    response = alice_client.post(f"/tags/{home.pk}/merge/", {"into": errand.pk}, **headers)

    assert response.status_code in (200, 302)
    assert not Tag.objects.filter(pk=home.pk).exists()
    a, b, c = tagged
    assert names_of(a) == names_of(b) == names_of(c) == ["errand"]
    assert TaskTag.objects.filter(tag=errand).count() == 4  # the deleted task's link too


def test_merging_into_another_users_tag_is_refused(alice_client, alice, bob, tagged):
    home = Tag.objects.get(user=alice, name="home")
    bobs = Tag.objects.create(user=bob, name="bobs")

    response = alice_client.post(f"/tags/{home.pk}/merge/", {"into": bobs.pk})

    assert response.status_code == 422
    assert Tag.objects.filter(pk=home.pk).exists()
    assert not TaskTag.objects.filter(tag=bobs).exists()


@BOTH
def test_deleting_a_tag_removes_it_from_its_tasks_only(alice_client, alice, tagged, headers):
    home = Tag.objects.get(user=alice, name="home")

    response = alice_client.post(f"/tags/{home.pk}/delete/", **headers)

    assert response.status_code in (200, 302)
    assert Task.objects.filter(user=alice).count() == 4
    assert names_of(tagged[0]) == ["errand"]
    if headers:
        assert "Deleted #home" in oob_toasts(response)


def test_merge_keeps_a_task_that_had_both_tags_linked_once(alice, make_task):
    task = tag(make_task(alice, "Both"), "a", "b")
    a, b = (Tag.objects.get(user=alice, name=n) for n in "ab")

    assert merge_tags(a, b) == 0
    assert list(TaskTag.objects.filter(task=task).values_list("tag_id", flat=True)) == [b.pk]


# --- admin ----------------------------------------------------------------------------------------


def tag_changelist_queries(admin_client, alice, make_task, n) -> tuple[int, str]:
    for i in range(n):
        tag(make_task(alice, f"T{i}"), f"tag{i}", "common")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get("/admin/tasks/tag/", {"q": "tag"})
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_admin_lists_tags_with_task_counts_without_a_query_per_tag(
    admin_client, alice, make_task, django_user_model
):
    few, _ = tag_changelist_queries(admin_client, alice, make_task, 2)
    many, html = tag_changelist_queries(admin_client, alice, make_task, 30)

    assert few == many
    assert "column-task_count" in html
    assert "tag29" in html
    response = admin_client.get("/admin/tasks/tag/", {"q": "common"})
    assert '<td class="field-task_count">32</td>' in response.content.decode()
