"""The status counts are links that filter (the counts stay), and "Hide completed" is one
control remembered in the URL."""

import re

import pytest

from tasks.models import Status
from tests.conftest import htmx_on, oob_counts, row_ids

pytestmark = pytest.mark.django_db


def links(html: str) -> dict[str, tuple[str, bool]]:
    """{label: (href, is current)} of the status-count links."""
    block = re.search(r'<ul id="status-counts"[^>]*>(.*?)</ul>', html, re.S)[1]
    found = {}
    for attrs, label in re.findall(r"<a ([^>]*)>([^<]+?) <span", block):
        href = re.search(r'href="([^"]*)"', attrs)[1].replace("&amp;", "&")
        found[label] = (href, 'aria-current="page"' in attrs)
    return found


def test_the_counts_link_to_each_status_keeping_the_rest_of_the_view(
    alice_client, alice, make_task
):
    make_task(alice, "Done", status=Status.COMPLETED)

    html = alice_client.get("/?status=pending&q=rep&sort=title&after=xyz").content.decode()

    assert links(html) == {
        "All": ("/?q=rep&sort=title", False),
        "Pending": ("/?q=rep&status=pending&sort=title", True),
        "In progress": ("/?q=rep&status=in_progress&sort=title", False),
        "Completed": ("/?q=rep&status=completed&sort=title", False),
    }
    assert 'data-count="completed">1<' in html  # the counts stay


def test_the_all_link_is_current_without_a_status(alice_client):
    assert links(alice_client.get("/").content.decode())["All"] == ("/", True)


def test_the_counts_sent_with_a_write_keep_the_links_of_the_view_on_screen(
    alice_client, alice, make_task
):
    task = make_task(alice, "Report")

    response = alice_client.post(f"/task/{task.pk}/toggle/", **htmx_on("/?status=completed"))

    assert oob_counts(response)["completed"] == 1
    assert links(response.content.decode())["Completed"] == ("/?status=completed", True)


def test_hide_completed_hides_them_and_is_remembered_in_the_url(alice_client, alice, make_task):
    pending = make_task(alice, "Pending one")
    make_task(alice, "Completed one", status=Status.COMPLETED)

    response = alice_client.get("/", {"hide": "completed"})

    html = response.content.decode()
    assert row_ids(response) == [pending.pk]
    checkbox = re.search(r'<input[^>]*id="filter-hide"[^>]*>', html)[0]
    assert "checked" in checkbox and 'name="hide"' in checkbox and 'value="completed"' in checkbox
    assert links(html)["Pending"][0] == "/?hide=completed&status=pending"
    assert len(row_ids(alice_client.get("/"))) == 2  # off again without it


def test_hide_completed_makes_a_completed_task_leave_the_list(alice_client, alice, make_task):
    task = make_task(alice, "Report")

    response = alice_client.post(f"/task/{task.pk}/toggle/", **htmx_on("/?hide=completed"))

    assert row_ids(response) == []
