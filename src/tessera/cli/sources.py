"""``tessera openapi|graphql sync|check|diff``: the same commands for every source but dbt.

``sync`` and ``check`` send the document to the server (``/sync/<source>`` and its ``/impact``) and print
what the dbt commands print, with the same ``--json`` and Markdown shapes, so the GitHub Action works
unchanged. ``diff`` works offline, like ``tessera schema diff``: exit 0 compatible, 1 breaking, 2 unusable.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from tessera.cli.change_request import default_source_ref
from tessera.cli.context import Ctx, command
from tessera.cli.dbt import EnvOption, OwnerOption, finish_check, render_sync
from tessera.cli.lookup import resolve_team_id
from tessera.core import CoreError
from tessera.ingest.compare import compare_projects, summary
from tessera.ingest.source import InvalidSourceError, SourceProject

EXIT_BREAKING, EXIT_UNUSABLE = 1, 2
SOURCE_TIMEOUT = 300.0

DocumentArg = Annotated[Path, typer.Argument(help="The document (a file).", metavar="FILE")]
ProjectOption = Annotated[
    str | None, typer.Option("--project", help="Project name (default: derived from the document).")
]
RefOption = Annotated[
    str | None,
    typer.Option(help="Pull request reference; default github:$GITHUB_REPOSITORY#<PR number>."),
]
MarkdownOption = Annotated[
    Path | None, typer.Option("--markdown", help="Write the Markdown report (for a PR comment) to this file.")
]
ProposeOption = Annotated[
    bool, typer.Option(help="Also open proposals for the breaking changes now (nothing is published).")
]
OldArg = Annotated[Path, typer.Argument(help="The current document.", metavar="OLD")]
NewArg = Annotated[Path, typer.Argument(help="The proposed document.", metavar="NEW")]

Parse = Callable[[bytes, str | None], SourceProject]


def _read(ctx: Ctx, path: Path) -> bytes:
    if not path.is_file():
        ctx.fail(f"file not found: {path}", EXIT_UNUSABLE)
    return path.read_bytes()


def source_app(source: str, label: str, parse: Parse) -> typer.Typer:
    """The ``sync``, ``check`` and ``diff`` commands of one source; ``label`` names its documents."""
    app = typer.Typer(
        help=f"{label}: sync after merge, check in pull requests, diff offline.", no_args_is_help=True
    )

    @command(app, "sync")
    def sync(
        ctx: Ctx,
        document: DocumentArg,
        owner_team: OwnerOption = None,
        environment: EnvOption = "production",
        project: ProjectOption = None,
    ) -> None:
        """Sync a (merged) document: publish compatible changes, propose breaking ones."""
        run_sync(ctx, source, _read(ctx, document), owner_team, environment, project)

    @command(app, "check", error_exit=EXIT_UNUSABLE)
    def check(
        ctx: Ctx,
        document: DocumentArg,
        source_ref: RefOption = None,
        markdown: MarkdownOption = None,
        environment: EnvOption = "production",
        project: ProjectOption = None,
        propose: ProposeOption = False,
    ) -> None:
        """Check a pull request's document: exit 0 when nothing breaking is left unacknowledged, 1 when
        something is, 2 when the input is unusable or the server unreachable."""
        run_check(ctx, source, _read(ctx, document), source_ref, markdown, environment, project, propose)

    @command(app, "diff", error_exit=EXIT_UNUSABLE)
    def diff(ctx: Ctx, old: OldArg, new: NewArg) -> None:
        """Compare two documents offline: exit 0 compatible, 1 breaking, 2 unusable input."""
        projects = []
        for path in (old, new):
            try:
                projects.append(parse(_read(ctx, path), "diff"))
            except InvalidSourceError as exc:
                ctx.fail(f"{path}: {exc.message}", EXIT_UNUSABLE)
        try:
            changes = compare_projects(projects[0], projects[1])
        except CoreError as exc:
            ctx.fail(f"not a usable schema: {exc}", EXIT_UNUSABLE)
        compatible = not any(c.breaking for c in changes)
        if ctx.json:
            ctx.emit_json({"compatible": compatible, "changes": [c.to_dict() for c in changes]})
        else:
            rows = [
                (
                    c.path,
                    c.kind,
                    "BREAKING" if c.breaking else "dangerous" if c.dangerous else "ok",
                    c.message,
                )
                for c in changes
            ]
            if rows:
                ctx.table("Changes", ["Path", "Kind", "Verdict", "Change"], rows)
            counts = summary(changes)
            ctx.say(
                f"{'Compatible' if compatible else 'Breaking'}: {counts['changes']} change(s), "
                f"{counts['breaking']} breaking, {counts['dangerous']} dangerous."
            )
        if not compatible:
            raise typer.Exit(EXIT_BREAKING)

    return app


def run_check(
    ctx: Ctx,
    source: str,
    body: bytes,
    source_ref: str | None,
    markdown: Path | None,
    environment: str,
    project: str | None,
    propose: bool,
) -> None:
    """``check`` of every source: the impact (or, with ``propose``, the proposals), the Markdown report,
    and exit 1 when something breaking is left unacknowledged."""
    ref = source_ref or default_source_ref(os.environ)
    if propose and not ref:
        ctx.fail("--propose needs --source-ref (or GITHUB_REPOSITORY and a pull-request event)")
    resource = getattr(ctx.client(timeout=SOURCE_TIMEOUT), source)
    if propose:
        result = resource.propose(body, source_ref=ref, environment=environment, project=project)
    else:
        result = resource.impact(body, environment=environment, project=project, source_ref=ref)
    finish_check(ctx, result, markdown, proposed=propose, noun="model" if source == "sqlmesh" else "asset")


def run_sync(
    ctx: Ctx, source: str, body: bytes, owner_team: str | None, environment: str, project: str | None
) -> None:
    """``sync`` of every source: send the document, print what the dbt sync prints."""
    client = ctx.client(timeout=SOURCE_TIMEOUT)
    owner = resolve_team_id(client, owner_team)
    result = getattr(client, source).sync(body, owner_team_id=owner, environment=environment, project=project)
    if ctx.json:
        ctx.emit_json(result)
    else:
        render_sync(ctx, result)


def _parser(module: str, function: str, packages: str) -> Parse:
    """The document parser of a source, imported when a document is read offline (``diff``).

    The CLI starts without the parsers, and the GitHub Action's client install, which only sends
    documents to the server, does without their packages; ``diff`` then says what to install.
    """

    def parse(raw: bytes, name: str | None) -> SourceProject:
        try:
            parser: Parse = getattr(importlib.import_module(module), function)
        except ModuleNotFoundError as exc:
            typer.echo(
                f"Reading these documents offline needs the package '{exc.name}', which this install "
                f"lacks: pip install {packages}",
                err=True,
            )
            raise typer.Exit(2) from None
        return parser(raw, name)

    return parse


openapi_app = source_app(
    "openapi",
    "OpenAPI 3.0/3.1 documents (JSON or YAML)",
    _parser("tessera.ingest.openapi", "parse_openapi", "openapi-spec-validator pyyaml"),
)
graphql_app = source_app(
    "graphql",
    "GraphQL schemas (SDL or introspection JSON)",
    _parser("tessera.ingest.graphql", "parse_graphql", "graphql-core"),
)
