"""``tessera serve``, ``tessera db upgrade`` and ``tessera worker``: running Tessera itself."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tessera.config import Settings

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


def load_settings() -> Settings:
    """The settings from the environment; a configuration mistake exits 2 with what to fix, no traceback."""
    from pydantic import ValidationError

    from tessera.config import get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]).upper()
            message = str(error["msg"]).removeprefix("Value error, ")
            typer.secho(f"Configuration error: {where + ': ' if where else ''}{message}", fg="red", err=True)
        raise typer.Exit(2) from None


def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to bind (default from HOST, else 127.0.0.1)")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from PORT, else 8000)")] = None,
    migrate: Annotated[bool, typer.Option(help="Apply database migrations first")] = True,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development)")] = False,
) -> None:
    """Start the Tessera server (migrations applied first); API docs at /docs."""
    import uvicorn

    from tessera.db.migrate import upgrade

    settings = load_settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if migrate:
        upgrade(settings.database_url)
    if settings.auth_disabled:
        typer.secho(
            "AUTH_DISABLED=true: every request acts as admin. Development only.", fg="yellow", err=True
        )
    uvicorn.run(
        "tessera.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        log_level="info",
    )


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Apply migrations to DATABASE_URL (the SQLite file under ./data by default)."""
    from tessera.db.migrate import upgrade

    upgrade(load_settings().database_url, revision)
    typer.echo(f"Database is at {revision}.")


def worker() -> None:
    """Run the background worker on its own (outbox delivery, proposal expiry)."""
    from tessera.db.engine import create_engine, create_session_factory
    from tessera.worker.runner import BackgroundWorker

    settings = load_settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    async def main() -> None:
        engine = create_engine(settings.database_url, transaction_pooler=settings.db_transaction_pooler)
        runner = BackgroundWorker(create_session_factory(engine), settings)
        runner.start()
        try:
            await asyncio.Event().wait()
        finally:
            await runner.stop()
            await engine.dispose()

    asyncio.run(main())
