"""The kanban layout (?layout=board) and moving tasks (tasks/views/kanban.py)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks.kanban import KANBAN_PAGE_SIZE
from tasks.models import GAP, Priority, Project, Status, Tag, Task, TaskTag
from tasks.templatetags.kanban_extras import KanbanCardCacheNode
from tests.conftest import HTMX, htmx_on, oob_counts, oob_toasts, row_ids
from tests.html import find, find_all

pytestmark = pytest.mark.django_db

BOARD = "/?layout=board"
SIZE = KANBAN_PAGE_SIZE
HTMX_BOARD = htmx_on(BOARD)


def column_ids(response, status) -> list[int]:
    column = find(response, "ul", data_cards=status)
    assert column, f"no {status} column"
    return [int(li["data-task-id"]) for li in column.find_all("li", data_card=True)]


def column_count(response, status) -> int:
    badge = find(response, "span", id=f"column-count-{status}")
    return int(badge.text.split()[0])


def tasks_at(user, positions, status=Status.PENDING, **fields):
    return [
        Task.objects.create(user=user, title=f"t{i}", status=status, position=p, **fields)
        for i, p in enumerate(positions)
    ]


def fill(user, n, days):
    project = Project.objects.create(user=user, name="Home", colour="teal")
    tag = Tag.objects.create(user=user, name="errand")
    statuses, priorities = list(Status), [Priority.LOW, Priority.MEDIUM, Priority.HIGH]
    tasks = Task.objects.bulk_create(
        Task(
            user=user,
            title=f"Task {i} report",
            status=statuses[i % 3],
            priority=priorities[i % 3],
            project=project if i % 2 else None,
            due_date=days(i % 9 - 3) if i % 2 else None,
        )
        for i in range(n)
    )
    TaskTag.objects.bulk_create(TaskTag(task=t, tag=tag) for t in tasks[::2])


# --- the board layout ----------------------------------------------------------------------------


def test_it_shows_three_columns_in_manual_order_with_counts(alice_client, alice):
    a, b = tasks_at(alice, [GAP, 0])
    (c,) = tasks_at(alice, [0], status=Status.IN_PROGRESS)

    response = alice_client.get(BOARD)

    assert response.status_code == 200
    assert column_ids(response, "pending") == [b.pk, a.pk]
    assert column_ids(response, "in_progress") == [c.pk]
    assert column_ids(response, "completed") == []
    assert column_count(response, "pending") == 2
    assert column_count(response, "completed") == 0


def test_it_shows_priority_due_tags_and_project_colour_on_cards(alice_client, alice, days):
    project = Project.objects.create(user=alice, name="Home", colour="teal")
    task = Task.objects.create(
        user=alice, title="Renew passport", project=project, due_date=days(-2), priority="high"
    )
    TaskTag.objects.create(task=task, tag=Tag.objects.create(user=alice, name="papers"))

    response = alice_client.get(BOARD)

    card = find(response, "li", id=f"task-{task.pk}")
    assert "project-colour-teal" in card["class"]
    text = card.text
    assert "High" in text and "Overdue" in text and "#papers" in text and "Home" in text


def test_it_applies_search_and_filters_to_the_columns(alice_client, alice):
    keep = Task.objects.create(user=alice, title="buy milk")
    Task.objects.create(user=alice, title="call mum")
    Task.objects.create(user=alice, title="milk run", status=Status.COMPLETED)

    response = alice_client.get(BOARD + "&q=milk&hide=completed")

    assert column_ids(response, "pending") == [keep.pk]
    assert column_ids(response, "completed") == []
    assert column_count(response, "pending") == 1


def test_it_keeps_the_layout_in_the_filter_form_and_status_links(alice_client, alice):
    response = alice_client.get(BOARD + "&priority=high")

    assert find(response, "input", name="layout", value="board")
    links = [a["href"] for a in find(response, "ul", id="status-counts").find_all("a")]
    assert any("layout=board" in href for href in links[:4])


def test_it_offers_the_other_layout_with_the_same_filters(alice_client, alice):
    response = alice_client.get("/?priority=high")

    nav = find(response, "nav", aria_label="Layout")
    hrefs = [a["href"] for a in nav.find_all("a")]
    assert "/?priority=high&layout=board" in hrefs


def test_it_answers_a_filter_change_with_the_columns_only(alice_client, alice):
    task = Task.objects.create(user=alice, title="buy milk")

    response = alice_client.get(BOARD + "&q=milk", **HTMX)

    assert column_ids(response, "pending") == [task.pk]
    assert b"<html" not in response.content


def test_it_loads_a_columns_next_cards_after_the_first_page(alice_client, alice):
    tasks = tasks_at(alice, [i * GAP for i in range(SIZE + 10)])

    first = alice_client.get(BOARD)
    more = find(first, "li", data_more=True).find("a")
    assert more["hx-trigger"] == "intersect once, click"  # columns scroll on their own
    rest = alice_client.get(more["href"], **HTMX)

    assert column_ids(first, "pending") == [t.pk for t in tasks[:SIZE]]
    assert row_ids(rest) == [t.pk for t in tasks[SIZE:]]
    assert not find(rest, "li", data_more=True)


def test_it_loads_more_without_javascript_as_a_full_page(alice_client, alice):
    tasks = tasks_at(alice, [i * GAP for i in range(SIZE + 5)])

    first = alice_client.get(BOARD)
    page = alice_client.get(find(first, "li", data_more=True).find("a")["href"])

    assert column_ids(page, "pending") == [t.pk for t in tasks[SIZE:]]


@pytest.mark.parametrize("headers", [{}, HTMX_BOARD], ids=["page", "fragment"])
def test_it_reads_the_board_in_at_most_five_queries_for_10_and_200_tasks(
    client, django_user_model, days, headers
):
    counts = []
    for n, name in ((10, "few"), (200, "many")):
        user = django_user_model.objects.create_user(name)
        fill(user, n, days)
        client.force_login(user)
        for query in (BOARD, BOARD + "&q=report&priority=high"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(query, **headers)
            assert response.status_code == 200
            assert row_ids(response)
            counts.append(len(queries))
    assert counts[:2] == counts[2:]
    assert max(counts) <= 5


def test_it_reads_more_cards_in_a_constant_number_of_queries(
    client, django_user_model, days, django_assert_max_num_queries
):
    user = django_user_model.objects.create_user("many")
    fill(user, 400, days)
    client.force_login(user)
    first = client.get(BOARD)
    href = find(first, "li", data_more=True).find("a")["href"]

    with django_assert_max_num_queries(4):
        assert row_ids(client.get(href, **HTMX))


def test_it_shows_another_users_board_without_their_tasks(alice_client, bob):
    Task.objects.create(user=bob, title="Bob's secret")

    response = alice_client.get(BOARD)

    assert b"Bob&#x27;s secret" not in response.content and b"secret" not in response.content


def test_it_ignores_a_garbled_layout_and_cursor(alice_client, alice):
    Task.objects.create(user=alice, title="x")

    assert alice_client.get("/?layout=%00weird").status_code == 200
    response = alice_client.get(BOARD + "&column=pending&after=garbage", **HTMX)
    assert response.status_code == 200


# --- moving --------------------------------------------------------------------------------------


def move_url(task):
    return f"/task/{task.pk}/move/"


def test_it_moves_a_card_to_another_column_and_back_to_the_board(alice_client, alice):
    _a, b = tasks_at(alice, [0, GAP])

    response = alice_client.post(move_url(b), {"status": "in_progress", "next": BOARD})

    assert response.status_code == 302 and response["Location"] == BOARD
    assert Task.objects.get(pk=b.pk).status == Status.IN_PROGRESS
    page = alice_client.get(BOARD)
    assert column_ids(page, "in_progress") == [b.pk]
    assert "Moved “t1” to In progress, position 1 of 1" in page.content.decode()


def test_it_moves_a_card_after_another_for_htmx_with_counts_and_announcement(alice_client, alice):
    a, _b = tasks_at(alice, [0, GAP])
    c, d = tasks_at(alice, [0, GAP], status=Status.IN_PROGRESS)

    response = alice_client.post(
        move_url(a), {"status": "in_progress", "after": c.pk}, **HTMX_BOARD
    )

    assert response.status_code == 200
    assert row_ids(response) == [a.pk]
    assert find(response, "span", id="column-count-in_progress").text.split()[0] == "3"
    assert find(response, "span", id="column-count-pending").text.split()[0] == "1"
    assert oob_counts(response)["in_progress"] == 3
    assert "Moved “t0” to In progress, position 2 of 3" in oob_toasts(response)
    assert column_ids(alice_client.get(BOARD), "in_progress") == [c.pk, a.pk, d.pk]


def sidebar_badges(response) -> dict[str, str]:
    """The sidebar's project counts an answer renews out of band: {element id: count}."""
    spans = find_all(response, "span", hx_swap_oob="true")
    return {s["id"]: s.text.split()[0] for s in spans if s["id"].startswith("project-count-")}


