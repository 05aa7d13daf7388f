"""The ``tessera`` command: one Typer app whose sub-commands load lazily (``tessera.cli.lazy``).

Each sub-command is named here with its module and one-line help; its module, and whatever that module
imports (the SDK and HTTP client, the server stack, the diff engine), is imported only when it runs. So
``tessera --help`` and the offline ``tessera schema diff`` start without loading the server or the client.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tessera import __version__
from tessera.cli.lazy import LazyCommand, LazyGroup

COMMANDS: dict[str, LazyCommand] = {
    "serve": LazyCommand(
        "tessera.cli.server:serve", "Start the Tessera server (migrations applied first); API docs at /docs."
    ),
    "worker": LazyCommand(
        "tessera.cli.server:worker",
        "Run the background worker on its own (outbox delivery, proposal expiry).",
    ),
    "demo": LazyCommand(
        "tessera.cli.demo:demo",
        "Start Tessera on a fresh demo database (the shop dbt project, teams, proposals, runs, webhooks).",
    ),
    "db": LazyCommand("tessera.cli.server:db_app", "Database maintenance."),
    "schema": LazyCommand("tessera.cli.schema:schema_app", "Work with schema contracts offline."),
    "team": LazyCommand("tessera.cli.teams:team_app", "Teams that own and consume assets."),
    "user": LazyCommand("tessera.cli.users:user_app", "People, their teams and their chat/VCS handles."),
    "asset": LazyCommand("tessera.cli.assets:asset_app", "Warehouse objects with contracts."),
    "contract": LazyCommand("tessera.cli.contracts:contract_app", "Versioned contracts of an asset."),
    "register": LazyCommand(
        "tessera.cli.register:register_app", "Register your team as a consumer of an asset."
    ),
    "proposal": LazyCommand(
        "tessera.cli.proposals:proposal_app", "Proposed breaking changes and the consumers' answers."
    ),
    "api-key": LazyCommand("tessera.cli.api_keys:api_key_app", "API keys of teams."),
    "dbt": LazyCommand(
        "tessera.cli.dbt:dbt_app",
        "dbt manifests: sync after merge, check in pull requests.",
        also=("tessera.cli.quality",),  # dbt results, dbt freshness
    ),
    "openapi": LazyCommand(
        "tessera.cli.sources:openapi_app",
        "OpenAPI 3.0/3.1 documents (JSON or YAML): sync after merge, check in pull requests, diff offline.",
    ),
    "graphql": LazyCommand(
        "tessera.cli.sources:graphql_app",
        "GraphQL schemas (SDL or introspection JSON): sync after merge, check in pull requests, diff "
        "offline.",
    ),
    "sqlmesh": LazyCommand(
        "tessera.cli.sqlmesh:sqlmesh_app",
        "SQLMesh projects: sync after merge, check in pull requests (needs an environment with sqlmesh).",
    ),
    "ci": LazyCommand("tessera.cli.ci:ci_app", "Helpers for CI pipelines."),
    "impact": LazyCommand(
        "tessera.cli.impact:impact_app", "Dry-run a schema against an asset: nothing is written."
    ),
    "registration": LazyCommand(
        "tessera.cli.registrations:registration_app", "Consumer registrations: list, change, remove."
    ),
    "webhook": LazyCommand("tessera.cli.webhooks:webhook_app", "Signed event deliveries to your endpoints."),
    "audit": LazyCommand("tessera.cli.audit:audit_app", "The audit log."),
    "gx": LazyCommand("tessera.cli.quality:gx_app", "Great Expectations: upload validation results."),
}


class TesseraGroup(LazyGroup):
    """The root group: every sub-command in :data:`COMMANDS`, loaded when it runs."""

    lazy = COMMANDS


app = typer.Typer(
    name="tessera",
    help="Tessera: coordinate data contracts between teams.",
    no_args_is_help=True,
    cls=TesseraGroup,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tessera {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Tessera: coordinate data contracts between teams."""


def run() -> None:
    """Console-script entry point."""
    app()
