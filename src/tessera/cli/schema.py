"""``tessera schema ...``: offline work on schema contracts (no server needed)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tessera.cli.choices import ChoiceError, check_choice
from tessera.core import (
    CompatibilityMode,
    CompatibilityReport,
    CoreError,
    JsonSchema,
    check_compatibility,
    validate_schema,
)
from tessera.core.keywords import MAX_DEPTH
from tessera.core.report import COLUMNS, report_rows, suggestion_lines, summary_line

schema_app = typer.Typer(help="Work with schema contracts offline.", no_args_is_help=True)

EXIT_COMPATIBLE, EXIT_BREAKING, EXIT_UNUSABLE = 0, 1, 2


@schema_app.callback()
def schema_group() -> None:
    """Work with schema contracts offline."""


MODES = [m.value for m in CompatibilityMode]
FORMATS = ["text", "json"]


def _mode(value: str, flag: str = "--mode") -> CompatibilityMode:
    """A typed mode, or an unusable-input error naming the flag and the nearest mode."""
    try:
        return CompatibilityMode(check_choice(value, MODES, flag) or value)
    except ChoiceError as exc:
        raise _UnusableInput(str(exc)) from None


class _UnusableInput(Exception):
    """A file that cannot be used as a schema; the message names the file and the problem."""


def _load(path: Path) -> JsonSchema:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _UnusableInput(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    return _parse(data, str(path))


def _parse(data: bytes, label: str) -> JsonSchema:
    """The schema in ``data`` (JSON, UTF-8), validated; ``label`` names it in error messages."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _UnusableInput(f"{label}: not UTF-8 text (byte {exc.start})") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _UnusableInput(
            f"{label}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise _UnusableInput(f"{label}: JSON nested too deeply to read") from None
    try:
        # Offline, on the user's own machine: the engine's limit, not the server's submission caps.
        return validate_schema(value, label=label, max_depth=MAX_DEPTH, max_properties=None)
    except CoreError as exc:
        raise _UnusableInput(f"not a usable schema: {exc}") from None


def _versions(paths: list[Path]) -> list[Path]:
    """The files named, a directory standing for its ``*.json`` files in name order (v1, v2, ... sort)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.json"))
            if not found:
                raise _UnusableInput(f"{path}: a directory without any .json file")
            out += found
        else:
            out.append(path)
    return out


@schema_app.command("diff")
def diff_command(
    schemas: Annotated[
        list[Path],
        typer.Argument(
            help="Earlier versions, oldest first (files or a directory of .json files), then the proposed "
            "schema last.",
            metavar="OLD.json... NEW.json",
        ),
    ],
    mode: Annotated[
        str,
        typer.Option("--mode", "-m", help=f"Compatibility mode to judge the changes by: {', '.join(MODES)}."),
    ] = CompatibilityMode.BACKWARD.value,
    output: Annotated[
        str, typer.Option("--format", "-f", help="text (a table) or json (an alias of --json).")
    ] = "text",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Compare schemas and say whether NEW breaks readers of the earlier versions under MODE.

    With several earlier versions (or a directory of them), the transitive modes compare NEW with every
    one of them, as the server does; the other modes with the latest. Exit code 0: compatible.
    1: breaking changes. 2: unusable input.
    """
    try:
        chosen = _mode(mode)
        if check_choice(output, FORMATS, "--format") == "json":
            as_json = True
        if len(schemas) < 2:
            raise _UnusableInput("give at least two schemas: the earlier version(s), then the new one")
        *olds, new = schemas
        old_paths = _versions(olds)
        old_schemas = [_load(p) for p in old_paths]
        new_schema = _load(new)
        report = check_compatibility(new_schema, old_schemas, chosen)
    except (_UnusableInput, ChoiceError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_UNUSABLE) from None
    except CoreError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_UNUSABLE) from None
    old = old_paths[-1]

    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        print_report(report, f"Schema changes: {old} -> {new}")
    raise typer.Exit(EXIT_COMPATIBLE if report.compatible else EXIT_BREAKING)


