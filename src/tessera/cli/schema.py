"""``tessera schema ...``: offline work on schema contracts (no server needed)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tessera.core import CompatibilityMode, CoreError, JsonSchema, check_compatibility, validate_schema
from tessera.core.keywords import MAX_DEPTH
from tessera.core.report import COLUMNS, report_rows, suggestion_lines, summary_line

schema_app = typer.Typer(help="Work with schema contracts offline.", no_args_is_help=True)

EXIT_COMPATIBLE, EXIT_BREAKING, EXIT_UNUSABLE = 0, 1, 2


@schema_app.callback()
def schema_group() -> None:
    """Work with schema contracts offline."""


class OutputFormat(StrEnum):
    """How ``schema diff`` prints its report."""

    TEXT = "text"
    JSON = "json"


class _UnusableInput(Exception):
    """A file that cannot be used as a schema; the message names the file and the problem."""


def _load(path: Path) -> JsonSchema:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _UnusableInput(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _UnusableInput(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _UnusableInput(
            f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise _UnusableInput(f"{path}: JSON nested too deeply to read") from None
    try:
        # Offline, on the user's own machine: the engine's limit, not the server's submission caps.
        return validate_schema(value, label=str(path), max_depth=MAX_DEPTH, max_properties=None)
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
        CompatibilityMode, typer.Option("--mode", "-m", help="Compatibility mode to judge the changes by.")
    ] = CompatibilityMode.BACKWARD,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="text (a table) or json (same as --json).")
    ] = OutputFormat.TEXT,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Compare schemas and say whether NEW breaks readers of the earlier versions under MODE.

    With several earlier versions (or a directory of them), the transitive modes compare NEW with every
    one of them, as the server does; the other modes with the latest. Exit code 0: compatible.
    1: breaking changes. 2: unusable input.
    """
    if as_json:
        output = OutputFormat.JSON
    try:
        if len(schemas) < 2:
            raise _UnusableInput("give at least two schemas: the earlier version(s), then the new one")
        *olds, new = schemas
        old_paths = _versions(olds)
        old_schemas = [_load(p) for p in old_paths]
        new_schema = _load(new)
        report = check_compatibility(new_schema, old_schemas, mode)
    except _UnusableInput as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_UNUSABLE) from None
    except CoreError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(EXIT_UNUSABLE) from None
    old = old_paths[-1]

    if output is OutputFormat.JSON:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        console = Console(highlight=False, soft_wrap=False)
        rows = report_rows(report)
        if rows:
            table = Table(title=f"Schema changes: {old} -> {new}", show_lines=False)
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
    raise typer.Exit(EXIT_COMPATIBLE if report.compatible else EXIT_BREAKING)


__all__ = ["schema_app"]
