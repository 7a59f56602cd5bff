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
from urllib.parse import urlsplit

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
# `docker compose config` would validate the file; no engine here, so these check the structure
# compose needs and the promises the stack makes, not the values it happens to use today.

# The service keys this file may use (a subset of the Compose specification); a typo such as
# `depend_on` is otherwise silently ignored by compose.
SERVICE_KEYS = {
    "build", "command", "depends_on", "entrypoint", "env_file", "environment", "healthcheck",
    "image", "init", "ports", "profiles", "read_only", "restart", "security_opt",
    "stop_grace_period", "tmpfs", "volumes",
}  # fmt: skip
HEALTHCHECK_KEYS = {"test", "interval", "timeout", "retries", "start_period", "disable"}
DURATION = re.compile(r"^(\d+(ms|s|m|h))+$")
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}
INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN", re.I)


def compose_text() -> str:
    return (COMPOSE_DIR / "docker-compose.yml").read_text()


def interpolations() -> list[tuple[str, str, str]]:
    """(name, operator, argument) of every ${...} compose substitutes (comments excluded)."""
    text = re.sub(r"(^|\s)#.*", "", compose_text())
    return INTERPOLATION.findall(text)


def test_it_parses_into_services_that_compose_can_run(compose):
    assert set(compose) <= {"name", "services", "volumes", "networks", "secrets", "configs"}
    assert compose["services"]
    for name, service in compose["services"].items():
        assert set(service) <= SERVICE_KEYS, f"{name}: unknown keys {set(service) - SERVICE_KEYS}"
        assert "image" in service or "build" in service, name
        for port in service.get("ports", []):
            assert isinstance(port, str), f"{name}: quote ports ({port!r} may parse as a number)"


def test_it_pins_every_image_to_a_version(compose):
    for name, service in compose["services"].items():
        image = service["image"]
        if "build" in service:
            continue  # built here; the tag names the local build
        repository, _, tag = image.rpartition(":")
        assert repository and tag and tag != "latest", f"{name}: {image} is not pinned"


def test_it_health_checks_every_service(compose):
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert check, f"{name} has no healthcheck: depends_on cannot wait for it"
        assert set(check) <= HEALTHCHECK_KEYS, name
        assert not check.get("disable"), name
        assert check["test"][0] in {"CMD", "CMD-SHELL"}, name
        assert len(check["test"]) >= 2, name
        for key in ("interval", "timeout", "start_period"):
            if key in check:
                assert DURATION.match(check[key]), f"{name}: {key}={check[key]!r}"


