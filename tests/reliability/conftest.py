"""A private PostgreSQL cluster and a production-configured gunicorn, shared by the fault tests.

They skip only when the PostgreSQL server binaries (initdb, pg_ctl) are not installed; CI
installs them. Everything started here is stopped in `finally`, whatever the tests did.
"""

import pytest

from devtools.processes import Gunicorn, manage
from tests.reliability.harness import PrivatePostgres, postgres_bindir, server_env


@pytest.fixture(scope="session")
def private_postgres(tmp_path_factory):
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    pg = PrivatePostgres(bindir)
    try:
        pg.init()
        with pg.connect("postgres") as db:
            db.execute("CREATE DATABASE taskmanager")
        yield pg
    finally:
        if pg.running():
            pg.stop("immediate")
        pg.remove()


@pytest.fixture(scope="session")
def server(private_postgres, tmp_path_factory):
    root = tmp_path_factory.mktemp("gunicorn")
    env = server_env(private_postgres.url(), root / "static")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    gunicorn = Gunicorn(env, root / "gunicorn.log")
    try:
        gunicorn.start()
        yield gunicorn
    finally:
        gunicorn.stop()
