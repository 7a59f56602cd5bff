"""The pieces of a deployment beyond one machine, started on loopback from Debian's packages:
PgBouncer in front of a private PostgreSQL, a hot standby made with pg_basebackup, several
gunicorn nodes, and nginx configured from the project's own compose/nginx files.

Built on tests/reliability/harness.py (PrivatePostgres, the load ledger) and devtools.processes
(gunicorn, process groups). Every process runs in its own process group and is stopped by the
fixtures in conftest.py in a `finally`; every wait is bounded.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from devtools.processes import (
    PROJECT,
    Gunicorn,
    ServerError,
    free_port,
    log_tail,
    production_env,
    start,
    stop_process_group,
)
from tests.reliability.harness import PrivatePostgres

COMPOSE_NGINX = PROJECT / "compose" / "nginx"
# Debian's packages put them in /usr/sbin, which a non-root PATH may lack.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
PGBOUNCER = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")
AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def shared_dir(prefix: str) -> Path:
    """A temporary directory the postgres user can use too (PgBouncer and PostgreSQL run as
    it when we are root); removed by the caller."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o777)
    return root


def wait_listening(port: int, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"exited with {process.returncode}:\n{log_tail(log)}")
        with socket.socket() as probe:
            probe.settimeout(1)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise ServerError(f"not listening on {port} after {timeout:.0f} s:\n{log_tail(log)}")


class Cluster(PrivatePostgres):
    """The private primary: one migrated template database, cloned for each test module."""

    TEMPLATE = "tm_template"

    def clone(self, name: str) -> str:
        """A new database holding every migration, in a moment (CREATE DATABASE ... TEMPLATE)."""
        with self.connect("postgres") as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.TEMPLATE}"')
        return self.url(name)

    def client_backends(self, dbname: str) -> int:
        """Server connections open to `dbname` right now (pg_stat_activity)."""
        with self.connect("postgres") as db:
            return db.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = %s AND backend_type = 'client backend'",
                [dbname],
            ).fetchone()[0]


def make_standby(primary: PrivatePostgres) -> PrivatePostgres:
    """A hot standby of `primary` on another port: pg_basebackup -R, then started."""
    standby = PrivatePostgres(primary.bindir)
    standby.port = free_port(primary.port + 1, 25499)
    standby.data.mkdir(mode=0o700)
    if standby.as_user:
        shutil.chown(standby.data, "postgres", "postgres")
        standby.log.touch()
        shutil.chown(standby.log, "postgres", "postgres")
    standby._run(
        str(primary.bindir / "pg_basebackup"),
        "-h",
        "127.0.0.1",
        "-p",
        str(primary.port),
        "-U",
        "postgres",
        "-D",
        str(standby.data),
        "-R",  # standby.signal and primary_conninfo: start as a streaming hot standby
        "-X",
        "stream",
        "-c",
        "fast",
        "--no-sync",
    )
    standby.start()
    return standby


class PgBouncer:
    """Debian's pgbouncer in transaction pooling mode in front of `cluster`, any database name."""

    def __init__(self, cluster: PrivatePostgres, pool_size: int):
        self.cluster = cluster
        self.pool_size = pool_size
        self.root = shared_dir("taskmanager-pgbouncer-")
        self.port = free_port(26432, 26499)
        self.log = self.root / "pgbouncer.log"
        self.process: subprocess.Popen | None = None

    def url(self, dbname: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def clients(self, dbname: str) -> int:
        """Client connections PgBouncer holds for `dbname` (its admin console's SHOW POOLS)."""
        import psycopg

        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname="pgbouncer", autocommit=True
        ) as console:
            # The console speaks only the simple query protocol: a client-side-binding cursor.
            cursor = psycopg.ClientCursor(console)
            cursor.execute("SHOW POOLS")
            names = [column.name for column in cursor.description]
            return sum(
                row["cl_active"] + row["cl_waiting"] + row.get("cl_idle", 0)
                for row in (dict(zip(names, values, strict=True)) for values in cursor)
                if row["database"] == dbname
            )

    def start(self) -> None:
        config = self.root / "pgbouncer.ini"
        (self.root / "userlist.txt").write_text('"postgres" ""\n')
        config.write_text(
            f"""[databases]
* = host=127.0.0.1 port={self.cluster.port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {self.root}/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = {self.pool_size}
max_client_conn = 400
server_reset_query =
pidfile = {self.root}/pgbouncer.pid
"""
        )
        command = [*AS_POSTGRES, PGBOUNCER, str(config)]
        self.process = start(command, {"PATH": "/usr/sbin:/usr/bin:/bin"}, self.log)
        wait_listening(self.port, self.process, self.log)

    def stop(self) -> None:
        if self.process:
            stop_process_group(self.process, grace=10)
        shutil.rmtree(self.root, ignore_errors=True)


def node_env(database_url: str, static_root: Path, origin: str, **settings: str) -> dict:
    """A node's production settings behind nginx on plain HTTP, on loopback."""
    return (
        production_env(
            database_url,
            static_root,
            SECURE_HTTPS="0",
            # nginx listens on a port of its own: the browser's Origin carries it, Host does not.
            CSRF_TRUSTED_ORIGINS=origin,
            WEB_CONCURRENCY="2",
            GUNICORN_THREADS="2",
            GUNICORN_MAX_REQUESTS="0",
            LOG_LEVEL="WARNING",
            GUNICORN_LOG_LEVEL="warning",
            LOGIN_FAILURE_LIMIT="1000",
        )
        | settings
    )


