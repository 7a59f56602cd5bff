"""Two tabs moving cards at once, on PostgreSQL (see test_write_races.py for why not SQLite).

Each round two real requests, released together, move cards into the same gap (the case where
both would compute the same midpoint without the move lock) or move the same card to different
columns. Both land, one after the other: every column stays a permutation of the tasks, no two
tasks share a position, and the result is one of the two orders the moves can land in.
"""

from tasks.models import GAP, Status, Task
from tests.concurrency import RACES, at_once

pytestmark = RACES
ROUNDS = 25
NEXT = "/?layout=board"


def order(user, status) -> list[int]:
    return list(
        Task.objects.visible_to(user)
        .filter(status=status)
        .order_by("position", "id")
        .values_list("id", flat=True)
    )


def post(client, task, data):
    return lambda: client.post(f"/task/{task.pk}/move/", data | {"next": NEXT}).status_code


def test_two_moves_into_one_gap_both_land_in_a_well_defined_order(alice, clients):
    for n in range(ROUNDS):
        Task.objects.filter(user=alice).delete()
        a, b, c, d = (
            Task.objects.create(user=alice, title=f"{n}-{i}", position=i * GAP) for i in range(4)
        )
        # Both put their card right after a: between a and b, the same midpoint.
        codes = at_once(
            post(clients[0], c, {"status": "pending", "after": a.pk}),
            post(clients[1], d, {"status": "pending", "after": a.pk}),
        )

        assert codes == [302, 302]
        assert order(alice, Status.PENDING) in ([a.pk, c.pk, d.pk, b.pk], [a.pk, d.pk, c.pk, b.pk])
        positions = list(Task.objects.filter(user=alice).values_list("position", flat=True))
        assert len(set(positions)) == 4


def test_one_card_moved_to_two_columns_at_once_ends_in_one_of_them(alice, clients):
    for n in range(ROUNDS):
        Task.objects.filter(user=alice).delete()
        card, other = (
            Task.objects.create(user=alice, title=f"{n}-{i}", position=i * GAP) for i in range(2)
        )

        codes = at_once(
            post(clients[0], card, {"status": "in_progress"}),
            post(clients[1], card, {"status": "completed"}),
        )

        assert codes == [302, 302]
        card.refresh_from_db()
        assert card.status in (Status.IN_PROGRESS, Status.COMPLETED)
        assert card.version == 3  # both moves landed, one after the other
        everywhere = [pk for s in Status.values for pk in order(alice, s)]
        assert sorted(everywhere) == sorted([card.pk, other.pk])
