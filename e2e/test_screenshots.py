"""The README's screenshots: the seeded demo board (Today), light and dark, at 1280x800.

Run as part of the suite so the pictures can always be taken of the board as it is built now,
into a temporary folder: a test run leaves the committed PNGs alone. `scripts/screenshots` runs
this file with SCREENSHOTS_DIR=docs/screenshots to refresh them after a visual change.
"""

import os
import struct
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from e2e.support import SCREENSHOTS, open_board
from tasks.filters import BoardView, Scope
from tasks.models import Task

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    return struct.unpack(">II", png[16:24])


@pytest.fixture
def screenshots_dir(tmp_path) -> Path:
    return Path(os.environ.get("SCREENSHOTS_DIR") or tmp_path)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_it_saves_the_demo_board_screenshot(
    scheme, new_context, login, django_user_model, screenshots_dir
):
    call_command("seed_demo", verbosity=0)
    demo = django_user_model.objects.get(username="demo")
    # 1280x800 comes from browser_context_args; dark follows the system preference.
    context = new_context(color_scheme=scheme)
    login(context, demo)
    # The demo opens on Today (scripts/run prints that address).
    page = open_board(context.new_page(), "/today/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
    today = Task.objects.visible_to(demo).filtered(BoardView(scope=Scope.TODAY))
    expect(page.locator("#tasks > li[data-task]")).to_have_count(today.count())
    # Show the keyboard focus mark on the task in progress, as someone working would see it.
    page.keyboard.press("j")
    expect(page.locator("#tasks > li[data-task]").first).to_be_focused()
    screenshots_dir.mkdir(parents=True, exist_ok=True)
    path = screenshots_dir / f"board-{scheme}.png"

    page.screenshot(path=path, animations="disabled", caret="hide")

    assert png_size(path.read_bytes()) == (1280, 800)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_readme_shows_a_committed_screenshot_of_the_same_size(scheme):
    committed = SCREENSHOTS / f"board-{scheme}.png"
    readme = (SCREENSHOTS.parent.parent / "README.md").read_text()

    assert f"docs/screenshots/{committed.name}" in readme
    assert png_size(committed.read_bytes()) == (1280, 800)