class Node(Gunicorn):
    """One app node: a gunicorn master and its workers, all in one process group."""

    def kill(self) -> None:
        """SIGKILL the whole node at once, as a crashed machine would stop; return once its
        port refuses connections (the last worker holding the socket is gone)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            for _ in range(100):  # bounded: 10 s
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", self.port)) != 0:
                        return
                time.sleep(0.1)

    def stop(self) -> None:
        # Nothing to finish gracefully after a test: gunicorn's graceful stop takes seconds.
        self.kill()


def start_nodes(nodes: list[Node]) -> None:
    """Start nodes in parallel (each waits for its /healthz), raising the first failure."""
    errors: list[BaseException] = []

    def run(node: Node) -> None:
        try:
            node.start(timeout=90)
        except BaseException as error:  # re-raised below, in the calling thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(node,)) for node in nodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]


# --- nginx from compose/nginx ----------------------------------------------------------------

UPSTREAM_SERVER = re.compile(r"^(\s*)server web:9000(\b[^;]*);$", re.MULTILINE)
# What the test's wrapper logs per request: which node answered (or failed) it.
LOG_FORMAT = "$msec|$request_method|$status|$upstream_addr|$upstream_status"


class Nginx:
    """Debian's nginx with the compose stack's http template and snippets, rewritten only where
    a deployment differs: the upstream's one `server` line becomes one line per node (same
    parameters), paths point into a temporary directory, and it listens on a loopback port."""

    def __init__(self, node_ports: list[int]):
        self.root = shared_dir("taskmanager-nginx-")
        self.port = free_port(27080, 27199)
        self.node_ports = node_ports
        self.log = self.root / "error.log"
        self.access_log = self.root / "access.log"
        self.process: subprocess.Popen | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def render(self) -> Path:
        snippets = self.root / "snippets"
        snippets.mkdir()
        for source in (COMPOSE_NGINX / "snippets").glob("*.conf"):
            text = source.read_text().replace("/etc/nginx/snippets/", f"{snippets}/")
            text = text.replace("/var/cache/nginx/", f"{self.root}/cache/")
            # The locations' own access_log (feed tokens masked) would take the place of the
            # http block's: this test reads which node served each request from its own log.
            text = text.replace(
                "access_log /var/log/nginx/access.log taskmanager;",
                f"access_log {self.access_log} upstreams;",
            )
            if UPSTREAM_SERVER.search(text):
                text = UPSTREAM_SERVER.sub(
                    lambda m: "\n".join(
                        f"{m[1]}server 127.0.0.1:{port}{m[2]};" for port in self.node_ports
                    ),
                    text,
                )
            (snippets / source.name).write_text(text)
        assert "access_log /var/log/" not in "".join(p.read_text() for p in snippets.glob("*.conf"))
        rendered = (snippets / "taskmanager-http.conf").read_text()
        assert rendered.count("server 127.0.0.1:") == len(self.node_ports), (
            "compose/nginx/snippets/taskmanager-http.conf no longer has the "
            "`server web:9000 ...;` line this test turns into one line per node"
        )
        server = (COMPOSE_NGINX / "http" / "default.conf.template").read_text()
        server = server.replace("/etc/nginx/snippets/", f"{snippets}/")
        server = server.replace("${SERVER_NAME}", "_")
        server = re.sub(r"listen \[::\]:80[^;]*;\n", "", server)
        server = server.replace("listen 80 ", f"listen 127.0.0.1:{self.port} ")
        assert f"listen 127.0.0.1:{self.port}" in server
        (self.root / "default.conf").write_text(server)
        temp = self.root / "temp"
        temp.mkdir()
        (self.root / "cache").mkdir()
        main = self.root / "nginx.conf"
        user = "user root;\n" if os.geteuid() == 0 else ""
        main.write_text(
            f"""{user}worker_processes 1;
pid {self.root}/nginx.pid;
error_log {self.log} warn;
events {{ worker_connections 512; }}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    log_format upstreams '{LOG_FORMAT}';
    access_log {self.access_log} upstreams;
    include {self.root}/default.conf;
}}
"""
        )
        return main

    def start(self) -> None:
        main = self.render()
        command = [NGINX, "-p", str(self.root), "-e", str(self.log), "-c", str(main)]
        checked = subprocess.run(  # noqa: S603 - Debian's nginx, our config
            [*command, "-t"], capture_output=True, text=True, timeout=30, check=False
        )
        if checked.returncode:
            raise ServerError(f"nginx -t failed:\n{checked.stderr}")
        self.process = start([*command, "-g", "daemon off;"], dict(os.environ), self.log)
        wait_listening(self.port, self.process, self.log)

    def requests(self) -> list[tuple[float, str, int, str]]:
        """(wall-clock time, method, status, upstream address(es)) per request nginx logged;
        a request passed on to a next node lists both addresses ("a:1, b:2")."""
        rows = []
        for line in self.access_log.read_text().splitlines():
            when, method, status, upstream, _ = line.split("|")
            rows.append((float(when), method, int(status), upstream))
        return rows

    def stop(self) -> None:
        if self.process:
            stop_process_group(self.process, grace=10)
        shutil.rmtree(self.root, ignore_errors=True)
