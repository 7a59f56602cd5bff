"""scripts/run starts the worker beside the web server, and one Ctrl+C stops both (slow tier)."""

import os
import signal
import subprocess
import time
import urllib.request

from devtools.processes import PROJECT, free_port


def group(pid: int) -> str:
    """The commands still running in the session `pid` leads. An exited child whose parent is
    gone waits as a zombie for PID 1 to reap it, which a container's PID 1 may never do: it runs
    nothing, so it is left out."""
    ps = subprocess.run(["ps", "-o", "stat=,cmd=", "-g", str(pid)], capture_output=True, text=True)  # noqa: S603, S607
    lines = (line.split(None, 1) for line in ps.stdout.splitlines() if line.strip())
    return "\n".join(cmd for stat, *cmd in lines for cmd in cmd if not stat.startswith("Z"))


def answers(port: int) -> bool:
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).status == 200
    except OSError:
        return False


def test_it_starts_the_worker_with_the_web_server_and_one_ctrl_c_stops_both(tmp_path):
    port = free_port(9180, 9280)
    env = dict(
        os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", PORT=str(port), DEBUG="1"
    )
    log = (tmp_path / "run.log").open("w")
    # As from a terminal: SIGINT at its default (a background test runner may ignore it).
    process = subprocess.Popen(  # noqa: S603
        [str(PROJECT / "scripts" / "run")],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 120
        while not answers(port) and time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "run.log").read_text()
            time.sleep(0.5)
        running = group(process.pid)
        assert "manage.py runserver" in running
        assert "manage.py db_worker" in running
        os.killpg(process.pid, signal.SIGINT)  # the terminal's Ctrl+C: the whole group
        process.wait(timeout=30)
        time.sleep(0.5)
        assert group(process.pid).strip() == ""
    finally:
        if process.poll() is None or group(process.pid).strip():
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()
