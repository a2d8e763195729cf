"""The container files agree with the repository: no Docker engine runs here, so every command,
file, port and variable that `Dockerfile` and `docker-compose.yml` name is checked against the
code, `.env.example` and the docs instead.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.cli.catalog import all_commands

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
SITE_SERVICES = ("migrate", "app", "worker")
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


def nori_commands() -> set[str]:
    commands, _ = all_commands(str(ROOT / "rootsystem" / "application"))
    return set(commands)


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def documented_settings() -> set[str]:
    """Names `.env.example` documents, as `NAME=` lines or commented `# NAME=` lines."""
    pattern = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.M)
    return set(pattern.findall((ROOT / ".env.example").read_text()))


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?error}` with `variables` as the `.env`."""

    def replace(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        current = variables.get(name)
        if op in (":-", "-") and not current:
            return arg
        if op in (":?", "?") and not current:
            raise LookupError(f"{name}: {arg}")
        return current or ""

    return INTERPOLATION.sub(replace, value).replace("$$", "$")


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            pairs.append((word.upper(), rest.strip()))
    return pairs


def instruction(name: str) -> list[str]:
    return [rest for word, rest in dockerfile_instructions() if word == name]


def exec_form(arguments: str) -> list[str]:
    """A JSON-array (exec form) instruction's argv; the shell form is refused on purpose."""
    assert arguments.startswith("["), f"use the exec form (a JSON array) for: {arguments}"
    return json.loads(arguments)


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def container_cmd() -> list[str]:
    (cmd,) = instruction("CMD")
    return exec_form(cmd)


def served_port() -> int:
    return int(option(container_cmd(), "--bind").rsplit(":", 1)[1])


def test_compose_has_the_services_in_order_of_start() -> None:
    services = compose()["services"]
    assert {"db", "redis", "migrate", "app", "worker"} <= set(services)
    db = services["db"]
    assert db["image"].startswith("mysql:8")
    assert db["healthcheck"]["test"], "the database needs a health check for depends_on"
    named = [volume.split(":", 1)[0] for volume in db["volumes"]]
    assert set(named) <= set(compose()["volumes"]), "the data volume must be a named volume"
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_migrate_service_runs_a_real_command() -> None:
    argv = compose()["services"]["migrate"]["command"]
    assert argv[:2] == ["python3", "nori.py"]
    assert (ROOT / argv[1]).is_file()
    assert argv[2] == "migrate:upgrade"
    assert argv[2] in nori_commands(), f"{argv[2]} is not a command of nori.py"


def test_the_worker_runs_the_queue_on_the_compose_redis() -> None:
    services = compose()["services"]
    worker, redis = services["worker"], services["redis"]
    argv = worker["command"]
    assert argv[:2] == ["python3", "nori.py"] and argv[2] == "queue:work" and argv[2] in nori_commands()
    assert worker["environment"] == services["migrate"]["environment"]  # the site's settings, as the app has them
    assert worker["healthcheck"] == {"disable": True}, "the image's check asks for /health, which no worker serves"
    assert redis["image"].startswith("redis:") and redis["healthcheck"]["test"]
    assert set(volume.split(":", 1)[0] for volume in redis["volumes"]) <= set(compose()["volumes"])
    for name in ("app", "worker"):
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy", name
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    queue_url = interpolate(services["app"]["environment"]["QUEUE_URL"], {})
    assert queue_url == "redis://redis:6379/0" and "6379" in str(redis["ports"])


def test_site_services_build_this_repository() -> None:
    for name in SITE_SERVICES:
        service = compose()["services"][name]
        context = ROOT / service["build"]
        assert (context / "Dockerfile").resolve() == DOCKERFILE


def test_every_variable_compose_names_is_a_documented_setting() -> None:
    documented = documented_settings()
    services = compose()["services"]
    for name in SITE_SERVICES:
        undocumented = set(services[name]["environment"]) - documented
        assert not undocumented, f"{name} sets {sorted(undocumented)}, which .env.example does not document"
    used = {match["name"] for match in INTERPOLATION.finditer(COMPOSE.read_text())}
    assert not used - documented, f"compose reads {sorted(used - documented)} from .env without documenting them"


def test_the_database_credentials_agree() -> None:
    services = compose()["services"]
    site = services["app"]["environment"]
    db = services["db"]["environment"]
    assert site["DB_ENGINE"] == "mysql"
    assert site["DB_HOST"] == "db"
    assert int(site["DB_PORT"]) == 3306
    assert db["MYSQL_DATABASE"] == site["DB_NAME"]
    assert db["MYSQL_USER"] == site["DB_USER"]
    assert db["MYSQL_PASSWORD"] == site["DB_PASSWORD"]
    assert services["migrate"]["environment"] == {k: v for k, v in site.items() if k != "WEB_CONCURRENCY"}


def test_compose_environment_loads_as_valid_settings(tmp_path: Path) -> None:
    """The values compose hands the container (from an `.env` holding only a key) pass settings.py."""
    dotenv = {"SECRET_KEY": "k" * 48}
    environment = {k: interpolate(str(v), dotenv) for k, v in compose()["services"]["app"]["environment"].items()}
    empty = tmp_path / "empty.env"
    empty.write_text("")
    env = {k: v for k, v in os.environ.items() if k not in documented_settings()}
    env.update(environment, NORI_ENV_FILE=str(empty))
    script = "import settings; print(settings.DEBUG, settings.DATABASE.describe())"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT / "rootsystem" / "application",
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "mysql", "nori@db:3306/nori"]


