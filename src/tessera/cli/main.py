"""The ``tessera`` command: one Typer app; sub-command groups register themselves here."""

from __future__ import annotations

from typing import Annotated

import typer

from tessera import __version__
from tessera.cli.api_keys import api_key_app
from tessera.cli.assets import asset_app
from tessera.cli.audit import audit_app
from tessera.cli.ci import ci_app
from tessera.cli.contracts import contract_app
from tessera.cli.dbt import dbt_app
from tessera.cli.demo import demo
from tessera.cli.impact import impact_app
from tessera.cli.proposals import proposal_app
from tessera.cli.quality import gx_app
from tessera.cli.register import register_app
from tessera.cli.registrations import registration_app
from tessera.cli.schema import schema_app
from tessera.cli.server import db_app, serve, worker
from tessera.cli.sources import graphql_app, openapi_app
from tessera.cli.sqlmesh import sqlmesh_app
from tessera.cli.teams import team_app
from tessera.cli.users import user_app
from tessera.cli.webhooks import webhook_app

app = typer.Typer(
    name="tessera", help="Tessera: coordinate data contracts between teams.", no_args_is_help=True
)
app.command()(serve)
app.command()(worker)
app.command()(demo)
app.add_typer(db_app, name="db")
app.add_typer(schema_app, name="schema")
app.add_typer(team_app, name="team")
app.add_typer(user_app, name="user")
app.add_typer(asset_app, name="asset")
app.add_typer(contract_app, name="contract")
app.add_typer(register_app, name="register")
app.add_typer(proposal_app, name="proposal")
app.add_typer(api_key_app, name="api-key")
app.add_typer(dbt_app, name="dbt")
app.add_typer(openapi_app, name="openapi")
app.add_typer(graphql_app, name="graphql")
app.add_typer(sqlmesh_app, name="sqlmesh")
app.add_typer(ci_app, name="ci")
app.add_typer(impact_app, name="impact")
app.add_typer(registration_app, name="registration")
app.add_typer(webhook_app, name="webhook")
app.add_typer(audit_app, name="audit")
app.add_typer(gx_app, name="gx")


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
