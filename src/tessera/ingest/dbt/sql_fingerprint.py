"""Fingerprints of SQL expressions for the column-lineage analysis (:mod:`tessera.ingest.dbt.sql_lineage`).

A fingerprint is a structural text of an expression in which every column and table is replaced by what
it denotes (a parent's column, or the fingerprint of the CTE or subquery it comes from): renaming an
alias keeps it, changing a computation changes it. The analysis stores a short hash of it per output
column, so the text must not depend on the process (no ``hash()``, no ids).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.optimizer.scope import Scope

from tessera.ingest.dbt.sql_values import LineageError, Out, Parent, compact


class Fingerprints:
    """The fingerprints of one query's expressions, memoised per scope: a base of the analysis
    (a mixin rather than a helper object, so the analysis holds no reference cycle)."""

    scope_fps: dict[int, str]
    scope_fps_in_progress: set[int]
    if TYPE_CHECKING:  # what the analysis (sql_lineage._Analysis) provides
        outputs: dict[int, dict[str, Out]]
        scope_of: dict[int, Scope]

        def resolve(self, column: exp.Column, scope: Scope, own: dict[str, Out] | None) -> Out: ...
        def selected(self, scope: Scope) -> dict[str, object]: ...
        def outputs_of(self, scope: Scope) -> dict[str, Out]: ...

    def scope_fp(self, scope: Scope) -> str:
        """A scope's outputs and clauses."""
        key = id(scope)
        cached = self.scope_fps.get(key)
        if cached is not None:
            return cached
        if key in self.scope_fps_in_progress:
            return "scope"  # the scope's own text names a column that may come from the scope itself
        self.scope_fps_in_progress.add(key)
        try:
            text = compact(self._scope_fp(scope))
        finally:
            self.scope_fps_in_progress.discard(key)
        self.scope_fps[key] = text
        return text

    def _scope_fp(self, scope: Scope) -> str:
        outs = ",".join(f"{n}={o.fingerprint}" for n, o in self.outputs_of(scope).items())
        expression = scope.expression
        parts = [outs]
        if not isinstance(expression, exp.SetOperation):
            for arg_key, value in expression.args.items():
                if arg_key in ("expressions", "with_", "with"):
                    continue
                for part in value if isinstance(value, list) else [value]:
                    if isinstance(part, exp.Expr):
                        parts.append(self.fp(part, scope))
        return "|".join(parts)

    def fp(self, node: exp.Expr, scope: Scope) -> str:
        """A structural text of ``node`` in which columns and tables are replaced by what they denote."""
        if type(node) is exp.Column:
            if isinstance(node.this, exp.Star):
                return "*"
            try:
                return self.resolve(node, scope, self.outputs.get(id(scope))).fingerprint
            except LineageError:
                return f"?{node.sql()}"
        child = self.scope_of.get(id(node))
        if child is not None and child is not scope:
            return f"Q({self.scope_fp(child)})"
        if isinstance(node, exp.Table):
            source = self.selected(scope).get(node.alias_or_name.lower())
            if isinstance(source, Parent):
                return source.node
            if isinstance(source, Scope):
                return f"Q({self.scope_fp(source)})"
        if isinstance(node, exp.TableAlias):
            return ""
        parts = [node.key]
        for arg_key, value in node.args.items():
            if arg_key == "alias" or value is None or value is False:
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, exp.Expr):
                    parts.append(self.fp(item, scope))
                else:
                    parts.append(f"{arg_key}={item}")
        return "(" + " ".join(parts) + ")"
