"""Settings from the environment: typed helpers, the production key guard, DATABASE_URL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from taskmanager import settings as project_settings

PROJECT = Path(__file__).resolve().parent.parent
REAL_KEY = "a-real-production-secret-key-that-is-long-and-random-0123456789"
SHOW = (
    "import json, taskmanager.settings as s; d = s.DATABASES['default']; "
    "print(json.dumps({'DEBUG': s.DEBUG, 'ENGINE': d['ENGINE'], 'NAME': str(d['NAME']), "
    "'HOST': d.get('HOST'), 'PORT': d.get('PORT'), 'USER': d.get('USER'), "
    "'SECRET_KEY': s.SECRET_KEY, 'ALLOWED_HOSTS': s.ALLOWED_HOSTS}))"
)


def load_settings(**env):
    """Import the settings module in a fresh interpreter with exactly `env` (plus basics)."""
    base = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT / "src"),
        # Set explicitly so a developer's .env (read with override=False) cannot leak in.
        "DEBUG": "0",
        "SECRET_KEY": REAL_KEY,
        "SECRET_KEY_FILE": "",
        "ALLOW_DEV_SECRET_KEY": "0",
        "DATABASE_URL": "",
    }
    return subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", SHOW],
        env=base | env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def loaded(**env) -> dict:
    result = load_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_refuses_to_start_with_debug_off_and_no_secret_key():
    result = load_settings(DEBUG="0", SECRET_KEY="")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "set SECRET_KEY" in result.stderr


def test_it_refuses_to_start_with_debug_off_and_the_development_key():
    result = load_settings(DEBUG="false", SECRET_KEY=project_settings.DEV_SECRET_KEY)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_it_starts_in_debug_with_the_development_key():
    assert loaded(DEBUG="1", SECRET_KEY="")["SECRET_KEY"] == project_settings.DEV_SECRET_KEY


def test_it_starts_in_production_with_a_real_key():
    values = loaded(DEBUG="0", SECRET_KEY=REAL_KEY)

    assert values["DEBUG"] is False
    assert values["SECRET_KEY"] == REAL_KEY


def test_it_reads_the_secret_key_from_a_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text(REAL_KEY + "-from-file\n")

    assert loaded(SECRET_KEY="", SECRET_KEY_FILE=str(secret))["SECRET_KEY"] == (
        REAL_KEY + "-from-file"
    )


def test_it_refuses_an_unreadable_secret_key_file(tmp_path):
    result = load_settings(SECRET_KEY_FILE=str(tmp_path / "missing"))

    assert result.returncode != 0
    assert "SECRET_KEY_FILE" in result.stderr and "cannot be read" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "yes please", "tru"])
def test_it_refuses_a_garbage_debug_value(value):
    result = load_settings(DEBUG=value)

    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG must be a boolean" in result.stderr


def test_it_defaults_to_a_sqlite_file_in_the_project():
    values = loaded(DATABASE_URL="")

    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"] == str(PROJECT / "db.sqlite3")


def test_it_parses_a_postgres_database_url():
    values = loaded(DATABASE_URL="postgres://tm:s3cret@db.example:6543/tasks")

    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert (values["USER"], values["HOST"], values["PORT"], values["NAME"]) == (
        "tm",
        "db.example",
        6543,
        "tasks",
    )


def test_it_parses_a_sqlite_database_url(tmp_path):
    values = loaded(DATABASE_URL=f"sqlite:///{tmp_path}/other.sqlite3")

    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"] == f"{tmp_path}/other.sqlite3"


@pytest.mark.parametrize("url", ["not-a-url", "nosuchdb://x/y"])
def test_it_refuses_a_garbage_database_url_with_a_clear_message(url):
    result = load_settings(DATABASE_URL=url)

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not a valid database URL" in result.stderr


def test_it_reads_allowed_hosts_as_a_comma_separated_list():
    assert loaded(ALLOWED_HOSTS=" tasks.example , ,www.tasks.example")["ALLOWED_HOSTS"] == [
        "tasks.example",
        "www.tasks.example",
    ]


# --- the helpers, in process ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        (" Yes ", True),
        ("ON", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("TM_TEST_FLAG", raw)

    assert project_settings.env_bool("TM_TEST_FLAG", not expected) is expected


def test_env_bool_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("TM_TEST_FLAG", raising=False)

    assert project_settings.env_bool("TM_TEST_FLAG", True) is True


@pytest.mark.parametrize("raw", ["maybe", "2", "enabled", "y e s"])
def test_env_bool_raises_on_garbage(monkeypatch, raw):
    monkeypatch.setenv("TM_TEST_FLAG", raw)

    with pytest.raises(ImproperlyConfigured, match="TM_TEST_FLAG must be a boolean"):
        project_settings.env_bool("TM_TEST_FLAG", False)


def test_env_int_reads_integers_and_raises_on_garbage(monkeypatch):
    monkeypatch.setenv("TM_TEST_INT", "42")
    assert project_settings.env_int("TM_TEST_INT", 1) == 42

    monkeypatch.setenv("TM_TEST_INT", "forty-two")
    with pytest.raises(ImproperlyConfigured, match="TM_TEST_INT must be an integer"):
        project_settings.env_int("TM_TEST_INT", 1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("TM_TEST_LIST", "a, b,,c ")

    assert project_settings.env_list("TM_TEST_LIST", []) == ["a", "b", "c"]
