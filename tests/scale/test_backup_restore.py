"""The backup and restore drill: scripts/backup on a seeded database with attachment files,
scripts/restore into a fresh database, and the restored site works (login, a task page, the
calendar feed, a new task). The times printed are the recovery figures in docs/deploy.md.
"""

import json
import os
import shutil
import subprocess
import time

import pytest
from psycopg import sql

from devtools.processes import PROJECT, free_port, manage, production_env
from tests.reliability.harness import ROW_ID, Session
from tests.scale.harness import Node, node_env

SOURCE, RESTORED = "backup_source", "backup_restored"
OWNER, PASSWORD = "drill", "Drill-passphrase-5f1c"
TASKS = 20_000
SEED = f"""
import json
from django.contrib.auth import get_user_model
from feeds.models import CalendarFeed
from tasks.models import Task
owner = get_user_model().objects.get(username="{OWNER}")
task = Task.objects.filter(user=owner, due_date__isnull=False, completed_at=None).first()
print(json.dumps({{"token": CalendarFeed.turn_on(owner), "task": task.pk, "title": task.title}}))
"""


def script(name: str, env: dict, *args: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603 - our own scripts
        [str(PROJECT / "scripts" / name), *args],
        cwd=PROJECT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done, time.monotonic() - started


def row_counts(cluster, dbname: str) -> dict[str, int]:
    with cluster.connect(dbname) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        count = sql.SQL("SELECT count(*) FROM {}")
        return {t: db.execute(count.format(sql.Identifier(t))).fetchone()[0] for t in tables}


@pytest.fixture(scope="module")
def seeded(cluster, tmp_path_factory):
    """The source database: TASKS tasks with projects and tags, a feed, attachment files."""
    cluster.clone(SOURCE)
    env = production_env(cluster.url(SOURCE))
    manage(env, "seed_tasks", "--user", OWNER, "--password", PASSWORD, "--count", str(TASKS),
           "--projects", "8", "--tags", "12", "--seed", "29")  # fmt: skip
    shown = subprocess.run(  # noqa: S603 - our manage.py
        [str(PROJECT / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", SEED],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    media = tmp_path_factory.mktemp("media")
    (media / "attachments" / "2026").mkdir(parents=True)
    (media / "attachments" / "2026" / "plan.pdf").write_bytes(b"%PDF-1.4 drill\n" * 100)
    return json.loads(shown.stdout.strip().splitlines()[-1]) | {"media": media}


def test_a_backup_restores_into_a_fresh_database_that_serves_the_site(
    cluster, seeded, static_root, tmp_path
):
    backups, media_restored = tmp_path / "backups", tmp_path / "media"
    source_env = {"DATABASE_URL": cluster.url(SOURCE), "MEDIA_ROOT": str(seeded["media"])}
    backed_up, backup_seconds = script("backup", source_env, str(backups))
    assert backed_up.returncode == 0, backed_up.stderr
    backup = backed_up.stdout.strip()
    assert sorted(os.listdir(backup)) == ["SHA256SUMS", "database.dump", "media.tar.gz"]

    with cluster.connect("postgres") as db:
        db.execute(f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{RESTORED}"')
    target_env = {"DATABASE_URL": cluster.url(RESTORED), "MEDIA_ROOT": str(media_restored)}
    restored, restore_seconds = script("restore", target_env, backup)
    assert restored.returncode == 0, restored.stderr

    # Every table, row for row, and the attachment files byte for byte.
    counts = row_counts(cluster, SOURCE)
    assert counts["tasks_task"] >= TASKS
    assert row_counts(cluster, RESTORED) == counts
    assert (media_restored / "attachments/2026/plan.pdf").read_bytes() == (
        seeded["media"] / "attachments/2026/plan.pdf"
    ).read_bytes()

    # Restoring again over it is refused: a mistyped URL never overwrites live data.
    again, _ = script("restore", target_env, backup)
    assert again.returncode != 0
    assert "already has" in again.stderr and "--force" in again.stderr
    assert row_counts(cluster, RESTORED)["tasks_task"] == counts["tasks_task"]

    # The restored database serves the site: login, a task page, the feed, a new task.
    port = free_port(9900, 9999)
    env = node_env(cluster.url(RESTORED), static_root, f"http://127.0.0.1:{port}")
    node = Node(env | {"WEB_CONCURRENCY": "1"}, tmp_path / "node.log", port=port)
    try:
        started = time.monotonic()
        node.start(timeout=90)
        serving_seconds = time.monotonic() - started
        owner = Session(port, https=False)
        owner.login(OWNER, PASSWORD)
        page = owner.send("GET", f"/task/{seeded['task']}/")
        assert page.status == 200
        assert seeded["title"].encode() in page.body
        feed = Session(port, https=False).send("GET", f"/feeds/{seeded['token']}.ics")
        assert feed.status == 200
        assert feed.body.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in feed.body
        created = owner.send("POST", "/task/new/", {"title": "After the restore"}, htmx=True)
        assert created.status == 200 and ROW_ID.search(created.body)  # sequences restored too
    finally:
        node.stop()
    dump_mb = os.path.getsize(os.path.join(backup, "database.dump")) / 1e6
    print(
        f"\nbackup/restore drill, {counts['tasks_task']} tasks, {sum(counts.values())} rows, "
        f"dump {dump_mb:.1f} MB: backup {backup_seconds:.1f} s, restore {restore_seconds:.1f} s, "
        f"node serving {serving_seconds:.1f} s after"
    )
    shutil.rmtree(backups, ignore_errors=True)
