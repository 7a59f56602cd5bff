"""Small things a person notices (issue 22): without JavaScript "Clear selection" works and no key
hint shows (item 14); the full form shows the repeat controls only for a repeating task, "Repeat
from" after "Repeat", and the row editor's Save and Cancel come after the description (item 15);
a task added in Today or Upcoming is due today (item 16)."""

import datetime as dt

import pytest

from tasks.models import Priority, Task
from tests.conftest import HTMX, htmx_on, oob_toasts, row_ids
from tests.html import find, parse

pytestmark = pytest.mark.django_db


# --- item 14 ----------------------------------------------------------------------------------
def test_clear_selection_is_a_reset_of_the_selection_form(alice_client, alice, make_task):
    make_task(alice, "One")

    page = alice_client.get("/")

    button = find(page, "form", id="bulk-form").find("button", data_bulk_clear=True)
    assert button["type"] == "reset"
    assert button.text == "Clear selection"


def test_the_key_hint_is_hidden_until_a_script_shows_it(alice_client):
    """No "(h)" on the page without JavaScript: the key shows only in the Search syntax
    button's tooltip and in the shortcuts button, which board.js unhides."""
    page = alice_client.get("/")
    link = find(page, "a", data_search_help=True)
    assert "(h)" not in link.text
    assert "hidden" in find(page, "button", data_shortcuts_open=True).attrs


# --- item 15 ----------------------------------------------------------------------------------
def field_order(html) -> list[str]:
    names = []
    for element in parse(html).iter():
        name = element.get("name")
        field = element.tag in ("input", "select", "textarea") and element.get("type") != "hidden"
        if field and name and name not in names:
            names.append(name)
    return names


def test_the_full_form_folds_the_repeat_controls_away_for_a_one_off(alice_client, alice, make_task):
    task = make_task(alice, "Once")

    page = alice_client.get(f"/task/{task.pk}/edit/")

    details = find(page, "details", class_="repeat-details")
    assert "open" not in details.attrs
    assert details.find("summary").text == "Repeat"
    inside = field_order(details.outer_html)
    assert inside[:2] == ["repeat", "repeat_from"]
    assert {"repeat_interval", "repeat_ends", "repeat_until"} <= set(inside)
    assert find(page, "details", class_="repeat-details").find("select", name="repeat")


def test_the_full_form_opens_them_for_a_repeating_task(alice_client, alice, make_task, today):
    task = make_task(alice, "Often", due_date=today, recurrence="FREQ=DAILY")

    details = find(alice_client.get(f"/task/{task.pk}/edit/"), "details", class_="repeat-details")

    assert "open" in details.attrs


def test_the_new_task_form_keeps_them_folded_and_open_after_an_error(alice_client):
    assert "open" not in find(alice_client.get("/task/new/"), "details").attrs

    response = alice_client.post(
        "/task/new/", {"title": "", "repeat": "daily", "repeat_interval": "1"}
    )

    assert response.status_code == 422
    assert "open" in find(response, "details", class_="repeat-details").attrs


def test_saving_a_one_off_through_the_folded_controls_keeps_it_one_off(
    alice_client, alice, make_task
):
    task = make_task(alice, "Once")
    page = alice_client.get(f"/task/{task.pk}/edit/")
    form = find(page, "main").find("form")
    data = {}
    for element in form.iter():
        name = element.get("name")
        if not name or element.tag == "button":
            continue
        if element.get("type") in ("radio", "checkbox") and "checked" not in element.attrs:
            continue
        if element.tag == "select":
            chosen = element.find("option", selected=True)
            data[name] = chosen.get("value") if chosen else ""
        elif element.tag == "textarea":
            data[name] = element.text
        else:
            data[name] = element.get("value", "")

    response = alice_client.post(f"/task/{task.pk}/edit/", data)

    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).recurrence == ""


def test_the_row_editor_puts_the_description_before_save_and_cancel(alice_client, alice, make_task):
    task = make_task(alice, "Edit me")

    response = alice_client.get(f"/task/{task.pk}/edit/", **HTMX)

    form = find(response, "form")
    order = [e.get("name") or e.text for e in form.iter() if e.tag in ("input", "select",
             "textarea", "button") and e.get("type") != "hidden"]  # fmt: skip
    assert order[-3:] == ["description", "Save", "Cancel"] or order[-2:] == [
        "description",
        "Save",
    ]
    assert "order-last" not in form.outer_html


# --- item 16 ----------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/today/", "/upcoming/", "/upcoming/?sort=title"])
def test_a_task_added_in_today_or_upcoming_is_due_today_and_shows_there(
    alice_client, alice, today, url
):
    response = alice_client.post("/task/new/", {"title": "Buy milk", "quick": "1"}, **htmx_on(url))

    task = Task.objects.get(user=alice, title="Buy milk")
    assert task.due_date == today
    assert "not shown" not in oob_toasts(response)
    assert task.pk in row_ids(alice_client.get(url))


def test_its_own_date_wins(alice_client, alice, days):
    alice_client.post(
        "/task/new/", {"title": "Buy milk in 3 days", "quick": "1"}, **htmx_on("/today/")
    )

    task = Task.objects.get(user=alice)
    assert task.due_date == days(3)


def test_when_the_lists_filters_still_exclude_it_the_toast_says_so(alice_client, alice, today):
    response = alice_client.post(
        "/task/new/", {"title": "Buy milk", "quick": "1"}, **htmx_on("/today/?priority=high")
    )

    task = Task.objects.get(user=alice)
    assert (task.due_date, task.priority) == (today, Priority.NONE)
    assert "Task added: “Buy milk” — not shown under these filters." in oob_toasts(response)


def test_elsewhere_it_stays_undated(alice_client, alice):
    alice_client.post("/task/new/", {"title": "Buy milk", "quick": "1"}, **htmx_on("/"))

    assert Task.objects.get(user=alice).due_date is None


def test_a_plain_post_from_today_dates_it_too(alice_client, alice, today):
    response = alice_client.post(
        "/task/new/", {"title": "Buy milk", "quick": "1", "next": "/today/"}
    )

    assert response["Location"] == "/today/"
    assert Task.objects.get(user=alice).due_date == today


def test_more_fields_from_today_starts_with_today(alice_client, today):
    page = alice_client.get("/task/new/", {"next": "/today/"})

    assert find(page, "input", name="due_date")["value"] == today.isoformat()
    assert find(alice_client.get("/task/new/"), "input", name="due_date").get("value") in (None, "")


def test_it_dates_nothing_when_the_words_say_a_time_only(alice_client, alice, today):
    alice_client.post("/task/new/", {"title": "Call at 23:59", "quick": "1"}, **htmx_on("/today/"))

    task = Task.objects.get(user=alice)
    assert task.due_time == dt.time(23, 59)
    assert task.due_date in (today, today + dt.timedelta(days=1))
