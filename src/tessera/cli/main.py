"""The ``tessera`` command: one Typer app; sub-command groups register themselves here."""

from __future__ import annotations

import typer

from tessera.cli.api_keys import api_key_app
from tessera.cli.assets import asset_app
from tessera.cli.ci import ci_app
from tessera.cli.contracts import contract_app
from tessera.cli.dbt import dbt_app
from tessera.cli.demo import demo
from tessera.cli.proposals import proposal_app
from tessera.cli.register import register_app
from tessera.cli.schema import schema_app
from tessera.cli.server import db_app, serve, worker
from tessera.cli.sources import graphql_app, openapi_app
from tessera.cli.teams import team_app
from tessera.cli.users import user_app

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
app.add_typer(ci_app, name="ci")


def run() -> None:
    """Console-script entry point."""
    app()
