"""Structure of the Docker image and compose stack, checked without a Docker engine.

No engine runs here, so these tests read the files: the compose file as YAML (PyYAML), the
Dockerfile instruction by instruction, the nginx config's directives and the env example.
"""

import json
import re
import runpy
import shlex
import stat
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_DIR = ROOT / "compose"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((COMPOSE_DIR / "docker-compose.yml").read_text())


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    text = re.sub(r"^\s*#.*\n", "", text, flags=re.M)
    text = re.sub(r"\\\n", " ", text)
    result = []
    for line in text.splitlines():
        if line.strip():
            instruction, _, args = line.strip().partition(" ")
            result.append((instruction.upper(), args.strip()))
    return result


def stages() -> list[list[tuple[str, str]]]:
    result: list[list[tuple[str, str]]] = []
    for instruction, args in dockerfile_instructions():
        if instruction == "FROM":
            result.append([])
        if result:
            result[-1].append((instruction, args))
    return result


# --- compose --------------------------------------------------------------------------------------


def test_it_defines_web_db_and_an_optional_nginx(compose):
    services = compose["services"]
    assert set(services) == {"web", "db", "nginx"}
    assert services["nginx"]["profiles"] == ["nginx"]
    assert "profiles" not in services["web"]
    assert "profiles" not in services["db"]


def test_it_runs_postgres_15_with_the_named_database_user_and_volume(compose):
    db = compose["services"]["db"]
    assert db["image"] == "postgres:15-alpine"
    env = db["environment"]
    assert env["POSTGRES_DB"] == "taskmanager_db"
    assert env["POSTGRES_USER"] == "taskmanager_user"
    # From the env file, and compose refuses to start without it.
    assert env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert "postgres_data:/var/lib/postgresql/data" in db["volumes"]
    assert "postgres_data" in compose["volumes"]
    assert "ports" not in db  # only reachable from the compose network


def test_it_health_checks_the_database_with_pg_isready(compose):
    check = compose["services"]["db"]["healthcheck"]
    command = " ".join(check["test"])
    assert "pg_isready" in command
    assert "-U taskmanager_user" in command
    assert "-d taskmanager_db" in command
    assert check["retries"] >= 3


def test_it_starts_web_only_once_the_database_is_healthy(compose):
    web = compose["services"]["web"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    nginx = compose["services"]["nginx"]
    assert nginx["depends_on"]["web"]["condition"] == "service_healthy"


def test_it_builds_web_from_the_dockerfile_and_points_it_at_the_db(compose):
    web = compose["services"]["web"]
    assert web["build"]["context"] == ".."
    assert (COMPOSE_DIR / web["build"]["context"] / web["build"]["dockerfile"]).is_file()
    assert web["env_file"] == ".env"
    url = web["environment"]["DATABASE_URL"]
    assert url == "postgres://taskmanager_user:${POSTGRES_PASSWORD}@db:5432/taskmanager_db"
    assert web["ports"] == ["${WEB_PUBLISH:-9000}:9000"]


def test_it_health_checks_web_on_healthz(compose):
    check = compose["services"]["web"]["healthcheck"]
    assert check["test"][0] == "CMD"
    assert "http://127.0.0.1:9000/healthz" in " ".join(check["test"])
    assert "healthz" in " ".join(compose["services"]["nginx"]["healthcheck"]["test"])


def test_it_gives_gunicorn_time_for_a_graceful_shutdown(compose):
    web = compose["services"]["web"]
    grace = int(web["stop_grace_period"].rstrip("s"))
    conf = (ROOT / "gunicorn.conf.py").read_text()
    graceful = int(re.search(r'"GUNICORN_GRACEFUL_TIMEOUT", "(\d+)"', conf)[1])
    assert grace > graceful
    assert web["init"] is True


def test_it_mounts_the_nginx_config_that_exists(compose):
    nginx = compose["services"]["nginx"]
    volumes = nginx["volumes"]
    assert "./nginx/${NGINX_MODE:-http}:/etc/nginx/templates:ro" in volumes
    assert "./nginx/snippets:/etc/nginx/snippets:ro" in volumes
    for mode in ("http", "https"):
        assert (COMPOSE_DIR / "nginx" / mode / "default.conf.template").is_file()
    assert set(nginx["ports"]) == {"80:80", "443:443"}


def test_it_lists_every_variable_compose_interpolates_in_the_env_example(compose):
    text = (COMPOSE_DIR / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z_]+)", text))
    example = (COMPOSE_DIR / ".env.example").read_text()
    defined = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.M))
    assert used - {"WEB_IMAGE", "ACME_WEBROOT"} <= defined
    assert {"SECRET_KEY", "POSTGRES_PASSWORD", "ALLOWED_HOSTS"} <= defined


