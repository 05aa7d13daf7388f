"""``tessera demo``: Tessera on a fresh, seeded SQLite file, ready to click through."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Annotated

import typer

# The same path as tessera.demo.runner.DEFAULT_DATABASE (tests/cli/test_demo.py checks), spelled here so
# that the client commands load without the server's packages (the GitHub Action installs only the client).
DEFAULT_DATABASE = Path("data") / "demo.db"


def demo(
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port")] = 8000,
    database: Annotated[
        Path, typer.Option(help="SQLite file of the demo: deleted and recreated on every start")
    ] = DEFAULT_DATABASE,
    serve: Annotated[
        bool, typer.Option(help="Serve after seeding (--no-serve: seed, print keys, exit)")
    ] = True,
) -> None:
    """Start Tessera on a fresh demo database (the shop dbt project, teams, proposals, runs, webhooks)."""
    import uvicorn

    from tessera.app import create_app
    from tessera.demo.runner import prepare_demo, sign_in_text

    typer.echo(f"Seeding a fresh demo database at {database} ...")
    started = time.perf_counter()
    demo_run = prepare_demo(database, f"http://{host}:{port}")
    try:
        typer.echo(f"Seeded in {time.perf_counter() - started:.1f} s.")
        typer.echo(sign_in_text(demo_run))
        if serve:
            typer.echo("Press Ctrl+C to stop.")
            logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
            uvicorn.run(create_app(demo_run.settings), host=host, port=port, log_level="info")
    finally:
        demo_run.receiver.stop()