def test_compose_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(LookupError, match="SECRET_KEY"):
        interpolate(compose()["services"]["app"]["environment"]["SECRET_KEY"], {})


def test_dockerfile_builds_a_slim_non_root_image_with_cached_dependencies() -> None:
    assert instruction("FROM") == ["python:3.11-slim"]
    users = instruction("USER")
    assert users and users[-1] not in ("root", "0")
    copies = instruction("COPY")
    assert copies[0] == "pyproject.toml ./", "dependencies must install from pyproject.toml before the source"
    assert copies[-1] == ". .", "the source is copied last"
    order = [word for word, _ in dockerfile_instructions()]
    copy_positions = [i for i, word in enumerate(order) if word == "COPY"]
    assert copy_positions[0] < order.index("RUN") < copy_positions[-1], "pip runs before the source is copied"
    assert not any(".env" in copy for copy in copies)


def test_dockerfile_ships_byte_compiled_code() -> None:
    """The image never compiles a module at start-up: the dependencies and the project are compiled at build."""
    order = dockerfile_instructions()
    last_copy = max(i for i, (word, _) in enumerate(order) if word == "COPY")
    user = max(i for i, (word, _) in enumerate(order) if word == "USER")
    dependencies = next(rest for word, rest in order if word == "RUN" and "pip install" in rest)
    assert "compileall" in dependencies.split("pip install", 1)[1], "site-packages are compiled after pip installs"
    project = [rest for word, rest in order[last_copy:user] if word == "RUN" and "compileall" in rest]
    assert project, "the project is compiled after the source is copied, as root, before USER"
    compiled = project[0].split()
    for part in ("nori.py", "rootsystem", "seeders", "migrations"):
        assert part in compiled and (ROOT / part).exists()
    assert "__pycache__/" in (ROOT / ".dockerignore").read_text().split(), "no stale .pyc from the build context"


def test_dockerignore_keeps_secrets_and_local_data_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", "*.sqlite3", ".git"):
        assert entry in ignored


def test_container_command_serves_the_site_with_gunicorn_and_uvicorn_workers() -> None:
    argv = container_cmd()
    assert argv[0] == "gunicorn"
    module, attribute = argv[1].split(":")
    app_dir = ROOT / option(argv, "--chdir")
    assert (app_dir / f"{module}.py").is_file()
    assert re.search(rf"^{attribute} = ", (app_dir / f"{module}.py").read_text(), re.M)
    worker = option(argv, "--worker-class")
    worker_module, worker_class = worker.rsplit(".", 1)
    worker_type = getattr(importlib.import_module(worker_module), worker_class)
    # X-Forwarded-For is believed per TRUSTED_PROXIES alone: uvicorn must not rewrite the client first
    assert worker_type.CONFIG_KWARGS["proxy_headers"] is False
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(dep.startswith("gunicorn") for dep in project["optional-dependencies"]["deploy"])
    assert "--workers" not in argv and "-w" not in argv, "gunicorn reads WEB_CONCURRENCY itself"
    assert "WEB_CONCURRENCY" in documented_settings()


def test_ports_agree_between_dockerfile_compose_healthcheck_and_readme() -> None:
    port = served_port()
    assert instruction("EXPOSE") == [str(port)]
    published = [str(p).rsplit(":", 1) for p in compose()["services"]["app"]["ports"]]
    assert [container for _, container in published] == [str(port)]
    host_port = published[0][0]
    (healthcheck,) = instruction("HEALTHCHECK")
    probe = exec_form(healthcheck[healthcheck.index("CMD") + 3:].strip())
    assert probe[:2] == ["python3", "-c"]
    assert f"http://127.0.0.1:{port}/health" in probe[2]
    readme = (ROOT / "README.md").read_text()
    assert "docker compose up" in readme and f"http://127.0.0.1:{host_port}" in readme


def test_healthcheck_path_is_a_route_of_the_app() -> None:
    from core.kernel import create_app

    (healthcheck,) = instruction("HEALTHCHECK")
    path = re.search(r"127\.0\.0\.1:\d+(/[\w/]*)", healthcheck)[1]
    assert path in {getattr(route, "path", None) for route in create_app(routes=[]).routes}


def test_deployment_docs_say_how_to_run_the_containers() -> None:
    text = (ROOT / "docs" / "deployment.md").read_text()
    for needle in ("docker compose up", "migrate:upgrade", "WEB_CONCURRENCY", "SECRET_KEY"):
        assert needle in text
    named = set(re.findall(r"python3 nori\.py ([a-z]+(?::[a-z]+)?)", text))
    unknown = named - set(nori_commands())
    assert not unknown, f"docs/deployment.md names commands nori.py does not have: {sorted(unknown)}"
