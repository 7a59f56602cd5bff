"""Journey: titles behave as links for new tabs, and a description field fits its text.

Issue 10, item 9 (the client part): Ctrl/Cmd-click and middle-click on a title open the full
page as links do; the description textarea grows with what is typed.
"""

import re

import pytest
from playwright.sync_api import expect

from e2e.support import assert_no_reload, open_board, row


@pytest.mark.parametrize(
    "click", [{"modifiers": ["ControlOrMeta"]}, {"button": "middle"}], ids=["ctrl", "middle"]
)
def test_it_opens_the_full_page_in_a_new_tab_on_a_modified_click(board, user, make_task, click):
    task = make_task(user, "Open me elsewhere")
    open_board(board)

    with board.context.expect_page() as opened:
        row(board, task).get_by_role("link", name="Open me elsewhere").click(**click)

    new_tab = opened.value
    # The title opens the task's page (issue 22 item 19; the pencil opens the editor).
    expect(new_tab).to_have_url(re.compile(rf"/task/{task.pk}/$"))
    expect(new_tab.get_by_role("heading", name="Open me elsewhere")).to_be_visible()
    # The board itself did not open the inline editor.
    expect(board.get_by_role("form", name="Edit task")).to_have_count(0)
    assert_no_reload(board)


def test_it_grows_the_description_field_with_its_text(board):
    board.goto("/task/new/")
    description = board.get_by_label("Description")
    empty_height = description.bounding_box()["height"]

    description.fill("\n".join(f"Line {n}" for n in range(12)))

    expect(description).to_have_value(re.compile("Line 11"))
    assert description.bounding_box()["height"] > empty_height * 2
    # All of it shows: no scrolling inside the field.
    assert description.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