def test_a_card_moved_into_completed_renews_its_projects_open_count(alice_client, alice):
    home = Project.objects.create(user=alice, name="Home", colour="teal")
    other = Project.objects.create(user=alice, name="Other", colour="red")
    a, b = tasks_at(alice, [0, GAP], project=home)
    tasks_at(alice, [0], project=other)
    (done,) = tasks_at(alice, [0], status=Status.COMPLETED, project=home)

    response = alice_client.post(
        move_url(a), {"status": "completed", "after": done.pk}, **HTMX_BOARD
    )

    # Only its own project's badge, with what the sidebar shows after a reload.
    assert sidebar_badges(response) == {f"project-count-{home.pk}": "1"}
    page = alice_client.get(BOARD)
    assert find(page, "span", id=f"project-count-{home.pk}").text.split()[0] == "1"
    assert find(page, "span", id=f"project-count-{other.pk}").text.split()[0] == "1"

    back = alice_client.post(move_url(a), {"status": "pending", "after": b.pk}, **HTMX_BOARD)
    assert sidebar_badges(back) == {f"project-count-{home.pk}": "2"}


def test_a_reorder_within_a_column_sends_no_sidebar_count(alice_client, alice):
    home = Project.objects.create(user=alice, name="Home", colour="teal")
    a, b = tasks_at(alice, [0, GAP], project=home)

    response = alice_client.post(move_url(a), {"status": "pending", "after": b.pk}, **HTMX_BOARD)

    assert response.status_code == 200 and row_ids(response) == [a.pk]
    assert sidebar_badges(response) == {}


