"""What every client command shares: connection options, output mode and the one error handler.

Each command is declared with :func:`command`, which adds ``--url``, ``--api-key``, ``--json`` and
``--debug`` to its options and runs it inside :meth:`Ctx.guard`: any failure becomes one line on stderr and a
non-zero exit (the traceback only with ``--debug``).
"""

from __future__ import annotations

import functools
import inspect
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Annotated, Any, NoReturn, get_type_hints

import pydantic
import typer
from rich.console import Console
from rich.table import Table

from tessera_sdk import APIError, TesseraClient, TesseraError
from tessera_sdk.models import JsonValue

DEFAULT_URL = "http://127.0.0.1:8000"
EXIT_ERROR = 1

UrlOption = Annotated[
    str, typer.Option("--url", envvar="TESSERA_URL", help="Tessera server URL.", show_default=True)
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--api-key", envvar="TESSERA_API_KEY", help="API key (or TESSERA_API_KEY).", show_default=False
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of tables.")]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")]


class CliError(Exception):
    """A user-facing failure with its exit code (the message is printed as is)."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Ctx:
    """One command invocation: where to connect, how to print, how to fail."""

    url: str
    api_key: str | None
    json: bool = False
    debug: bool = False
    error_exit: int = EXIT_ERROR
    out: Console = field(default_factory=lambda: Console(soft_wrap=True))
    err: Console = field(default_factory=lambda: Console(stderr=True, soft_wrap=True))
    _client: TesseraClient | None = None

    def client(self, *, timeout: float = 30.0) -> TesseraClient:
        """The SDK client (one per invocation)."""
        if self._client is None:
            self._client = TesseraClient(self.url, self.api_key, timeout=timeout)
        return self._client

    def close(self) -> None:
        """Close the client's connections."""
        if self._client is not None:
            self._client.close()

    def fail(self, message: str, exit_code: int | None = None) -> NoReturn:
        """Stop with one error line."""
        raise CliError(message, self.error_exit if exit_code is None else exit_code)

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn every failure into one clear line on stderr and a non-zero exit."""
        try:
            yield
        except (typer.Exit, typer.Abort):
            raise
        except Exception as exc:
            if self.debug:
                raise
            code = exc.exit_code if isinstance(exc, CliError) else self.error_exit
            self.err.print(f"[red]error:[/red] {describe(exc)}", markup=True, highlight=False)
            raise typer.Exit(code) from None
        finally:
            self.close()

    # --- output ------------------------------------------------------------------------------------

    def emit_json(self, value: object) -> None:
        """Print ``value`` (models, lists of models, plain JSON) as indented JSON on stdout."""
        typer.echo(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))

    def table(self, title: str | None, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """Print a Rich table."""
        table = Table(title=title, title_justify="left", show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(cell_text(v) for v in row))
        self.out.print(table)

    def fields(self, title: str, pairs: Sequence[tuple[str, object]]) -> None:
        """Print a two-column key/value table."""
        table = Table(title=title, title_justify="left", show_header=False)
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for key, value in pairs:
            table.add_row(key, cell_text(value))
        self.out.print(table)

    def say(self, message: str) -> None:
        """A human line on stdout (suppressed with ``--json``)."""
        if not self.json:
            self.out.print(message, highlight=False)


# API errors that name a request field, said with the flag the user types instead.
_HINTS = {
    "team_required": "this key belongs to no team: pass --team to say which team acts",
}


def describe(exc: BaseException) -> str:
    """A one-line description of a failure."""
    if isinstance(exc, APIError):
        text = f"{exc.message} ({exc.code}, HTTP {exc.status})"
        if exc.status == 401:
            text += "; set --api-key or TESSERA_API_KEY"
        elif exc.code in _HINTS:
            text = f"{_HINTS[exc.code]} ({exc.code}, HTTP {exc.status})"
    elif isinstance(exc, FileNotFoundError):
        text = f"file not found: {exc.filename}"
    elif isinstance(exc, OSError) and exc.filename:
        text = f"cannot read {exc.filename}: {exc.strerror}"
    elif isinstance(exc, json.JSONDecodeError):
        text = f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
    elif isinstance(exc, TesseraError | CliError | ValueError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


def to_jsonable(value: object) -> JsonValue:
    """Models and lists of models as plain JSON values."""
    if isinstance(value, pydantic.BaseModel):
        dumped: JsonValue = value.model_dump(mode="json", by_alias=True)
        return dumped
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def cell_text(value: object) -> str:
    """A table cell: ``-`` for nothing, lists joined, the rest as text."""
    if value is None or value == [] or value == "":
        return "-"
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


_COMMON = {
    "url": (UrlOption, DEFAULT_URL),
    "api_key": (KeyOption, None),
    "json_output": (JsonOption, False),
    "debug": (DebugOption, False),
}


def command(
    group: typer.Typer, name: str | None, *, error_exit: int = EXIT_ERROR
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register ``fn(ctx, ...)`` as ``group``'s command ``name`` with the common options added.

    With ``name=None`` the function becomes the group's own action (``tessera register ASSET``).
    """

    def decorate(fn: Callable[..., None]) -> Callable[..., None]:
        hints = get_type_hints(fn, include_extras=True)
        own = [
            p.replace(annotation=hints.get(p.name, p.annotation))
            for p in inspect.signature(fn).parameters.values()
            if p.name != "ctx"
        ]
        common = [
            inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=ann, default=default)
            for n, (ann, default) in _COMMON.items()
        ]

        @functools.wraps(fn)
        def wrapper(**kwargs: Any) -> None:
            ctx = Ctx(
                url=kwargs.pop("url"),
                api_key=kwargs.pop("api_key"),
                json=kwargs.pop("json_output"),
                debug=kwargs.pop("debug"),
                error_exit=error_exit,
            )
            with ctx.guard():
                fn(ctx, **kwargs)

        params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + common
        wrapper.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in params}
        del wrapper.__wrapped__  # Typer must see the new signature, not the original's
        if name is None:
            # A group acting as a command: let options follow its argument (``register ASSET --columns x``).
            as_command = group.callback(
                invoke_without_command=True,
                context_settings={"allow_interspersed_args": True},
                subcommand_metavar="",
            )
            as_command(wrapper)
        else:
            group.command(name)(wrapper)
        return fn

    return decorate


def stdin_is_terminal() -> bool:
    """True when running interactively (progress bars only then)."""
    return sys.stderr.isatty()


def as_utc(moment: datetime | None) -> datetime | None:
    """A time typed on the command line: without a zone it means UTC (the API refuses naive times)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def parse_moment(text: str | None, flag: str) -> datetime | None:
    """A date or time typed after ``flag`` (``2030-01-31``, ``2030-01-31T17:00``, ``...+02:00``), in UTC
    unless a zone is given; a clear error naming the flag otherwise."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CliError(
            f"{flag}: {text!r} is not a date; write it as 2030-01-31 or 2030-01-31T17:00 "
            "(UTC unless a zone such as +02:00 is given)"
        ) from None
    return as_utc(moment)