def test_it_keeps_real_env_files_out_of_git_and_the_image():
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    ignored = dockerignore()
    for entry in (".env", "**/.env", ".git", ".venv", "tests", "*.sqlite3"):
        assert entry in ignored


# --- nginx ---------------------------------------------------------------------------------------


def nginx_text() -> str:
    parts = sorted((COMPOSE_DIR / "nginx").rglob("*.conf*"))
    return "\n".join(p.read_text() for p in parts)


@pytest.mark.parametrize(
    "path", sorted(p.relative_to(COMPOSE_DIR) for p in (COMPOSE_DIR / "nginx").rglob("*.conf*"))
)
def test_it_writes_nginx_files_with_balanced_blocks(path):
    text = re.sub(r"#.*", "", (COMPOSE_DIR / path).read_text())
    text = re.sub(r'"[^"]*"', '""', text)
    text = re.sub(r"\$\{[A-Z_]+\}", "VALUE", text)  # template variables, filled in by envsubst
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    # Every directive ends with ; (it may span lines); only a block's name precedes a {.
    pieces = re.split(r"([{}])", text)
    for i in range(0, len(pieces), 2):
        tail = pieces[i].rsplit(";", 1)[-1].strip()
        opens_block = i + 1 < len(pieces) and pieces[i + 1] == "{"
        assert bool(tail) == opens_block, f"missing ; or block name near {tail!r}"


def test_it_proxies_to_web_with_the_real_client_address():
    text = nginx_text()
    assert "server web:9000;" in text
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "proxy_set_header Host $host;" in text


def test_it_compresses_limits_request_size_and_caches_hashed_static_files():
    text = nginx_text()
    assert "gzip on;" in text
    assert re.search(r"client_max_body_size \d+[km];", text)
    assert 'add_header Cache-Control "public, max-age=31536000, immutable" always;' in text
    assert "proxy_cache taskmanager_static;" in text


def test_it_takes_certificate_paths_from_the_environment():
    https = (COMPOSE_DIR / "nginx" / "https" / "default.conf.template").read_text()
    assert "ssl_certificate ${TLS_CERTIFICATE};" in https
    assert "ssl_certificate_key ${TLS_CERTIFICATE_KEY};" in https
    assert "return 301 https://$host$request_uri;" in https


# --- Dockerfile ----------------------------------------------------------------------------------


def test_it_builds_in_stages_on_python_3_13_slim():
    froms = [args for instruction, args in dockerfile_instructions() if instruction == "FROM"]
    assert froms == ["python:3.13-slim AS build", "python:3.13-slim AS runtime"]


def test_it_installs_the_pinned_requirements_without_caches():
    build = stages()[0]
    runs = " ".join(args for instruction, args in build if instruction == "RUN")
    assert "pip install --no-cache-dir" in runs
    assert "-r /tmp/requirements.txt" in runs
    assert ("COPY", "requirements.txt /tmp/requirements.txt") in build
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            assert "==" in line, f"unpinned requirement: {line}"


def test_it_collects_static_files_at_build_time():
    runs = " ".join(args for instruction, args in stages()[0] if instruction == "RUN")
    assert "manage.py collectstatic --noinput" in runs
    assert "STATIC_ROOT=/app/staticfiles" in runs