def test_it_moves_a_card_before_another(alice_client, alice):
    a, b, c = tasks_at(alice, [0, GAP, 2 * GAP])

    alice_client.post(move_url(c), {"status": "pending", "before": a.pk}, **HTMX_BOARD)

    assert column_ids(alice_client.get(BOARD), "pending") == [c.pk, a.pk, b.pk]


def test_it_moves_up_and_down_without_javascript(alice_client, alice):
    a, b, c = tasks_at(alice, [0, GAP, 2 * GAP])

    alice_client.post(move_url(c), {"dir": "up", "next": BOARD})
    assert column_ids(alice_client.get(BOARD), "pending") == [a.pk, c.pk, b.pk]
    alice_client.post(move_url(a), {"dir": "down", "next": BOARD})
    assert column_ids(alice_client.get(BOARD), "pending") == [c.pk, a.pk, b.pk]


def test_it_says_so_when_a_card_is_already_at_the_top(alice_client, alice):
    a, _b = tasks_at(alice, [0, GAP])

    response = alice_client.post(move_url(a), {"dir": "up"}, **HTMX_BOARD)

    assert response.status_code == 200
    assert "already at the top" in oob_toasts(response)
    assert Task.objects.get(pk=a.pk).version == a.version


def test_it_steps_past_tasks_the_filters_hide(alice_client, alice):
    a, hidden, c = tasks_at(alice, [0, GAP, 2 * GAP])
    Task.objects.filter(pk=hidden.pk).update(title="other")
    Task.objects.filter(pk__in=[a.pk, c.pk]).update(title="milk")

    alice_client.post(move_url(c), {"dir": "up"}, **htmx_on(BOARD + "&q=milk"))

    assert column_ids(alice_client.get(BOARD), "pending") == [c.pk, a.pk, hidden.pk]


