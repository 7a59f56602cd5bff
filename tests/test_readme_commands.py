"""The commands the README shows work as written in a fresh clone (subprocesses, a few seconds).

Each runs with a clean environment (no DEBUG, no SECRET_KEY: nothing configured yet) against a
throwaway SQLite file, as on a machine where someone just ran `scripts/run` once.
"""

import ast
import importlib.metadata
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)


@pytest.fixture
def fresh_clone_env(tmp_path) -> dict[str, str]:
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    env = {name: value for name, value in os.environ.items() if name in keep}
    return env | {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}


def run(env: dict, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own scripts and manage.py
        command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=180, check=False
    )


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return run(env, str(PYTHON), "manage.py", *args)


def debug_setting(env: dict) -> str:
    done = manage(
        env, "shell", "--no-imports", "-c", "from django.conf import settings as s; print(s.DEBUG)"
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_manage_py_seeds_tasks_as_the_readme_shows_without_any_configuration(fresh_clone_env):
    assert manage(fresh_clone_env, "migrate", "--verbosity", "0").returncode == 0

    done = manage(fresh_clone_env, "seed_tasks", "--user", "reader", "--count", "5")

    assert done.returncode == 0, done.stderr[-2000:]
    assert "Created 5 tasks for reader" in done.stdout


def test_manage_py_keeps_the_settings_of_a_configured_machine(fresh_clone_env):
    assert debug_setting(fresh_clone_env) == "True"  # nothing configured: development
    key = {"SECRET_KEY": "a-real-key-" + "x7Qp2vR8sT4wY6zA1bC3dE5fG7hJ9mN0oP2qR4sT6uV8wX0y"}
    assert debug_setting(fresh_clone_env | key) == "False"
    assert debug_setting(fresh_clone_env | key | {"DEBUG": "0"}) == "False"


def demo_password_hash(database: Path) -> str:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT password FROM auth_user WHERE username = 'demo'").fetchone()[0]


def test_scripts_run_creates_the_demo_account_once_and_then_keeps_its_password(
    fresh_clone_env, tmp_path
):
    assert manage(fresh_clone_env, "migrate", "--verbosity", "0").returncode == 0
    step = ["bash", "-c", "source scripts/lib.sh && ensure_demo_account"]

    first = run(fresh_clone_env | {"DEMO_PASSWORD": "first-Password-42"}, *step)
    created = demo_password_hash(tmp_path / "db.sqlite3")
    again = run(fresh_clone_env | {"DEMO_PASSWORD": "second-Password-42"}, *step)

    assert first.returncode == 0, first.stderr
    assert again.returncode == 0, again.stderr
    # The same hash: sessions (tied to it) survive a restart, and a chosen password stays.
    assert demo_password_hash(tmp_path / "db.sqlite3") == created
    script = (PROJECT / "scripts" / "run").read_text()
    assert "ensure_demo_account" in script
    assert "manage.py seed_demo" not in script


def third_party_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    # Our own packages: the Django apps under src/ and the top-level tool folders.
    apps = {path.parent.name for path in (PROJECT / "src").glob("*/apps.py")}
    ours = {"bench", "devtools", "taskmanager", "tests"} | apps
    return names - set(sys.stdlib_module_names) - ours - {"__future__"}


def test_bench_runs_with_the_runtime_venv_scripts_run_creates():
    """bench/run uses the .venv of scripts/run, which installs requirements.txt only."""
    pinned = {
        re.split(r"[\[=<>~ ]", line, maxsplit=1)[0].lower().replace("_", "-")
        for line in (PROJECT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "-"))
    }
    distributions = importlib.metadata.packages_distributions()
    sources = [*(PROJECT / "bench").glob("*.py"), *(PROJECT / "devtools").glob("*.py")]
    assert len(sources) >= 6
    for source in sources:
        for module in third_party_imports(source):
            provided_by = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
            assert provided_by & pinned, f"{source.name} imports {module}, not in requirements.txt"
