"""Races on the saved views' writes, two real transactions at once, on PostgreSQL (see
tests/test_write_races.py for why not on SQLite): two saves of one name make one view; two
renames from one version land once (the other answers 409); two moves at once leave a clean
order (every view once, positions 1..n), never a lost or duplicated position."""

from tasks.models import SavedView
from tests.concurrency import RACES, at_once

pytestmark = RACES
ROUNDS = 15


def test_two_saves_of_one_name_make_one_view(alice, clients):
    for n in range(ROUNDS):
        data = {"name": f"View {n}", "url": "/today/"}
        codes = at_once(
            *(lambda c=c, d=data: c.post("/views/new/", d).status_code for c in clients)
        )
        assert sorted(codes) == [302, 422]
        assert SavedView.objects.filter(user=alice, name=f"View {n}").count() == 1


def test_two_renames_from_one_version_land_once(alice, clients):
    for n in range(ROUNDS):
        view = SavedView.objects.create(user=alice, name=f"Base {n}", url="/")
        url = f"/views/{view.pk}/rename/"
        codes = at_once(
            lambda u=url, n=n: clients[0].post(u, {"name": f"First {n}", "version": 1}).status_code,
            lambda u=url, n=n: (
                clients[1].post(u, {"name": f"Second {n}", "version": 1}).status_code
            ),
        )
        assert sorted(codes) == [302, 409]
        view.refresh_from_db()
        assert view.version == 2
        assert view.name == (f"First {n}" if codes[0] == 302 else f"Second {n}")


def test_two_moves_at_once_keep_a_clean_order(alice, clients):
    for n in range(ROUNDS):
        SavedView.objects.filter(user=alice).delete()
        a, _, c = (
            SavedView.objects.create(user=alice, name=f"{x}{n}", url="/", position=i)
            for i, x in enumerate("ABC")
        )
        codes = at_once(
            lambda up=c.pk: clients[0].post(
                f"/views/{up}/move/", {"direction": "up", "version": 1}
            ),
            lambda down=a.pk: clients[1].post(
                f"/views/{down}/move/", {"direction": "down", "version": 1}
            ),
        )
        assert all(r.status_code == 302 for r in codes)
        rows = list(SavedView.objects.filter(user=alice).values_list("name", "position"))
        assert sorted(p for _, p in rows) == [1, 2, 3]
        assert {name for name, _ in rows} == {f"A{n}", f"B{n}", f"C{n}"}