def test_it_reorders_the_list_in_the_manual_sort(alice_client, alice):
    a, b, c = tasks_at(alice, [0, GAP, 2 * GAP])

    response = alice_client.post(move_url(c), {"dir": "up"}, **htmx_on("/?sort=manual"))

    assert response.status_code == 200
    assert row_ids(response) == [a.pk, c.pk, b.pk]
    assert row_ids(alice_client.get("/?sort=manual")) == [a.pk, c.pk, b.pk]


def test_it_answers_409_with_the_board_when_the_anchor_moved_away(alice_client, alice):
    a, _b = tasks_at(alice, [0, GAP])
    (done,) = tasks_at(alice, [0], status=Status.COMPLETED)

    response = alice_client.post(move_url(a), {"status": "pending", "after": done.pk}, **HTMX_BOARD)

    assert response.status_code == 409
    assert response["HX-Retarget"] == "#task-list"
    assert column_ids(response, "completed") == [done.pk]
    assert Task.objects.get(pk=a.pk).version == a.version


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"status": "nope"},
        {"status": "pending", "after": "x"},
        {"dir": "sideways"},
        {"status": "pending", "after": "99999999999999999999999"},
    ],
)
def test_it_refuses_bad_input_with_400_and_moves_nothing(alice_client, alice, data):
    (a,) = tasks_at(alice, [0])

    response = alice_client.post(move_url(a), data, **HTMX_BOARD)

    assert response.status_code == 400
    assert Task.objects.get(pk=a.pk).version == a.version


def test_it_answers_404_for_another_users_task_or_anchor(alice_client, alice, bob):
    (mine,) = tasks_at(alice, [0])
    (theirs,) = tasks_at(bob, [0])

    assert alice_client.post(move_url(theirs), {"status": "completed"}).status_code == 404
    response = alice_client.post(move_url(mine), {"status": "pending", "after": theirs.pk})
    assert response.status_code == 404
    assert Task.objects.get(pk=theirs.pk).status == Status.PENDING


def test_it_refuses_anonymous_moves_and_answers_a_get_with_the_move_form(
    client, alice_client, alice
):
    (a,) = tasks_at(alice, [0])

    page = alice_client.get(move_url(a), HTTP_REFERER="http://testserver" + BOARD)
    form = find(page, "form", action=move_url(a))
    assert form["method"] == "post"
    assert [o["value"] for o in form.find("select", id="move-column").find_all("option")] == [
        "pending",
        "in_progress",
        "completed",
    ]
    assert Task.objects.get(pk=a.pk).status == Status.PENDING
    client.logout()
    response = client.post(move_url(a), {"status": "completed"})
    assert response.status_code == 302 and "/login" in response["Location"]
    assert Task.objects.get(pk=a.pk).status == Status.PENDING


def test_it_moves_in_a_bounded_number_of_queries(
    alice_client, alice, django_assert_max_num_queries
):
    tasks = tasks_at(alice, [i * GAP for i in range(30)])

    # Session, user, the move lock, the task with its project and tags, the top card, its
    # neighbour, the write, the counts, its place; two savepoints (tests/test_kanban_move_queries).
    with django_assert_max_num_queries(11):
        response = alice_client.post(move_url(tasks[-1]), {"status": "in_progress"}, **HTMX_BOARD)
    assert response.status_code == 200