def test_it_ships_only_the_venv_and_the_app_in_the_final_stage():
    runtime = stages()[-1]
    copies = [args for instruction, args in runtime if instruction == "COPY"]
    assert copies == ["--from=build /opt/venv /opt/venv", "--from=build /app /app"]
    runs = " ".join(args for instruction, args in runtime if instruction == "RUN")
    assert "apt-get" not in runs and "pip" not in runs  # no compilers, no caches
    env = " ".join(args for instruction, args in runtime if instruction == "ENV")
    assert "DEBUG=0" in env
    assert "STATIC_ROOT=/app/staticfiles" in env


def test_it_runs_as_a_non_root_user():
    runtime = stages()[-1]
    users = [args for instruction, args in runtime if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    runs = " ".join(args for instruction, args in runtime if instruction == "RUN")
    assert "useradd --system --uid 10001" in runs


def test_it_health_checks_exposes_9000_and_starts_gunicorn_with_its_config():
    runtime = dict(stages()[-1])
    assert runtime["EXPOSE"] == "9000"
    assert "/healthz" in runtime["HEALTHCHECK"]
    assert runtime["HEALTHCHECK"].startswith("--interval=")
    assert runtime["ENTRYPOINT"] == '["/app/scripts/docker-entrypoint.sh"]'
    assert runtime["CMD"] == '["gunicorn", "--config", "/app/gunicorn.conf.py"]'


def dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_it_copies_only_files_that_exist_and_are_not_docker_ignored():
    ignored = dockerignore()
    for instruction, args in dockerfile_instructions():
        if instruction == "COPY" and not args.startswith("--from"):
            *sources, _dest = shlex.split(args)
            for source in sources:
                assert (ROOT / source).exists(), source
                assert source not in ignored, source


def test_it_migrates_under_the_lock_before_exec_ing_the_server():
    entrypoint = ROOT / "scripts" / "docker-entrypoint.sh"
    assert entrypoint.stat().st_mode & stat.S_IXUSR
    text = entrypoint.read_text()
    assert text.startswith("#!/bin/sh\n")
    assert "manage.py migrate_locked" in text
    assert text.rstrip().endswith('exec "$@"')


# --- gunicorn.conf.py ----------------------------------------------------------------------------

GUNICORN_ENV = (
    "GUNICORN_BIND",
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_WORKER_CLASS",
    "GUNICORN_THREADS",
    "GUNICORN_TIMEOUT",
    "GUNICORN_GRACEFUL_TIMEOUT",
    "GUNICORN_KEEPALIVE",
)


def gunicorn_config(monkeypatch, **env) -> dict:
    for name in GUNICORN_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_it_configures_gunicorn_for_production_by_default(monkeypatch):
    conf = gunicorn_config(monkeypatch)
    assert conf["bind"] == ["0.0.0.0:9000"]
    assert conf["workers"] == 3
    assert conf["worker_class"] == "gthread"
    assert conf["wsgi_app"] == "taskmanager.wsgi:application"
    assert conf["accesslog"] == "-"  # access log on stdout
    assert conf["errorlog"] == "-"
    assert conf["timeout"] == 30
    assert 0 < conf["graceful_timeout"] < conf["timeout"]
    assert conf["control_socket_disable"] is True


def test_it_reads_bind_workers_and_worker_class_from_the_environment(monkeypatch):
    conf = gunicorn_config(
        monkeypatch,
        GUNICORN_BIND="127.0.0.1:9401",
        WEB_CONCURRENCY="5",
        GUNICORN_WORKER_CLASS="sync",
    )
    assert conf["bind"] == ["127.0.0.1:9401"]
    assert conf["workers"] == 5
    assert conf["worker_class"] == "sync"
    assert gunicorn_config(monkeypatch, PORT="8080")["bind"] == ["0.0.0.0:8080"]


def test_it_writes_health_check_commands_that_python_can_run(compose):
    # Both run `python -c CODE` in the container; a quoting slip would only show as "unhealthy".
    dockerfile = dict(stages()[-1])["HEALTHCHECK"]
    command = json.loads(dockerfile[dockerfile.index("CMD") + 3 :])
    assert command[:2] == ["python", "-c"]
    compile(command[2], "HEALTHCHECK", "exec")
    web = compose["services"]["web"]["healthcheck"]["test"]
    assert web[:3] == ["CMD", "python", "-c"]
    compile(web[3], "compose healthcheck", "exec")
