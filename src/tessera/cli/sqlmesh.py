"""``tessera sqlmesh sync|check|assets``: a SQLMesh project, read where it lives, sent as assets.

SQLMesh pins a sqlglot Tessera cannot share, so SQLMesh never runs inside Tessera's environment: the
project is read by :mod:`tessera.ingest.sqlmesh.extract` under the Python of an environment that has
``sqlmesh`` (``--python``, else ``$TESSERA_SQLMESH_PYTHON``, else this Python when it has sqlmesh, else the
interpreter of the ``sqlmesh`` command on PATH). ``sync`` and ``check`` then work like every other source
(same ``--json`` and Markdown shapes, so the GitHub Action works for SQLMesh too).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from tessera.cli.context import Ctx, command
from tessera.cli.dbt import EnvOption, OwnerOption
from tessera.cli.sources import (
    EXIT_UNUSABLE,
    MarkdownOption,
    ProjectOption,
    ProposeOption,
    RefOption,
    run_check,
    run_sync,
)
from tessera.ingest.source import InvalidSourceError

sqlmesh_app = typer.Typer(
    help="SQLMesh projects: sync after merge, check in pull requests (needs an environment with sqlmesh).",
    no_args_is_help=True,
)

EXTRACT_TIMEOUT = 600.0
PYTHON_ENV = "TESSERA_SQLMESH_PYTHON"

PathArg = Annotated[Path, typer.Argument(help="The SQLMesh project directory.", metavar="PROJECT")]
PythonOption = Annotated[
    str | None,
    typer.Option(
        "--python",
        help=f"Python of an environment with sqlmesh installed (default: ${PYTHON_ENV}, this Python, or "
        "the interpreter of the sqlmesh command on PATH).",
    ),
]
GatewayOption = Annotated[str | None, typer.Option(help="SQLMesh gateway (default: the project's).")]


def find_python(explicit: str | None) -> str | None:
    """The interpreter to read the project with (see the module's docstring), or ``None``."""
    chosen = explicit or os.environ.get(PYTHON_ENV)
    if chosen:
        return chosen
    if importlib.util.find_spec("sqlmesh") is not None:
        return sys.executable
    command_path = shutil.which("sqlmesh")
    if command_path is not None:
        with open(command_path, "rb") as script:
            first = script.readline()
        words = first[2:].decode(errors="replace").split() if first.startswith(b"#!") else []
        if words and Path(words[0]).name == "env":
            words = words[1:]  # "#!/usr/bin/env python3"
        if words:
            return words[0]
    return None


def extract(ctx: Ctx, project_dir: Path, python: str | None, gateway: str | None) -> dict[str, Any]:
    """Run the extractor under SQLMesh's Python; its JSON output, or exit 2 saying what went wrong."""
    if not project_dir.is_dir():
        ctx.fail(f"not a directory: {project_dir}", EXIT_UNUSABLE)
    interpreter = find_python(python)
    if interpreter is None:
        ctx.fail(
            "no Python with sqlmesh found: install sqlmesh (pip install 'sqlmesh==0.236.4') in an "
            f"environment and pass its interpreter with --python or ${PYTHON_ENV}",
            EXIT_UNUSABLE,
        )
    script = Path(__file__).resolve().parent.parent / "ingest" / "sqlmesh" / "extract.py"
    with tempfile.TemporaryDirectory(prefix="tessera-sqlmesh-") as tmp:
        out = Path(tmp) / "extract.json"
        args = [
            interpreter,
            str(script),
            str(project_dir.resolve()),
            str(out),
            *([gateway] if gateway else []),
        ]
        try:
            done = subprocess.run(  # noqa: S603 - the user's interpreter on the user's project
                args, capture_output=True, text=True, timeout=EXTRACT_TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            ctx.fail(f"could not run {interpreter}: {exc}", EXIT_UNUSABLE)
        if done.returncode != 0 or not out.is_file():
            lines = [line for line in done.stderr.splitlines() if line.strip()]
            ctx.fail(lines[-1] if lines else f"the SQLMesh extractor exited {done.returncode}", EXIT_UNUSABLE)
        loaded: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        return loaded


def assets_document(
    ctx: Ctx, project_dir: Path, python: str | None, gateway: str | None, project: str | None
) -> bytes:
    """The source-neutral assets document of the project (what ``POST /sync/sqlmesh`` takes)."""
    from tessera.ingest.sqlmesh import to_assets

    try:
        document = to_assets(extract(ctx, project_dir, python, gateway), project)
    except InvalidSourceError as exc:
        ctx.fail(exc.message, EXIT_UNUSABLE)
    return json.dumps(document, separators=(",", ":")).encode()


@command(sqlmesh_app, "sync")
def sync(
    ctx: Ctx,
    project_dir: PathArg = Path("."),
    owner_team: OwnerOption = None,
    environment: EnvOption = "production",
    project: ProjectOption = None,
    python: PythonOption = None,
    gateway: GatewayOption = None,
) -> None:
    """Sync a (merged) project: publish compatible changes, propose breaking ones."""
    body = assets_document(ctx, project_dir, python, gateway, project)
    run_sync(ctx, "sqlmesh", body, owner_team, environment, None)


@command(sqlmesh_app, "check", error_exit=EXIT_UNUSABLE)
def check(
    ctx: Ctx,
    project_dir: PathArg = Path("."),
    source_ref: RefOption = None,
    markdown: MarkdownOption = None,
    environment: EnvOption = "production",
    project: ProjectOption = None,
    propose: ProposeOption = False,
    python: PythonOption = None,
    gateway: GatewayOption = None,
) -> None:
    """Check a pull request's project: exit 0 when nothing breaking is left unacknowledged, 1 when
    something is, 2 when the input is unusable or the server unreachable."""
    body = assets_document(ctx, project_dir, python, gateway, project)
    run_check(ctx, "sqlmesh", body, source_ref, markdown, environment, None, propose)


@command(sqlmesh_app, "assets", error_exit=EXIT_UNUSABLE)
def assets(
    ctx: Ctx,
    project_dir: PathArg = Path("."),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
    project: ProjectOption = None,
    python: PythonOption = None,
    gateway: GatewayOption = None,
) -> None:
    """Print the project's source-neutral assets document (offline; what sync and check send)."""
    body = assets_document(ctx, project_dir, python, gateway, project)
    if output is None:
        typer.echo(body.decode())
    else:
        output.write_bytes(body)
