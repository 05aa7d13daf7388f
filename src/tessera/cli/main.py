"""The ``tessera`` command: one Typer app; sub-command groups register themselves here."""

from __future__ import annotations

import typer

app = typer.Typer(name="tessera", help="Tessera: coordinate data contracts between teams.", no_args_is_help=True)


def run() -> None:
    """Console-script entry point."""
    app()
