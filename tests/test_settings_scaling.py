"""Settings for running beyond one machine: PgBouncer and a read replica (docs/scaling.md)."""

import json
import subprocess
import sys

from tests.test_settings import PROJECT, REAL_KEY

SHOW = (
    "import json, taskmanager.settings as s; "
    "print(json.dumps({'DATABASES': s.DATABASES, "
    "'ROUTERS': getattr(s, 'DATABASE_ROUTERS', []), 'PGBOUNCER': s.DATABASE_PGBOUNCER}, "
    "default=str))"
)
PRIMARY = "postgres://tm:pw@db.example:5432/tasks"


def load(script: str, **env) -> subprocess.CompletedProcess:
    """Run `script` in a fresh interpreter with production basics, the primary and `env`."""
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", script],
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(PROJECT / "src"),
            "DEBUG": "0",
            "SECRET_KEY": REAL_KEY,
            "DATABASE_URL": PRIMARY,
        }
        | env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def databases(**env) -> dict:
    result = load(SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_keeps_prepared_statements_and_server_side_cursors_without_pgbouncer():
    values = databases()

    default = values["DATABASES"]["default"]
    assert values["PGBOUNCER"] is False
    assert default["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert "prepare_threshold" not in default.get("OPTIONS", {})


def test_it_turns_off_server_side_cursors_and_prepared_statements_behind_pgbouncer():
    values = databases(DATABASE_PGBOUNCER="1")

    default = values["DATABASES"]["default"]
    assert values["PGBOUNCER"] is True
    assert default["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert default["OPTIONS"]["prepare_threshold"] is None


def test_it_keeps_the_pool_option_behind_pgbouncer():
    default = databases(DATABASE_PGBOUNCER="1", DATABASE_POOL="1")["DATABASES"]["default"]

    assert default["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 4}
    assert default["OPTIONS"]["prepare_threshold"] is None


def test_it_has_one_database_and_no_router_without_a_replica():
    values = databases()

    assert list(values["DATABASES"]) == ["default"]
    assert values["ROUTERS"] == []


def test_it_adds_the_replica_with_the_primarys_options_and_the_router():
    values = databases(
        DATABASE_REPLICA_URL="postgres://tm:pw@standby.example:5433/tasks", DATABASE_PGBOUNCER="1"
    )

    replica = values["DATABASES"]["replica"]
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == ("standby.example", 5433, "tasks")
    assert replica["OPTIONS"] == {"prepare_threshold": None, "connect_timeout": 2}
    assert replica["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert replica["CONN_MAX_AGE"] == values["DATABASES"]["default"]["CONN_MAX_AGE"]
    # Tests have no standby: the test database stands in for it.
    assert replica["TEST"]["MIRROR"] == "default"
    assert values["ROUTERS"] == ["taskmanager.replica.ReplicaRouter"]


def test_it_refuses_a_replica_that_is_not_postgresql():
    result = load(
        "import taskmanager.settings", DATABASE_REPLICA_URL="sqlite:////tmp/replica.sqlite3"
    )

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL needs PostgreSQL" in result.stderr
