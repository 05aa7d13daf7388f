"""The values of the SQL column-lineage analysis (:mod:`tessera.ingest.dbt.sql_lineage`) and its parser."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import Scope

from tessera.ingest.lineage import ColumnSource

Deps = frozenset[ColumnSource]
EMPTY: Deps = frozenset()


class LineageError(Exception):
    """The query cannot be analysed; the message is a short sentence naming the cause."""


@dataclass(frozen=True, slots=True)
class Parent:
    """A relation the query may read: the node's id and its declared columns (None: not declared)."""

    node: str
    columns: tuple[str, ...] | None
    names: frozenset[str] | None = None

    @classmethod
    def of(cls, node: str, columns: Iterable[str] | None) -> Parent:
        """A parent with its columns in declared order (lower case), or undeclared (None)."""
        if columns is None:
            return cls(node, None, None)
        # Declared names are mostly lower case already: keep those strings rather than a copy of each
        # (a 5,000-model project's contracts hold 100,000 of them for the whole sync).
        ordered = tuple(dict.fromkeys(c if (low := c.lower()) == c else low for c in columns))
        return cls(node, ordered, frozenset(ordered))


TableResolver = Callable[[exp.Table], Parent | None]
"""Maps a table reference of the query to its parent, or None when it is not a known relation."""


@dataclass(slots=True)
class QueryLineage:
    """The result of :func:`analyse_query` (column names lower case, in output order)."""

    reads: dict[str, set[str]] = field(default_factory=dict)
    derives: dict[str, Deps] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Out:
    """What one output column depends on, and the fingerprint of its expression."""

    deps: Deps
    fingerprint: str


def parse(sql: str, dialect: str | None) -> exp.Expr:
    """Parse one statement; raises :class:`LineageError` with the parser's first message."""
    try:
        statements = [s for s in sqlglot.parse(sql, dialect=dialect) if s is not None]
    except SqlglotError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LineageError(f"its SQL cannot be parsed ({first[:160]})") from None
    if len(statements) != 1:
        raise LineageError(f"its SQL has {len(statements)} statements, not one query")
    return statements[0]


COMPACT_ABOVE = 256
"""Longer fingerprint texts are replaced by their digest (see :func:`compact`)."""


def compact(text: str) -> str:
    """A fingerprint text, or its digest when it is long.

    A column's text embeds the texts of the scopes it reads, which embed theirs: over a deep chain of
    CTEs the texts grew to hundreds of MB (12 s for one model of a real project). Equal texts still give
    equal digests, and short texts, most columns', stay as they are.
    """
    if len(text) <= COMPACT_ABOVE:
        return text
    return "#" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def merge_outs(outs: list[Out]) -> Out:
    """One output that may be any of ``outs`` (a USING column, an ambiguous name)."""
    if len(outs) == 1:
        return outs[0]
    deps: set[ColumnSource] = set()
    for out in outs:
        deps |= out.deps
    return Out(frozenset(deps), compact("any(" + ",".join(sorted(o.fingerprint for o in outs)) + ")"))


def star_of(item: exp.Expr) -> exp.Star | None:
    """The star of a select item that is `*` or `t.*`, else None."""
    if isinstance(item, exp.Star):
        return item
    if isinstance(item, exp.Column) and isinstance(item.this, exp.Star):
        return item.this
    return None


def correlatable(scope: Scope) -> bool:
    """Whether unresolved columns of ``scope`` may refer to its parent's sources (subqueries)."""
    return scope.is_subquery or scope.is_udtf or (scope.is_derived_table and bool(scope.can_be_correlated))


def release(tree: exp.Expr, root: Scope) -> None:
    """Break the reference cycles of the tree (child -> parent) and of the scopes, so that reference
    counting frees them at once: left to the cyclic collector, its passes cost ~30% of the analysis."""
    for scope in root.traverse():
        scope.parent = None
    for node in tree.walk():
        node.parent = None
