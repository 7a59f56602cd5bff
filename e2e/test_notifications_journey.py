"""Journey: add a reminder on a task's page, let the dispatcher deliver it, see the bell count,
open the notifications and mark them read; by keyboard, without JavaScript, and checked by axe."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db.models import Max
from playwright.sync_api import expect

from reminders import delivery
from reminders.models import Notification, Reminder

axe = Axe()


def assert_accessible(page):
    results = axe.run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, results.generate_report()


@pytest.fixture
def task(user, make_task):
    today = dt.date.today()
    task = make_task(user, "Call the plumber", due_date=today, due_time=dt.time(23, 59))
    Reminder.objects.filter(task=task).delete()  # the default one (09:00) would fire too
    return task


def deliver_now():
    """What the worker's dispatcher run does once the pending reminders are due, in this process
    (the worker tests run the real worker process): at a minute past the latest one, or now if
    that is later. Not a fixed day ahead: run after 22:59 that was more than a day past a
    reminder at 22:59, which the dispatcher rightly skips as too late."""
    latest = Reminder.objects.filter(state="pending").aggregate(at=Max("fire_at"))["at"]
    moment = dt.datetime.now(dt.UTC)
    if latest is not None:
        moment = max(moment, latest + dt.timedelta(minutes=1))
    delivery.deliver_due(lambda: moment)


def bell(page):
    return page.locator("#notification-bell")


def test_it_adds_a_reminder_delivers_it_and_marks_it_read_with_the_keyboard(board, task):
    board.goto(f"/task/{task.pk}/")
    # The reminders section loads in place (htmx) under the task's details.
    form_select = board.get_by_label("Remind me")
    expect(form_select).to_be_visible()
    form_select.focus()
    form_select.select_option(label="1 hour before")
    add = board.get_by_role("button", name="Add", exact=True)
    for _ in range(10):  # past the date field's parts (unused for a relative reminder)
        if add.evaluate("b => b === document.activeElement"):
            break
        board.keyboard.press("Tab")
    expect(add).to_be_focused()
    board.keyboard.press("Enter")
    expect(board.locator("[data-reminder]")).to_have_count(1)
    expect(board.locator("[data-reminder]")).to_contain_text("1 hour before")
    assert_accessible(board)

    deliver_now()
    board.goto("/")
    expect(bell(board).locator("[data-unread]")).to_have_text("1")
    expect(bell(board)).to_have_attribute("aria-label", "Notifications, 1 unread")

    bell(board).focus()
    board.keyboard.press("Enter")
    expect(board.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(board.get_by_role("link", name="Reminder: Call the plumber")).to_be_visible()
    assert_accessible(board)
    mark = board.get_by_role("button", name="Mark read: Reminder: Call the plumber")
    mark.focus()
    board.keyboard.press("Enter")
    expect(mark).to_have_count(0)
    expect(bell(board).locator("[data-unread]")).to_have_count(0)
    assert Notification.objects.get().read_at is not None


def test_the_bell_announces_a_notification_arriving_while_the_page_is_open(board, user, task):
    board.clock.install()
    board.goto("/")
    expect(bell(board)).to_have_attribute("aria-label", "Notifications")
    expect(bell(board)).to_have_attribute("hx-get", "/notifications/bell/?seen=0")
    Notification.objects.create(user=user, task=task, text="Reminder: Call the plumber")
    board.clock.run_for(31_000)  # the 30 s poll
    expect(board.get_by_role("status")).to_contain_text("1 unread notification")
    expect(bell(board).locator("[data-unread]")).to_have_text("1")


def test_reminders_and_notifications_work_without_javascript(new_context, login, user, task):
    context = new_context(java_script_enabled=False)
    login(context, user)
    page = context.new_page()
    page.goto(f"/task/{task.pk}/")
    page.get_by_role("link", name="Reminders").click()
    page.get_by_label("Remind me").select_option(label="At a date and time")
    page.get_by_label("Date and time").fill("2030-01-02T08:15")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Reminder added")
    expect(page.locator("[data-reminder]")).to_contain_text("Wed 2 Jan 08:15")
    page.get_by_role("button", name="Remove reminder").click()
    expect(page.get_by_text("No reminders.")).to_be_visible()

    Notification.objects.create(user=user, task=task, text="Reminder: Call the plumber")
    page.goto("/")
    page.get_by_role("link", name="Notifications").click()
    page.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_role("button", name="Mark read: Reminder: Call the plumber")).to_have_count(
        0
    )
    assert Notification.objects.get().read_at is not None


@pytest.mark.browser_context_args(viewport={"width": 320, "height": 640}, is_mobile=True)
def test_the_notifications_and_reminders_pages_fit_a_phone(board, user, task):
    Notification.objects.create(user=user, task=task, text="Reminder: Call the plumber " * 5)
    for path in ("/notifications/", f"/task/{task.pk}/reminders/"):
        board.goto(path)
        assert board.evaluate("document.documentElement.scrollWidth") <= 320, path
        assert_accessible(board)