def test_it_starts_a_service_only_once_what_it_depends_on_is_healthy(compose):
    services = compose["services"]
    for name, service in services.items():
        for dependency, options in service.get("depends_on", {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            assert options["condition"] == "service_healthy", f"{name} -> {dependency}"
            # A service without a profile must not wait on one that only runs with a profile.
            if "profiles" not in service:
                assert "profiles" not in services[dependency], f"{name} -> {dependency}"
    assert services["web"]["depends_on"].keys() >= {"db"}


def test_it_never_gives_a_secret_a_default_value(compose):
    secrets = {(n, op, arg) for n, op, arg in interpolations() if SECRET_NAME.search(n)}
    assert secrets, "no secret is interpolated: the test no longer looks at anything"
    for name, operator, _ in secrets:
        assert operator in {"", ":?", "?"}, f"${{{name}}} has a default value"
    # Each secret is required (`:?`) at least once, so compose refuses to start without it.
    for name in {n for n, _, _ in secrets}:
        assert (name, ":?") in {(n, op) for n, op, _ in secrets}, f"{name} is not required"
    for name, service in compose["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                assert str(value).startswith("${"), f"{name}: {key} is written in the file"


def test_it_writes_only_well_formed_substitutions():
    text = re.sub(r"(^|\s)#.*", "", compose_text())
    assert text.count("${") == len(interpolations())


def test_it_publishes_no_database_port_and_keeps_its_data_in_a_named_volume(compose):
    db = compose["services"]["db"]
    assert "ports" not in db  # only reachable from the compose network
    named = {v.split(":")[0] for v in db["volumes"] if not v.startswith((".", "/", "$"))}
    assert named and named <= set(compose["volumes"])


def test_it_declares_every_named_volume_it_mounts(compose):
    declared = set(compose.get("volumes") or {})
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/", "$")):
                assert source in declared, f"{name}: volume {source} is not declared"


def test_it_health_checks_the_database_it_creates(compose):
    db = compose["services"]["db"]
    command = " ".join(db["healthcheck"]["test"][1:])
    assert "pg_isready" in command
    assert f"-U {db['environment']['POSTGRES_USER']}" in command
    assert f"-d {db['environment']['POSTGRES_DB']}" in command


def test_it_points_web_at_the_database_compose_creates(compose):
    web, db = compose["services"]["web"], compose["services"]["db"]
    assert (COMPOSE_DIR / web["build"]["context"] / web["build"]["dockerfile"]).is_file()
    url = urlsplit(web["environment"]["DATABASE_URL"])
    assert url.scheme == "postgres"
    assert url.hostname == "db"
    assert url.username == db["environment"]["POSTGRES_USER"]
    assert url.path == "/" + db["environment"]["POSTGRES_DB"]
    # The same password variable the database is created with, not a second copy.
    assert url.password == "${POSTGRES_PASSWORD}"
    assert db["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")


def test_it_health_checks_web_and_nginx_on_healthz(compose):
    for name in ("web", "nginx"):
        assert "/healthz" in " ".join(compose["services"][name]["healthcheck"]["test"]), name


def test_it_gives_gunicorn_time_for_a_graceful_shutdown(compose):
    web = compose["services"]["web"]
    grace = int(web["stop_grace_period"].rstrip("s"))
    conf = (ROOT / "gunicorn.conf.py").read_text()
    graceful = int(re.search(r'"GUNICORN_GRACEFUL_TIMEOUT", "(\d+)"', conf)[1])
    assert grace > graceful
    assert web["init"] is True


def test_it_mounts_config_files_that_exist(compose):
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./nginx/${NGINX_MODE"):
                for mode in ("http", "https"):
                    assert (COMPOSE_DIR / "nginx" / mode / "default.conf.template").is_file()
            elif source.startswith("./") and "$" not in source:
                assert (COMPOSE_DIR / source).exists(), f"{name}: {source}"


def test_it_lists_every_variable_compose_interpolates_in_the_env_example(compose):
    used = {name for name, _, _ in interpolations()}
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
    assert re.search(r"server web:9000( [a-z_]+=\w+)*;", text)
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert "proxy_set_header Host $host;" in text


def test_it_checks_nodes_passively_and_never_sends_a_post_twice():
    text = nginx_text()
    assert re.search(r"server web:9000 max_fails=\d+ fail_timeout=\d+s;", text)
    retry = re.search(r"proxy_next_upstream ([^;]+);", text)
    assert retry and "non_idempotent" not in retry[1]


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


def test_it_builds_in_stages_on_a_slim_python_the_project_supports():
    froms = [args for instruction, args in dockerfile_instructions() if instruction == "FROM"]
    assert len(froms) >= 2  # build tools stay in the build stage
    pyproject = (ROOT / "pyproject.toml").read_text()
    minimum = re.search(r'requires-python = ">=(\d+)\.(\d+)"', pyproject)
    for base in froms:
        version = re.fullmatch(r"python:(\d+)\.(\d+)-slim(?:-\w+)? AS \w+", base)
        assert version, f"not a pinned slim Python image: {base}"
        assert tuple(map(int, version.groups())) >= tuple(map(int, minimum.groups())), base


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


def test_it_health_checks_exposes_its_port_and_starts_gunicorn_with_its_config(monkeypatch):
    runtime = dict(stages()[-1])
    # The port gunicorn binds by default is the one the image exposes and compose publishes.
    port = gunicorn_config(monkeypatch)["bind"][0].rpartition(":")[2]
    assert runtime["EXPOSE"] == port
    published = yaml.safe_load(compose_text())["services"]["web"]["ports"]
    assert any(p.endswith(f":{port}") for p in published)  # container side of host:container
    assert "/healthz" in runtime["HEALTHCHECK"]
    assert runtime["HEALTHCHECK"].startswith("--interval=")
    entrypoint = json.loads(runtime["ENTRYPOINT"])
    assert (ROOT / entrypoint[0].removeprefix("/app/")).is_file()
    command = json.loads(runtime["CMD"])
    assert command[0] == "gunicorn"
    assert (ROOT / command[command.index("--config") + 1].removeprefix("/app/")).is_file()


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
    assert conf["bind"][0].startswith("0.0.0.0:")  # reachable from outside the container
    assert conf["workers"] >= 2  # one slow request does not stall the site
    assert conf["worker_class"] == "gthread"
    module, _, name = conf["wsgi_app"].partition(":")
    assert name == "application"
    assert (ROOT / "src" / (module.replace(".", "/") + ".py")).is_file()
    assert conf["accesslog"] == "-"  # access log on stdout
    assert conf["errorlog"] == "-"
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
