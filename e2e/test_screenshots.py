"""The README's screenshots: the seeded demo board, light and dark, at 1280x800.

Run as part of the suite so the pictures always show the board as it is built now.
"""

import struct

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from e2e.support import SCREENSHOTS, open_board, task_rows
from tasks.models import Task


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_saves_the_demo_board_screenshot(scheme, new_context, login, django_user_model):
    call_command("seed_demo", verbosity=0)
    demo = django_user_model.objects.get(username="demo")
    # 1280x800 comes from browser_context_args; dark follows the system preference.
    context = new_context(color_scheme=scheme)
    login(context, demo)
    page = open_board(context.new_page())
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
    expect(task_rows(page)).to_have_count(Task.objects.for_user(demo).count())
    # Show the keyboard focus mark on the task in progress, as someone working would see it.
    page.keyboard.press("j")
    expect(task_rows(page).first).to_be_focused()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"board-{scheme}.png"

    page.screenshot(path=path, animations="disabled", caret="hide")

    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1280, 800)
