"""Journey: two people use the board at once and never see each other's tasks."""

from playwright.sync_api import expect

from e2e.support import assert_no_reload, count_badge, open_board, task_rows


def test_it_never_shows_one_users_tasks_to_another(
    board, user, make_user, make_task, login, new_context
):
    bob = make_user("bob")
    make_task(user, "Alice's secret plan")
    bobs_task = make_task(bob, "Bob's shopping list")
    bob_page = new_context().new_page()
    login(bob_page.context, bob)
    alice_page = open_board(board)
    open_board(bob_page)

    expect(task_rows(alice_page)).to_have_count(1)
    expect(task_rows(alice_page)).to_contain_text(["Alice's secret plan"])
    expect(task_rows(bob_page)).to_have_count(1)
    expect(task_rows(bob_page)).to_contain_text(["Bob's shopping list"])

    # A task Alice adds appears for her only, and counts stay per person.
    alice_page.get_by_role("textbox", name="New task").fill("Another private one")
    alice_page.get_by_role("textbox", name="New task").press("Enter")
    expect(task_rows(alice_page)).to_have_count(2)
    expect(count_badge(alice_page, "all")).to_have_text("2")
    bob_page.get_by_role("searchbox", name="Search tasks").fill("private")
    expect(bob_page.get_by_text("No tasks match these filters")).to_be_visible()
    expect(count_badge(bob_page, "all")).to_have_text("1")

    # Going straight to Bob's task by URL is a 404 for Alice, not a peek.
    response = alice_page.request.get(f"/task/{bobs_task.pk}/edit/")
    assert response.status == 404
    assert "Bob's shopping list" not in response.text()
    assert_no_reload(alice_page)
    assert_no_reload(bob_page)
