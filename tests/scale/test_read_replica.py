"""A read replica: a hot standby made with pg_basebackup from the package's private cluster,
a production node with DATABASE_REPLICA_URL pointing at it.

Replay on the standby is paused while the tests write, so the replica is visibly behind: a
search from a browser that did not write shows the old state (the read did go to the replica),
while the browser that wrote sees its own change every time (read-your-writes). With the
standby stopped, searches and the calendar feed are answered from the primary, without error.
"""

import re
import shutil
import time

import pytest

from devtools.processes import free_port
from tests.reliability.harness import ROW_ID, Session
from tests.scale.harness import Node, make_standby, node_env

STICKY_SECONDS = 3
DBNAME = "replica_reads"


@pytest.fixture(scope="module")
def standby(cluster):
    cluster.clone(DBNAME)
    replica = make_standby(cluster)
    try:
        yield replica
    finally:
        if replica.running():
            replica.stop("immediate")
        replica.remove()


@pytest.fixture(scope="module")
def node(cluster, standby, static_root, tmp_path_factory):
    root = tmp_path_factory.mktemp("replica-node")
    port = free_port(9800, 9899)
    env = node_env(
        cluster.url(DBNAME),
        static_root,
        f"http://127.0.0.1:{port}",
        DATABASE_REPLICA_URL=standby.url(DBNAME),
        DATABASE_REPLICA_STICKY_SECONDS=str(STICKY_SECONDS),
        WEB_CONCURRENCY="1",
    )
    started = Node(env, root / "node.log", port=port)
    try:
        started.start(timeout=90)
        yield started
    finally:
        started.stop()
        shutil.rmtree(root, ignore_errors=True)


def replayed(standby, title: str) -> bool:
    with standby.connect(DBNAME) as db:
        return (
            db.execute("SELECT 1 FROM tasks_task WHERE title = %s", [title]).fetchone() is not None
        )


def wait_replayed(standby, title: str) -> None:
    for _ in range(200):  # bounded: 20 s
        if replayed(standby, title):
            return
        time.sleep(0.1)
    raise AssertionError(f"the standby never replayed {title!r}")


def set_replay(standby, paused: bool) -> None:
    with standby.connect(DBNAME) as db:
        db.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")


def search(session: Session, words: str) -> bytes:
    response = session.send("GET", f"/?q={words}", htmx=True)
    assert response.status == 200, response.status
    return response.body


def other_device(session: Session) -> Session:
    """The same person in another browser: logged in (the same session, to save a login), but
    with its own CSRF cookie, and it wrote nothing."""
    other = Session(session.port, https=False)
    other.cookies = {"sessionid": session.cookies["sessionid"]}
    return other


def test_the_writer_reads_its_writes_while_others_search_the_replica(node, standby):
    alice = Session(node.port, https=False)
    alice.signup(f"replica-{time.monotonic_ns()}")
    created = alice.send("POST", "/task/new/", {"title": "Plan round 0"}, htmx=True)
    assert created.status == 200
    assert "tm_wrote" in alice.cookies
    pk = int(ROW_ID.search(created.body)[1])
    wait_replayed(standby, "Plan round 0")
    laptop = other_device(alice)
    assert b"Plan round 0" in search(laptop, "plan")

    set_replay(standby, paused=True)
    try:
        for version in range(1, 11):
            edit = {"title": f"Plan round {version}", "priority": "high", "version": version}
            assert alice.send("POST", f"/task/{pk}/edit/", edit, htmx=True).status == 200
            # The writer, at once: the new title, never the old one.
            mine = search(alice, "plan")
            assert f"Plan round {version}".encode() in mine
            assert f"Plan round {version - 1}".encode() not in mine
            # The same person on a browser that did not write searches the paused replica.
            stale = search(laptop, "plan")
            assert b"Plan round 0" in stale, re.findall(rb"Plan round \d+", stale)
        # Only searches go to the replica: the board without q= is the primary's.
        board = laptop.send("GET", "/", htmx=True)
        assert b"Plan round 10" in board.body
    finally:
        set_replay(standby, paused=False)
    wait_replayed(standby, "Plan round 10")
    assert b"Plan round 10" in search(laptop, "plan")


def test_the_calendar_feed_reads_the_replica(node, standby):
    bob = Session(node.port, https=False)
    bob.signup(f"feed-{time.monotonic_ns()}")
    page = bob.send("POST", "/feeds/on/", htmx=True)
    feed = re.search(rb"/feeds/[A-Za-z0-9_-]+\.ics", page.body)[0].decode()
    created = bob.send(
        "POST", "/task/new/", {"title": "Dentist", "due_date": "2030-01-02", "priority": "medium"}
    )
    assert created.status == 302
    wait_replayed(standby, "Dentist")
    calendar = Session(node.port, https=False)  # a calendar app: no cookies at all
    assert b"SUMMARY:Dentist" in calendar.send("GET", feed).body

    set_replay(standby, paused=True)
    try:
        bob.send(
            "POST",
            "/task/new/",
            {"title": "Haircut", "due_date": "2030-01-03", "priority": "medium"},
        )
        assert b"SUMMARY:Haircut" not in calendar.send("GET", feed).body
    finally:
        set_replay(standby, paused=False)
    wait_replayed(standby, "Haircut")
    assert b"SUMMARY:Haircut" in calendar.send("GET", feed).body


def test_reads_fall_back_to_the_primary_when_the_replica_is_down(node, standby):
    carol = Session(node.port, https=False)
    carol.signup(f"down-{time.monotonic_ns()}")
    page = carol.send("POST", "/feeds/on/", htmx=True)
    feed = re.search(rb"/feeds/[A-Za-z0-9_-]+\.ics", page.body)[0].decode()
    carol.send(
        "POST",
        "/task/new/",
        {"title": "Renew passport", "due_date": "2030-02-01", "priority": "medium"},
    )
    wait_replayed(standby, "Renew passport")
    laptop = other_device(carol)
    assert b"Renew passport" in search(laptop, "renew")  # connected to the replica

    standby.stop("immediate")
    carol.send(
        "POST",
        "/task/new/",
        {"title": "Renew insurance", "due_date": "2030-02-02", "priority": "medium"},
    )
    for _ in range(3):  # the first notices the broken connection, the next skip the replica
        found = search(laptop, "renew")
        assert b"Renew passport" in found and b"Renew insurance" in found
        response = Session(node.port, https=False).send("GET", feed)
        assert response.status == 200
        assert b"SUMMARY:Renew insurance" in response.body
    assert "Read replica unavailable, reading from the primary" in node.log_path.read_text()
