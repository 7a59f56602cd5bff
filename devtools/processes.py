"""Start, watch and stop the processes a production-like run needs, one copy for everyone.

bench/ (the load benchmark), tests/reliability/ (load and faults), tests/test_prod_smoke.py
and scripts/prod-local all run gunicorn with gunicorn.conf.py and the production settings on
loopback, against a PostgreSQL database they may have to create. Everything started here runs
in its own process group so that stopping it also stops gunicorn's workers; callers stop it in
a `finally`.

    python -m devtools.processes create-database URL   # scripts/prod-local's first step
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV", PROJECT / ".venv")) / "bin"

# What a child process may inherit from the caller's environment. Everything else (a
# developer's DEBUG=1, DATABASE_URL, SECRET_KEY, pytest's DJANGO_SETTINGS_MODULE) stays out, so
# the server runs with exactly the production settings production_env() spells out.
INHERITED = {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "VIRTUAL_ENV", "USER"}


class ServerError(RuntimeError):
    """A server exited or never answered its health check; the message ends with its log."""


def free_port(low: int, high: int) -> int:
    """The first port in [low, high] nobody listens on at 127.0.0.1."""
    for port in range(low, high + 1):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise ServerError(f"no free port in {low}-{high}")


def production_env(database_url: str, static_root: Path | None = None, **settings: str) -> dict:
    """The production settings for a server on loopback behind a TLS-terminating proxy.

    DEBUG off, a fresh SECRET_KEY, and the proxy trusted to say the request came over HTTPS
    (send `X-Forwarded-Proto: https`, as nginx does). `settings` overrides or adds variables,
    e.g. SECURE_HTTPS="0" for plain HTTP on loopback (the benchmark).
    """
    env = {name: value for name, value in os.environ.items() if name in INHERITED}
    env |= {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_HTTPS": "1",
        "BEHIND_PROXY": "1",
        "TRUSTED_PROXY_COUNT": "1",
    }
    if static_root is not None:
        env["STATIC_ROOT"] = str(static_root)
    return env | settings


def _postgres_params(database_url: str) -> tuple[dict, str] | None:
    """(psycopg connection parameters without the database, database name), or None."""
    import dj_database_url

    cfg = dj_database_url.parse(database_url)
    if cfg["ENGINE"] != "django.db.backends.postgresql":
        return None
    keys = (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD"))
    return {key: cfg[name] for key, name in keys if cfg.get(name)}, cfg["NAME"]


def create_database(database_url: str) -> bool:
    """Create the PostgreSQL database if it does not exist (the role needs CREATEDB).

    True when it was created; False when it existed or the URL is not PostgreSQL (SQLite
    creates its file on first use).
    """
    found = _postgres_params(database_url)
    if found is None:
        return False
    import psycopg
    from psycopg import sql

    params, name = found
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=10, **params) as db:
        if db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(database_url: str) -> None:
    """Drop a PostgreSQL database, closing its sessions first (nothing for SQLite)."""
    found = _postgres_params(database_url)
    if found is None:
        return
    import psycopg
    from psycopg import sql

    params, name = found
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=10, **params) as db:
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def manage(env: dict, *args: str, timeout: float = 300, quiet: bool = True) -> None:
    """Run manage.py with the project's interpreter; raise if it fails."""
    subprocess.run(  # noqa: S603 - our manage.py
        [str(VENV_BIN / "python"), "manage.py", *args],
        cwd=PROJECT,
        env=env,
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def start(command: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    """Start `command` in the project directory, in a process group of its own, output to log."""
    with log_path.open("ab") as out:
        return subprocess.Popen(  # noqa: S603 - our own servers and scripts
            command,
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def healthy(port: int, timeout: float = 2) -> bool:
    """True when /healthz on 127.0.0.1:port answers 200 (as a proxy would ask: over HTTPS)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
        return conn.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def wait_healthy(process: subprocess.Popen, port: int, log_path: Path, timeout: float) -> None:
    """Wait, boundedly, until the server answers /healthz; raise with its log if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"exited with {process.returncode}:\n{log_tail(log_path)}")
        if healthy(port):
            return
        time.sleep(0.25)
    raise ServerError(f"not healthy after {timeout:.0f} s:\n{log_tail(log_path)}")


def log_tail(log_path: Path, size: int = 3000) -> str:
    with contextlib.suppress(OSError):
        return log_path.read_bytes()[-size:].decode(errors="replace")
    return ""


def child_pids(pid: int) -> list[int]:
    """The direct children of `pid` (a gunicorn master's workers), from /proc."""
    with contextlib.suppress(OSError):
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return []


def stop_process_group(process: subprocess.Popen, grace: float = 30) -> None:
    """SIGTERM to the process group `process` leads (see start()), SIGKILL after `grace` s."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


class Gunicorn:
    """gunicorn -c gunicorn.conf.py on a free loopback port, in its own process group."""

    config = "gunicorn.conf.py"

    def __init__(
        self,
        env: dict,
        log_path: Path,
        ports: tuple[int, int] = (9600, 9699),
        port: int | None = None,
    ):
        # `port` for nodes started together (each would find the same free port) or restarted.
        self.port = port or free_port(*ports)
        self.env = env | {"GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        command = [str(VENV_BIN / "gunicorn"), "-c", str(PROJECT / self.config)]
        self.process = start(command, self.env, self.log_path)
        wait_healthy(self.process, self.port, self.log_path, timeout)

    def workers(self) -> list[int]:
        return child_pids(self.process.pid) if self.process else []

    def signal(self, signum: int) -> None:
        os.kill(self.process.pid, signum)

    def stop(self) -> None:
        if self.process:
            stop_process_group(self.process)


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "create-database":
        if create_database(argv[1]):
            print(f"==> Created database {argv[1].rsplit('/', 1)[-1]}", file=sys.stderr)
        return 0
    print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
