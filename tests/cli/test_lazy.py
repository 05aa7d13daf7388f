"""The CLI loads a command's module only when it runs: offline commands start without the server stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from tessera.cli.main import COMMANDS, TesseraGroup, app

SERVER_OR_CLIENT = ("fastapi", "sqlalchemy", "httpx", "tessera_sdk", "uvicorn", "starlette", "alembic")

# Runs the real CLI in a fresh interpreter, then prints the top-level packages it imported.
PROBE = """
import json, sys
from tessera.cli.main import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print("MODULES=" + json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
print("CORE=" + json.dumps(sorted(name for name in sys.modules if name.startswith("tessera.core"))))
"""


def _probe(*args: str) -> dict[str, set[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False, timeout=120
    )
    found = (
        line.split("=", 1) for line in result.stdout.splitlines() if line.startswith(("MODULES=", "CORE="))
    )
    return {key: set(json.loads(value)) for key, value in found}


def imported_packages(*args: str) -> set[str]:
    """The top-level packages loaded by ``tessera ARGS`` in a new process."""
    return _probe(*args)["MODULES"]


def test_the_offline_diff_imports_neither_server_nor_client(tmp_path: Path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps({"type": "object", "properties": {"a": {"type": "string"}}}))
    new.write_text(json.dumps({"type": "object", "properties": {}}))
    probe = _probe("schema", "diff", str(old), str(new))
    loaded = probe["MODULES"]
    assert "tessera" in loaded
    assert loaded.isdisjoint(SERVER_OR_CLIENT), loaded & set(SERVER_OR_CLIENT)
    # A schema-only diff never builds the guarantee models (tessera.core loads them on first use).
    assert "tessera.core.diff" in probe["CORE"]
    assert not {"tessera.core.guarantees", "tessera.core.guarantee_diff"} & probe["CORE"]


def test_help_imports_no_command_module() -> None:
    loaded = imported_packages("--help")
    assert loaded.isdisjoint(SERVER_OR_CLIENT), loaded & set(SERVER_OR_CLIENT)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_listed_help_is_the_commands_own(name: str) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, TesseraGroup)
    listed = group.commands[name].help
    real = group.load(name)
    assert real is not None and real.name == name
    assert listed is not None and real.help is not None
    assert real.help.startswith(listed), f"update the help of {name!r} in tessera/cli/main.py"


def test_every_command_is_listed_and_runs_its_own_help() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output
    sub = CliRunner().invoke(app, ["db", "--help"], env={"COLUMNS": "200"})
    assert sub.exit_code == 0 and "grant-app-role" in sub.output and "--install-completion" not in sub.output


def test_an_unknown_command_still_suggests_the_near_one() -> None:
    result = CliRunner().invoke(app, ["shema"])
    assert result.exit_code == 2
    assert "schema" in result.output


def test_commands_added_from_other_modules_are_loaded_with_their_group() -> None:
    # A module that adds commands to another module's group (quality.py adds `dbt results`) must be
    # named in that group's `also`, or the lazily loaded group would miss those commands.
    import importlib
    import pkgutil

    import tessera.cli

    for info in pkgutil.iter_modules(tessera.cli.__path__):
        importlib.import_module(f"tessera.cli.{info.name}")
    for name, spec in COMMANDS.items():
        module_name, attribute = spec.target.split(":")
        value = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(value, typer.Typer):
            continue
        for registered in value.registered_commands:
            origin = getattr(registered.callback, "__module__", module_name)
            assert origin in (module_name, "tessera.cli.context", *spec.also), (name, origin)
