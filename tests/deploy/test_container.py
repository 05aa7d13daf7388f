"""The image and the compose stack, proven without a container engine: the Dockerfile's shape, compose.yaml
against the Compose specification's JSON Schema, and one source of truth for the commands they run (the
README's, each a real ``tessera`` command)."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from tessera.cli.main import app
from tessera.health import router as health_router
from tests.deploy.container_files import (
    DOCKERFILE,
    ROOT,
    compose_file,
    dockerfile_instructions,
    exec_form,
    readme_commands,
)

SCHEMA = Path(__file__).parents[1] / "fixtures" / "compose" / "compose-spec.json"
TESSERA_SERVICES = ("migrate", "api", "worker")


def compose_errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]


def image_command() -> list[str]:
    [cmd] = [i for i in dockerfile_instructions(DOCKERFILE.read_text()) if i.keyword == "CMD"]
    return exec_form(cmd.arguments)


def container_commands() -> dict[str, list[str]]:
    """What each container runs: the image's CMD, and each compose service's ``command``."""
    services = compose_file()["services"]
    commands = {"Dockerfile CMD": image_command()}
    for name in TESSERA_SERVICES:
        commands[f"compose {name}"] = services[name]["command"]
    return commands


# --- compose.yaml ---------------------------------------------------------------------------------------


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    jsonschema.Draft7Validator.check_schema(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert compose_errors(compose_file()) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("services", "api", "depends_on", "migrate", "condition"), "service_finished"),
        (("services", "api", "restart_policy"), "always"),
        (("volumes", "postgres-data"), ["not", "a", "mapping"]),
    ],
)
def test_the_schema_check_catches_a_broken_compose_file(path: tuple[str, ...], value: object) -> None:
    broken = copy.deepcopy(compose_file())
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert compose_errors(broken), f"{'/'.join(path)} = {value!r} should be refused"


def test_compose_runs_the_whole_stack_in_a_health_gated_order() -> None:
    compose = compose_file()
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "api", "worker"}
    # The stores report health; the migrations run once the database is healthy, and the Tessera
    # processes start only after they completed.
    for store in ("postgres", "redis"):
        assert services[store]["healthcheck"]["test"]
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert services["migrate"]["restart"] == "no"
    for name in ("api", "worker"):
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}
        assert depends["postgres"] == {"condition": "service_healthy"}
    assert services["api"]["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_postgres_keeps_its_data_in_a_named_volume() -> None:
    compose = compose_file()
    [mount] = compose["services"]["postgres"]["volumes"]
    volume, _, target = mount.partition(":")
    assert target == "/var/lib/postgresql/data"
    assert volume in compose["volumes"]


def test_tessera_services_share_one_image_configured_by_environment_only() -> None:
    services = compose_file()["services"]
    for service in services.values():
        assert "env_file" not in service
    tessera = [services[name] for name in TESSERA_SERVICES]
    assert {s["build"] for s in tessera} == {"."}
    assert len({s["image"] for s in tessera}) == 1
    environments = [s["environment"] for s in tessera]
    assert all(env == environments[0] for env in environments)
    env = environments[0]
    assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert env["ENVIRONMENT"] == "production"
    assert env["WORKER_ENABLED"] == "false"  # delivery is the worker service's job


def test_only_the_api_is_health_checked_by_the_images_probe() -> None:
    services = compose_file()["services"]
    assert "healthcheck" not in services["api"]  # the image's HEALTHCHECK applies
    for name in ("migrate", "worker"):  # no HTTP server in these containers
        assert services[name]["healthcheck"] == {"disable": True}


# --- Dockerfile -----------------------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_non_root_and_installs_from_the_lock_file() -> None:
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    stages = [i.arguments for i in instructions if i.keyword == "FROM"]
    assert len(stages) >= 2
    assert all("-slim" in stage and ":3.11" in stage for stage in stages)
    runs = " ".join(i.arguments for i in instructions if i.keyword == "RUN")
    assert "uv sync --frozen" in runs
    [user] = [i.arguments for i in instructions if i.keyword == "USER"]
    uid = user.split(":")[0]
    assert uid.isdigit() and int(uid) != 0
    copies = [i.arguments for i in instructions if i.keyword == "COPY"]
    assert any(c.startswith("--from=build ") for c in copies), "the runtime stage copies the built venv"


def test_healthcheck_probes_the_readiness_route() -> None:
    [check] = [i for i in dockerfile_instructions(DOCKERFILE.read_text()) if i.keyword == "HEALTHCHECK"]
    _, _, command = check.arguments.partition("CMD ")
    assert "/health/ready" in " ".join(exec_form(command))
    assert "/health/ready" in {getattr(route, "path", "") for route in health_router.routes}


def test_replicas_do_not_migrate_on_start() -> None:
    assert image_command() == ["tessera", "serve", "--no-migrate"]
    assert compose_file()["services"]["migrate"]["command"] == ["tessera", "db", "upgrade"]


# --- one source of truth for the commands ---------------------------------------------------------------


def test_containers_run_exactly_the_commands_the_readme_documents() -> None:
    documented = readme_commands()
    for where, command in container_commands().items():
        assert " ".join(command) in documented, f"{where} runs {command}, which README.md does not document"


@pytest.mark.parametrize("command", sorted({" ".join(c) for c in container_commands().values()}))
def test_each_container_command_is_a_real_tessera_command(command: str) -> None:
    program, *args = command.split()
    assert program == "tessera"
    result = CliRunner().invoke(app, [*args, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


# --- hadolint -------------------------------------------------------------------------------------------


def hadolint() -> str:
    found = Path(sys.executable).with_name("hadolint")
    if found.exists():
        return str(found)
    on_path = shutil.which("hadolint")
    if on_path is None:
        pytest.skip("hadolint is not installed (it is a dev dependency: python3 run.py lint-container)")
    return on_path


def test_hadolint_passes_the_dockerfile_and_refuses_a_careless_one(tmp_path: Path) -> None:
    ours = subprocess.run([hadolint(), str(DOCKERFILE)], capture_output=True, text=True, cwd=ROOT)
    assert ours.returncode == 0, ours.stdout + ours.stderr
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python\nRUN pip install tessera\nCMD tessera serve\n")
    theirs = subprocess.run([hadolint(), str(careless)], capture_output=True, text=True)
    assert theirs.returncode != 0
    assert "DL3006" in theirs.stdout  # an untagged base image
