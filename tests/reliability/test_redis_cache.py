"""A shared cache: with CACHE_URL=redis://... every cache the app uses (rendered rows, lists and
pages, the sidebar, the calendar feed's bodies) lives in Redis, and the cache tests pass there
as they do in memory (issue 29, item 4).

A Redis server from Debian's redis-server package, started here on a free loopback port with no
persistence, runs the cache tests in a pytest of their own (the settings read CACHE_URL once,
at startup); skipped only when redis-server is not installed (CI installs it).
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.processes import free_port

PROJECT = Path(__file__).resolve().parents[2]
# Every test file that renders through the caches or asserts what they keep.
CACHE_TESTS = [
    "tests/test_list_cache.py",
    "tests/test_row_cache.py",
    "tests/test_sidebar_cache.py",
    "tests/test_visibility.py",
    "tests/test_feed_safety.py",
    "tests/test_kanban.py",
    "tests/test_login_throttling.py",
]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port(6400, 6499)
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(  # noqa: S603 - the Debian binary, fixed arguments
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        cli = shutil.which("redis-cli")
        while time.monotonic() < deadline:
            ping = subprocess.run(  # noqa: S603 - redis-cli, fixed arguments
                [cli, "-p", str(port), "ping"], capture_output=True, text=True, check=False
            )
            if ping.stdout.strip() == "PONG":
                break
            time.sleep(0.1)
        else:
            pytest.fail("redis-server did not answer within 20 s")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_cache_tests_pass_with_every_cache_in_redis(redis_url):
    env = os.environ | {"CACHE_URL": redis_url}
    env.pop("PYTEST_XDIST_WORKER", None)
    # On SQLite: with the outer run's DATABASE_URL this pytest would create and then drop the
    # outer run's own test database (test_taskmanager) under the browser tests still to come.
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *CACHE_TESTS],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_the_settings_put_every_cache_in_redis(redis_url):
    code = (
        "import django; django.setup(); from django.core.cache import caches; "
        "print(sorted({type(caches[a]).__name__ for a in ('default', 'rows', 'pages', 'feeds')}))"
    )
    env = os.environ | {"CACHE_URL": redis_url, "DJANGO_SETTINGS_MODULE": "taskmanager.settings"}
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT / "src"), env.get("PYTHONPATH", "")])
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "['RedisCache']", result.stderr[-2000:]
