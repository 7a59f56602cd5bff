"""The whole unit tier, once, through PgBouncer in transaction pooling mode (DATABASE_PGBOUNCER=1).

Each test's transaction goes to whichever of the pool's server connections is free, as a web
request's would: anything in the app that leans on session state (a prepared statement, a
server-side cursor, a session-level lock or setting) fails here. It runs as its own pytest,
on both cores like `scripts/test --fast`, against the package's private cluster; the test
databases are kept (--reuse-db) because PgBouncer's idle server connections to them would
block DROP DATABASE, and the cluster goes away at the end anyway.
"""

import os
import re
import subprocess

import pytest

from devtools.processes import PROJECT, VENV_BIN, log_tail
from tests.scale.harness import PgBouncer


@pytest.fixture
def bouncer(cluster, debian_servers):
    started = PgBouncer(cluster, pool_size=6)
    try:
        started.start()
        yield started
    finally:
        started.stop()


def test_the_unit_tier_passes_through_pgbouncer(bouncer, tmp_path):
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")}
    env |= {"DATABASE_URL": bouncer.url("taskmanager"), "DATABASE_PGBOUNCER": "1"}
    log = tmp_path / "unit-tier.log"
    with log.open("wb") as out:
        done = subprocess.run(  # noqa: S603 - our own test suite
            [
                str(VENV_BIN / "pytest"),
                "-m",
                "not e2e and not slow",
                "-n",
                "2",
                "--reuse-db",
                "-p",
                "no:cacheprovider",
                "-q",
                "--no-header",
            ],
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=900,
            check=False,
        )
    summary = log_tail(log, 6000)
    assert done.returncode == 0, summary
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed[1]) > 900, summary
    assert "failed" not in summary.splitlines()[-1]
    print(f"\nunit tier through PgBouncer: {summary.splitlines()[-1]}")
