"""A deploy's migration does not take the site down: while `manage.py migrate_locked` runs a
slow migration of the next release (tests/scale/slowmigration), the node running the current
release answers /healthz, the board and a new task, every time. The rule that keeps the old
code working on the new schema is checked by tests/test_migration_rules.py.
"""

import os
import re
import shutil
import subprocess
import threading
import time

import pytest

from devtools.processes import PROJECT, VENV_BIN, free_port, production_env
from tests.reliability.harness import Session
from tests.scale.harness import Node, node_env

DBNAME = "migrating"


@pytest.fixture(scope="module")
def node(cluster, static_root, tmp_path_factory):
    root = tmp_path_factory.mktemp("migrating-node")
    cluster.clone(DBNAME)
    port = free_port(9850, 9899)
    env = node_env(cluster.url(DBNAME), static_root, f"http://127.0.0.1:{port}")
    started = Node(env | {"WEB_CONCURRENCY": "1"}, root / "node.log", port=port)
    try:
        started.start(timeout=90)
        yield started
    finally:
        started.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_the_site_answers_while_the_next_release_migrates(cluster, node):
    person = Session(node.port, https=False)
    person.signup(f"deploy-{time.monotonic_ns()}")
    for n in range(50):
        person.send("POST", "/task/new/", {"title": f"Before the deploy {n}"}, htmx=True)
    answers: list[tuple[float, str, int | None]] = []
    stop = threading.Event()

    def poll():
        for n in range(600):  # bounded: a minute at most
            if stop.is_set():
                return
            for what, method, path, data in (
                ("healthz", "GET", "/healthz", None),
                ("board", "GET", "/", None),
                ("write", "POST", "/task/new/", {"title": f"During the deploy {n}"}),
            ):
                try:
                    status = person.send(method, path, data, htmx=True, timeout=10).status
                except OSError:
                    status = None
                answers.append((time.monotonic(), what, status))
            time.sleep(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    time.sleep(0.5)
    env = production_env(cluster.url(DBNAME)) | {
        "DJANGO_SETTINGS_MODULE": "tests.scale.migrating_settings"
    }
    started = time.monotonic()
    migrated = subprocess.run(  # noqa: S603 - our manage.py
        [str(VENV_BIN / "python"), "manage.py", "migrate_locked"],
        cwd=PROJECT,
        env={**env, "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    ended = time.monotonic()
    time.sleep(0.5)
    stop.set()
    poller.join(timeout=30)

    assert migrated.returncode == 0, migrated.stderr
    assert re.search(r"Applying slowmigration.0001_backfill...\s*OK", migrated.stdout)
    assert ended - started >= 4
    during = [a for a in answers if started <= a[0] <= ended]
    assert {what for _, what, _ in during} == {"healthz", "board", "write"}
    assert len(during) >= 15, len(during)
    assert all(status == 200 for _, _, status in answers), [a for a in answers if a[2] != 200]
    with cluster.connect(DBNAME) as db:
        copied = db.execute("SELECT count(*) FROM slowmigration_backfill").fetchone()[0]
    assert copied >= 50
    print(f"\nzero downtime: migrate took {ended - started:.1f} s, {len(during)} answers during it")
