"""The WSGI module gunicorn loads (taskmanager.wsgi)."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PROBE = (
    "import gc, json; before = gc.get_freeze_count(); import taskmanager.wsgi as w; "
    "print(json.dumps({'before': before, 'frozen': gc.get_freeze_count(), "
    "'tracked': len(gc.get_objects()), 'app': type(w.application).__name__}))"
)


def test_loading_the_app_freezes_the_startup_objects_so_full_collections_skip_them():
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT / "src"),
        "DJANGO_SETTINGS_MODULE": "taskmanager.settings",
        "DEBUG": "1",
        "DATABASE_URL": "",
    }
    result = subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", PROBE],
        env=env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["app"] == "WSGIHandler"
    assert found["before"] == 0
    # Django and the apps: tens of thousands of objects, all frozen; what is still tracked
    # is what importing this probe made afterwards, a small fraction.
    assert found["frozen"] > 20_000
    assert found["tracked"] < found["frozen"] / 5
