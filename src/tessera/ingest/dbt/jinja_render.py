"""Render a dbt model's ``raw_code`` into SQL without dbt, for the column-lineage analysis.

A small sandboxed Jinja environment resolves what decides which relations and columns a model reads:
``ref`` (one or two names, ``v=``/``version=``), ``source``, ``this``, ``config`` (renders nothing),
``var`` (its default), ``env_var`` (its default), ``is_incremental()`` (False, as on a first run) and
``target`` (name/schema/type). Any other macro becomes an opaque call: ``dbt_utils.star(ref('x'))``
renders as the SQL function call ``dbt_utils__star("db"."s"."x")`` and its name is reported, so the
analysis can tell a macro that produces the select list (it falls back) from a macro used as an
expression. Nothing is executed against a warehouse.

Most models use nothing but ``{{ ref() }}``, ``{{ source() }}``, ``{{ config() }}``, ``{{ this }}``,
macro calls with literal arguments and an ``{% if is_incremental() %}`` block: those are substituted
directly, with the same result as Jinja (whose template compilation costs a millisecond or more per
model, which matters for thousands of models); anything else goes through Jinja.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError, Undefined
from jinja2.sandbox import SandboxedEnvironment


class RenderError(Exception):
    """The template cannot be rendered; the message says why (shown as the fallback reason)."""


@dataclass(frozen=True, slots=True)
class Relation:
    """What ``ref``/``source``/``this`` return: renders as a quoted ``database.schema.identifier``."""

    database: str | None
    schema: str | None
    identifier: str
    quote: str = '"'
    """The dialect's identifier quote: ``"`` (ANSI) or a backtick (BigQuery, Spark, Databricks, MySQL)."""

    @property
    def name(self) -> str:
        """The identifier, as dbt's Relation.name."""
        return self.identifier

    def __str__(self) -> str:
        parts = (self.database, self.schema, self.identifier)
        q = self.quote
        return ".".join(q + part.replace(q, q + q) + q for part in parts if part)


RefResolver = Callable[[str | None, str, str | None], Relation | None]
"""``(package, name, version) -> Relation`` of a parent, or None when it is not a parent."""
SourceResolver = Callable[[str, str], Relation | None]


@dataclass(frozen=True, slots=True)
class RenderContext:
    """How one model's template resolves its relations."""

    ref: RefResolver
    source: SourceResolver
    this: Relation
    adapter_type: str | None


@dataclass(frozen=True, slots=True)
class Rendered:
    """The SQL and the (SQL-safe) names of the opaque macro calls it contains."""

    sql: str
    macros: frozenset[str]


_calls: ContextVar[set[str]] = ContextVar("_calls")


def _sql_literal(value: object) -> str:
    if isinstance(value, (Relation, _Opaque)):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_sql_literal(item) for item in value)
    if isinstance(value, dict):
        return "null"
    return "'" + str(value).replace("'", "''") + "'"


class _Opaque:
    """An unknown macro (or attribute of one): renders as a SQL function call, iterates as empty."""

    def __init__(self, name: str, rendered: str | None = None) -> None:
        self._name = name
        self._rendered = rendered

    def __getattr__(self, attribute: str) -> _Opaque:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return _Opaque(f"{self._name}.{attribute}")

    def __call__(self, *args: object, **kwargs: object) -> _Opaque:
        function = re.sub(r"\W", "_", self._name.replace(".", "__"))
        _calls.get().add(function.lower())
        values = [*args, *kwargs.values()]
        inner = ", ".join(text for text in (_sql_literal(v) for v in values) if text)
        return _Opaque(self._name, f"{function}({inner})")

    def __str__(self) -> str:
        if self._rendered is None:
            return self.__call__()._rendered or ""
        return self._rendered

    def __iter__(self) -> Iterator[object]:
        return iter(())

    def _combine(self, *_: object) -> _Opaque:
        # `{{ var('days') - 1 }}`: arithmetic on an unknown value stays unknown (and opaque).
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _combine
    __truediv__ = __rtruediv__ = __floordiv__ = __mod__ = __neg__ = _combine

    def __bool__(self) -> bool:
        return False

    def __len__(self) -> int:
        return 0


class _OpaqueUndefined(Undefined):
    """Jinja's value for an unknown name: call it and it becomes an opaque macro call."""

    __slots__ = ()

    def __call__(self, *args: object, **kwargs: object) -> Any:
        return _Opaque(self._undefined_name or "macro")(*args, **kwargs)

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return _Opaque(f"{self._undefined_name or 'macro'}.{attribute}")

    def __str__(self) -> str:
        return str(_Opaque(self._undefined_name or "macro"))


class _Config:
    """``config(...)`` renders nothing; ``config.get(key, default)`` gives the default."""

    def __call__(self, *args: object, **kwargs: object) -> str:
        return ""

    def get(self, key: str, default: object = None) -> object:
        return default

    def require(self, key: str) -> _Opaque:
        return _Opaque(f"config.require.{key}")


@dataclass(frozen=True, slots=True)
class _Target:
    name: str
    schema: str | None
    database: str | None
    type: str | None


_ENVIRONMENT = SandboxedEnvironment(undefined=_OpaqueUndefined, extensions=["jinja2.ext.do"])