def test_it_re_reads_the_columns_after_a_toggle_on_the_board(alice_client, alice):
    (a,) = tasks_at(alice, [0])

    response = alice_client.post(f"/task/{a.pk}/toggle/", **HTMX_BOARD)

    assert response["HX-Retarget"] == "#task-list"
    assert column_ids(response, "completed") == [a.pk]
    assert find_all(response, "ul", id="status-counts")


def test_it_steps_over_rows_of_other_statuses_in_the_manual_list(alice_client, alice):
    a, b = tasks_at(alice, [0, 2 * GAP])
    (doing,) = tasks_at(alice, [GAP], status=Status.IN_PROGRESS)

    alice_client.post(move_url(b), {"dir": "up"}, **htmx_on("/?sort=manual"))

    assert row_ids(alice_client.get("/?sort=manual")) == [a.pk, b.pk, doing.pk]
    assert Task.objects.get(pk=b.pk).status == Status.PENDING


def test_it_drops_a_row_after_a_row_of_another_status_in_the_manual_list(alice_client, alice):
    a, b = tasks_at(alice, [0, GAP])
    (doing,) = tasks_at(alice, [2 * GAP], status=Status.IN_PROGRESS)

    response = alice_client.post(
        move_url(a), {"status": "pending", "after": doing.pk}, **htmx_on("/?sort=manual")
    )

    assert response.status_code == 200
    assert row_ids(response) == [b.pk, doing.pk, a.pk]


def test_it_accepts_a_list_drop_that_names_only_a_neighbour(alice_client, alice):
    a, b = tasks_at(alice, [0, GAP])

    response = alice_client.post(move_url(b), {"before": a.pk}, **htmx_on("/?sort=manual"))

    assert response.status_code == 200
    assert row_ids(response) == [b.pk, a.pk]


def test_it_caps_a_filtered_columns_count(alice_client, alice, settings, monkeypatch):
    from tasks import kanban

    monkeypatch.setattr(kanban, "COUNT_CAP", 3)
    tasks_at(alice, [i * GAP for i in range(5)], priority="high")

    response = alice_client.get(BOARD + "&priority=high")

    assert find(response, "span", id="column-count-pending").text.startswith("3+")
    assert column_count(alice_client.get(BOARD), "pending") == 5


def test_it_sends_no_counts_for_a_reorder_within_a_column(alice_client, alice):
    a, b = tasks_at(alice, [0, GAP])

    response = alice_client.post(move_url(a), {"status": "pending", "after": b.pk}, **HTMX_BOARD)

    assert row_ids(response) == [a.pk]
    assert not find(response, "ul", id="status-counts")
    assert not find(response, "span", id="column-count-pending")
    assert "position 2 of 2" in oob_toasts(response)


def test_a_reorder_answers_the_card_a_fresh_render_gives(alice_client, alice, days, monkeypatch):
    project = Project.objects.create(user=alice, name="Home", colour="teal")
    a, b = tasks_at(alice, [0, GAP], project=project, due_date=days(1))
    TaskTag.objects.create(task=a, tag=Tag.objects.create(user=alice, name="errand"))
    alice_client.get(BOARD)  # the board caches the card as it was before the move
    reuses = []
    reordered = KanbanCardCacheNode.reordered
    monkeypatch.setattr(
        KanbanCardCacheNode, "reordered", lambda *a: reuses.append(reordered(*a)) or reuses[-1]
    )

    reused = alice_client.post(move_url(a), {"status": "pending", "after": b.pk}, **HTMX_BOARD)
    assert len(reuses) == 1 and reuses[0] is not None
    caches["rows"].clear()
    fresh = alice_client.get(BOARD)

    card = find(reused, "li", id=f"task-{a.pk}")
    assert card["data-version"] == str(a.version + 1)
    assert card.outer_html == find(fresh, "li", id=f"task-{a.pk}").outer_html
