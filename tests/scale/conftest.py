"""One private PostgreSQL cluster and one collectstatic for every test in tests/scale/.

The cluster holds a migrated template database; each module clones it (CREATE DATABASE ...
TEMPLATE: a file copy, not a second migrate). They skip only when the PostgreSQL server
binaries are not installed; CI installs them (and nginx, pgbouncer). Everything started here
is stopped in `finally`.
"""

import shutil

import pytest

from devtools.processes import manage, production_env
from tests.reliability.harness import postgres_bindir
from tests.scale.harness import NGINX, PGBOUNCER, Cluster


@pytest.fixture(scope="session")
def debian_servers():
    """nginx and pgbouncer from Debian's packages (.ci/run installs them)."""
    missing = [name for name, path in (("nginx", NGINX), ("pgbouncer", PGBOUNCER)) if not path]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (apt-get install {' '.join(missing)})")


@pytest.fixture(scope="session")
def cluster():
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    pg = Cluster(bindir)
    try:
        pg.init()
        with pg.connect("postgres") as db:
            db.execute(f'CREATE DATABASE "{Cluster.TEMPLATE}"')
        manage(production_env(pg.url(Cluster.TEMPLATE)), "migrate", "--noinput")
        yield pg
    finally:
        if pg.running():
            pg.stop("immediate")
        pg.remove()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale-static")
    manage(production_env("sqlite:///unused.sqlite3", root), "collectstatic", "--noinput")
    yield root
    shutil.rmtree(root, ignore_errors=True)