def render(raw_code: str, context: RenderContext) -> Rendered:
    """Render ``raw_code`` (see the module docstring); raises :class:`RenderError`."""
    fast = _render_simple(raw_code, context)
    if fast is not None:
        return fast
    calls: set[str] = set()
    token = _calls.set(calls)
    try:
        template = _ENVIRONMENT.from_string(raw_code)
        sql = template.render(_globals(context))
    except TemplateError as exc:
        raise RenderError(
            f"its Jinja cannot be rendered without dbt ({exc.message or type(exc).__name__})"
        ) from None
    except RenderError:
        raise
    except Exception as exc:
        raise RenderError(f"its Jinja cannot be rendered without dbt ({type(exc).__name__}: {exc})") from None
    finally:
        _calls.reset(token)
    return Rendered(sql, frozenset(calls))


def _globals(context: RenderContext) -> dict[str, object]:
    def ref(*names: str, v: object = None, version: object = None, **_: object) -> Relation:
        if not names or len(names) > 2 or not all(isinstance(n, str) for n in names):
            raise RenderError(f"ref{names!r} is not a ref the analysis understands")
        package, name = (None, names[0]) if len(names) == 1 else names
        pinned = v if v is not None else version
        relation = context.ref(package, name, None if pinned is None else str(pinned))
        if relation is None:
            raise RenderError(f"ref('{name}') is not one of the model's parents")
        return relation

    def source(source_name: str, table_name: str) -> Relation:
        relation = context.source(source_name, table_name)
        if relation is None:
            raise RenderError(f"source('{source_name}', '{table_name}') is not one of the model's parents")
        return relation

    def var(name: str, default: object = None) -> object:
        return _Opaque("var")(name) if default is None else default

    def env_var(name: str, default: object = None) -> object:
        return _Opaque("env_var")(name) if default is None else default

    return {
        "ref": ref,
        "source": source,
        "this": context.this,
        "config": _Config(),
        "var": var,
        "env_var": env_var,
        "is_incremental": lambda: False,
        "should_full_refresh": lambda: False,
        "execute": False,
        "flags": _Opaque("flags"),
        "log": lambda *args, **kwargs: "",
        "print": lambda *args, **kwargs: "",
        "target": _Target(
            name="default",
            schema=context.this.schema,
            database=context.this.database,
            type=context.adapter_type,
        ),
    }


# {{ ref('x') }}, {{ source('s', 't') }}, {{ config(...) }}, {{ this }}, {{ var('x', 1) }}, {{ macro('a') }}
_EXPRESSION = re.compile(r"\{\{-?(.*?)-?\}\}", re.DOTALL)
_SIMPLE_CALL = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*\((.*)\)\s*$", re.DOTALL)
# An is_incremental() block without nested tags renders nothing on a first run.
_INCREMENTAL_BLOCK = re.compile(
    r"\{%-?\s*if\s+is_incremental\(\)\s*-?%\}((?:(?!\{%).)*)\{%-?\s*endif\s*-?%\}", re.DOTALL
)
_BUILTINS = frozenset({"ref", "source", "config", "var", "env_var"})


def _render_simple(raw_code: str, context: RenderContext) -> Rendered | None:
    """Render the common, tag-free templates without Jinja, or None if the template needs Jinja."""
    if "{%" in raw_code:
        raw_code = _INCREMENTAL_BLOCK.sub("", raw_code)
    if "{%" in raw_code or "{#" in raw_code:
        return None
    out: list[str] = []
    macros: set[str] = set()
    position = 0
    for match in _EXPRESSION.finditer(raw_code):
        replacement = _simple_expression(match.group(1), context, macros)
        if replacement is None:
            return None
        out.append(raw_code[position : match.start()])
        out.append(replacement)
        position = match.end()
    out.append(raw_code[position:])
    return Rendered("".join(out), frozenset(macros))


def _simple_expression(text: str, context: RenderContext, macros: set[str]) -> str | None:
    if text.strip() == "this":
        return str(context.this)
    match = _SIMPLE_CALL.match(text)
    if match is None:
        return None
    function, arguments = match.group(1), match.group(2)
    if function == "config":
        return ""
    try:
        call = ast.parse(f"f({arguments})", mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(call, ast.Call) or not all(isinstance(a, ast.Constant) for a in call.args):
        return None
    if not all(isinstance(k.value, ast.Constant) and k.arg for k in call.keywords):
        return None
    args = [a.value for a in call.args if isinstance(a, ast.Constant)]
    kwargs = {str(k.arg): k.value.value for k in call.keywords if isinstance(k.value, ast.Constant)}
    if function not in _BUILTINS:
        token = _calls.set(macros)
        try:
            return str(_Opaque(function)(*args, **kwargs))
        finally:
            _calls.reset(token)
    if function in ("var", "env_var"):
        default = args[1] if len(args) > 1 else kwargs.get("default")
        return None if default is None else str(default)
    if not all(isinstance(a, str) for a in args):
        return None
    names = [str(a) for a in args]
    if function == "source":
        if len(names) != 2 or kwargs:
            return None
        relation = context.source(names[0], names[1])
        return None if relation is None else str(relation)
    if not 1 <= len(names) <= 2 or set(kwargs) - {"v", "version"}:
        return None
    package, name = (None, names[0]) if len(names) == 1 else (names[0], names[1])
    pinned = kwargs.get("v", kwargs.get("version"))
    relation = context.ref(package, name, None if pinned is None else str(pinned))
    # An unknown parent goes through Jinja, whose error message says which ref failed.
    return None if relation is None else str(relation)