def print_report(report: CompatibilityReport, title: str) -> None:
    """The report as a table of changes, the suggestions and the one-line verdict (the server's words)."""
    console = Console(highlight=False, soft_wrap=False)
    rows = report_rows(report)
    if rows:
        table = Table(title=title, show_lines=False)
        for column in COLUMNS:
            table.add_column(column, overflow="fold")
        for path, kind, breaking, details in rows:
            style = "bold red" if breaking == "yes" else None
            table.add_row(path, kind, breaking, details, style=style)
        console.print(table)
    else:
        console.print("No changes.")
    for line in suggestion_lines(report):
        console.print(f"- {line}", markup=False)
    console.print(summary_line(report), markup=False, style="green" if report.compatible else "red")


CONFIG_FILE = ".tessera.yaml"


def configured_mode(config: Path | None) -> CompatibilityMode:
    """The mode from ``config``, else ``.tessera.yaml``, else ``[tool.tessera]`` in pyproject.toml, else
    backward (the server's default for a new asset)."""
    value: object = None
    where = ""
    if config is not None or Path(CONFIG_FILE).is_file():
        import yaml

        path = config or Path(CONFIG_FILE)
        where = str(path)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise _UnusableInput(f"{where}: cannot read it: {exc}") from None
        value = data.get("mode") if isinstance(data, dict) else None
    elif Path("pyproject.toml").is_file():
        import tomllib

        where = "pyproject.toml [tool.tessera]"
        try:
            data = tomllib.loads(Path("pyproject.toml").read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise _UnusableInput(f"pyproject.toml: cannot read it: {exc}") from None
        value = data.get("tool", {}).get("tessera", {}).get("mode")
    if value is None:
        return CompatibilityMode.BACKWARD
    return _mode(str(value), f"{where}: mode")


def _git(directory: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    # git from PATH with fixed sub-commands; the path is an argument, never a shell string.
    return subprocess.run(  # noqa: S603
        ["git", "-C", str(directory), *args],  # noqa: S607
        capture_output=True,
        check=False,
    )


def committed_version(path: Path, revision: str) -> bytes | None:
    """The content of ``path`` at ``revision``; None when the file (or any commit) is not there yet."""
    directory = path.parent if str(path.parent) else Path()
    if _git(directory, "rev-parse", "--git-dir").returncode != 0:
        raise _UnusableInput(f"{path}: not inside a git repository")
    if _git(directory, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").returncode != 0:
        return None  # the first commit of a repository: every file is new
    shown = _git(directory, "show", f"{revision}:./{path.name}")
    return shown.stdout if shown.returncode == 0 else None


@schema_app.command("pre-commit")
def pre_commit_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Contract files (JSON Schema) changed in the commit.")
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            "-m",
            help=f"Compatibility mode ({', '.join(MODES)}); default: 'mode' in .tessera.yaml, else "
            "[tool.tessera] in pyproject.toml, else backward.",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="A YAML file with 'mode: ...' (default .tessera.yaml).")
    ] = None,
    against: Annotated[str, typer.Option("--against", help="The git revision to compare with.")] = "HEAD",
) -> None:
    """Check each FILE against its committed version (HEAD): the pre-commit hook's entry point.

    A file new in this commit has nothing to break. Breaking changes are reported as ``schema diff``
    reports them, in the server's words. Exit code 0: compatible. 1: breaking changes. 2: unusable input.
    """
    breaking = False
    try:
        chosen = _mode(mode) if mode is not None else configured_mode(config)
        for path in files or []:
            old_data = committed_version(path, against)
            if old_data is None:
                typer.echo(f"{path}: new file, nothing to compare.")
                continue
            old_schema = _parse(old_data, f"{against}:{path}")
            report = check_compatibility(_load(path), [old_schema], chosen)
            if report.compatible:
                typer.echo(f"{path}: {summary_line(report)}")
                continue
            breaking = True
            print_report(report, f"{path}: {against} -> this commit ({chosen.value})")
    except (_UnusableInput, CoreError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_UNUSABLE) from None
    raise typer.Exit(EXIT_BREAKING if breaking else EXIT_COMPATIBLE)


__all__ = ["print_report", "schema_app"]
