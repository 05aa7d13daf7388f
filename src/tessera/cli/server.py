"""``tessera serve``, ``tessera db upgrade`` and ``tessera worker``: running Tessera itself."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Annotated

import typer

from tessera.perf import pause_gc_for_startup

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


def check_port_free(host: str, port: int) -> None:
    """Exit 2 at once, naming the setting, when ``host:port`` cannot be bound (before any migration)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        typer.secho(
            f"Configuration error: HOST {host!r} does not resolve ({exc.strerror}).", fg="red", err=True
        )
        raise typer.Exit(2) from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            typer.secho(
                f"Cannot listen on {host}:{port}: {exc.strerror}. Another program uses it: stop it, or "
                "choose another port with PORT=... (or --port).",
                fg="red",
                err=True,
            )
            raise typer.Exit(2) from None


def upgrade_or_exit(database_url: str, revision: str = "head") -> None:
    """Apply the migrations; a database that cannot be reached or used exits 2 with one line saying why."""
    from tessera.db.migrate import upgrade

    try:
        upgrade(database_url, revision)
    except Exception as exc:
        typer.secho(f"Database error: {database_problem(exc)}", fg="red", err=True)
        raise typer.Exit(2) from None


def database_problem(exc: BaseException) -> str:
    """One line saying why the database could not be used, from the innermost cause of ``exc``."""
    inner = exc
    while (cause := inner.__cause__ or inner.__context__) is not None and cause is not inner:
        inner = cause
    name = type(inner).__name__
    text = (str(inner).strip().splitlines() or [""])[0]
    if name == "InvalidCatalogNameError":
        return f"{text}. Create it (e.g. createdb), or point DATABASE_URL at an existing database."
    if name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
        return f"{text}. Check the user and password in DATABASE_URL."
    if isinstance(inner, ConnectionRefusedError) or (
        isinstance(inner, OSError) and name != "OperationalError"
    ):
        return f"cannot connect to the database server ({text or name}). Is it running? Check DATABASE_URL."
    return f"{name}: {text}" if text else name


def serve(
    host: Annotated[
        str | None, typer.Option(help="Interface to bind (default from HOST, else 127.0.0.1)")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from PORT, else 8000)")] = None,
    migrate: Annotated[bool, typer.Option(help="Apply database migrations first")] = True,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development)")] = False,
) -> None:
    """Start the Tessera server (migrations applied first); API docs at /docs."""
    if not reload:  # with --reload this process only watches files; the server runs in a child
        # Collection resumes, with what start-up built frozen, when the app's lifespan has started.
        pause_gc_for_startup()
    import uvicorn

    settings = load_settings()
    check_port_free(host or settings.host, port or settings.port)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if migrate:
        upgrade_or_exit(settings.database_url)
    if not settings.auth_disabled and not settings.bootstrap_api_key:
        typer.secho(
            "Auth is on: every request needs an API key. Without keys yet, set BOOTSTRAP_API_KEY (an admin "
            "key you choose) and restart, then create team keys with 'tessera api-key create'; or try "
            "'tessera demo' for a seeded server with keys.",
            fg="yellow",
            err=True,
        )
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
    upgrade_or_exit(load_settings().database_url, revision)
    typer.echo(f"Database is at {revision}.")


@db_app.command("grant-app-role")
def db_grant_app_role(
    role: Annotated[str, typer.Argument(help="An existing PostgreSQL role (CREATE ROLE ... LOGIN first)")],
) -> None:
    """Give ROLE least privilege on DATABASE_URL (PostgreSQL): rows only, the audit log append-only."""
    from tessera.db.roles import app_role_grants

    settings = load_settings()
    if settings.is_sqlite:
        typer.secho(
            "Database error: roles exist on PostgreSQL only; DATABASE_URL is SQLite.", fg="red", err=True
        )
        raise typer.Exit(2)
    try:
        statements = app_role_grants(role)
    except ValueError as exc:
        typer.secho(f"Configuration error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    try:
        asyncio.run(_execute_all(settings.database_url, statements))
    except Exception as exc:  # every failure is one line naming the cause
        typer.secho(f"Database error: {database_problem(exc)}", fg="red", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{role} may now read and write rows; run the server as {role} with --no-migrate.")


async def _execute_all(database_url: str, statements: list[str]) -> None:
    import sqlalchemy as sa

    from tessera.db.engine import create_engine

    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            for statement in statements:
                await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()


def worker() -> None:
    """Run the background worker on its own (outbox delivery, proposal expiry)."""
    from tessera.db.engine import create_engine, create_session_factory
    from tessera.worker.runner import BackgroundWorker

    settings = load_settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    async def main() -> None:
        engine = create_engine(
            settings.database_url,
            transaction_pooler=settings.db_transaction_pooler,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        runner = BackgroundWorker(create_session_factory(engine), settings)
        runner.start()
        logging.getLogger("tessera.worker").info(
            "worker started: outbox delivery (webhooks, Slack, email) and proposal expiry; Ctrl+C stops it"
        )
        try:
            await asyncio.Event().wait()
        finally:
            await runner.stop()
            await engine.dispose()

    asyncio.run(main())
