"""Column lineage of one SQL query: which parent columns it reads and what each output comes from.

The query is parsed once with sqlglot and its scopes (``sqlglot.optimizer.scope``: the root select,
CTEs, derived tables, subqueries, set operations) are walked once, bottom-up and memoised, without
sqlglot's ``qualify`` or ``lineage`` (both cost several times the parse). Column references are resolved
here: a qualified column through its table alias, an unqualified one through the selected source that
declares it (a parent's contract columns or a CTE's outputs); ``select *`` and ``t.*`` expand from the
same columns.

What a query *reads* is what its result depends on: the inputs of every output column, plus every column
in a where/join/group by/having/qualify/order by/window clause of each scope the result is built from.
A CTE's output that nobody selects is not read. A column that cannot be pinned to one parent column is
recorded as :data:`ANY_COLUMN` of the parents concerned, with a note saying why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import Scope, build_scope, walk_in_scope

from tessera.ingest.dbt.sql_fingerprint import Fingerprints
from tessera.ingest.dbt.sql_values import (
    EMPTY,
    Deps,
    LineageError,
    Out,
    Parent,
    QueryLineage,
    TableResolver,
    compact,
    correlatable,
    merge_outs,
    parse,
    release,
    star_of,
)
from tessera.ingest.lineage import ANY_COLUMN, ColumnSource

__all__ = ["LineageError", "Parent", "QueryLineage", "TableResolver", "analyse_query", "parse"]


def analyse_query(tree: exp.Expr, resolve: TableResolver, macros: Iterable[str] = ()) -> QueryLineage:
    """Analyse a parsed query (see the module docstring); raises :class:`LineageError`.

    ``macros`` are the SQL function names that stand for unrendered dbt macros: one that makes up a
    whole select item means the select list is generated, which cannot be analysed.
    """
    if not isinstance(tree, exp.Query):
        raise LineageError("its SQL is not a query")
    try:
        root = build_scope(tree)
    except SqlglotError as exc:
        raise LineageError(f"its SQL cannot be analysed ({exc})") from None
    if root is None:
        raise LineageError("its SQL is not a query")
    macro_names = frozenset(macros)
    for cte in tree.find_all(exp.CTE):
        body = cte.this
        if not isinstance(body, exp.Query):
            name = body.name if isinstance(body, exp.Anonymous) else body.key
            source = f"the macro `{name}`" if name.lower() in macro_names else f"`{name}`"
            raise LineageError(f"its CTE `{cte.alias}` comes from {source}, not a query")
    try:
        return _Analysis(root, resolve, macro_names).run()
    finally:
        release(tree, root)


class _Analysis(Fingerprints):
    def __init__(self, root: Scope, resolve: TableResolver, macros: frozenset[str]) -> None:
        self.root = root
        self.resolve_table = resolve
        self.macros = macros
        self.scope_of: dict[int, Scope] = {id(s.expression): s for s in root.traverse()}
        self.outputs: dict[int, dict[str, Out]] = {}
        self.conds: dict[int, Deps] = {}
        self.sources: dict[int, dict[str, object]] = {}
        self.parents: dict[int, Parent] = {}
        self.parent_outs: dict[tuple[str, str], Out] = {}
        self.star_sources: dict[int, list[tuple[str, object]]] = {}
        self.notes: list[str] = []
        self.scope_fps: dict[int, str] = {}
        self.conds_in_progress: set[int] = set()
        self.scope_fps_in_progress: set[int] = set()

    def run(self) -> QueryLineage:
        outputs = self.outputs_of(self.root)
        result = QueryLineage(notes=self.notes)
        reads = result.reads
        for dep in self.whole(self.root):
            reads.setdefault(dep.node, set()).add(dep.column)
        for name, out in outputs.items():
            result.derives[name] = out.deps
            result.definitions[name] = hashlib.sha1(
                out.fingerprint.encode(), usedforsecurity=False
            ).hexdigest()[:16]
        return result

    # -- sources -------------------------------------------------------------------------------------

    def selected(self, scope: Scope) -> dict[str, object]:
        """Lower-case alias -> source (a Parent, a child Scope, or None for a table function)."""
        key = id(scope)
        cached = self.sources.get(key)
        if cached is not None:
            return cached
        try:
            selected = scope.selected_sources
        except SqlglotError as exc:
            raise LineageError(f"its SQL cannot be analysed ({exc})") from None
        sources: dict[str, object] = {}
        for alias, (_node, source) in selected.items():
            sources[alias.lower()] = self.source_value(source)
        self.sources[key] = sources
        return sources

    def source_value(self, source: object) -> object:
        if isinstance(source, Scope):
            return source
        if isinstance(source, exp.Table):
            if isinstance(source.this, (exp.Func, exp.Anonymous)):
                name = source.this.sql_name().lower() if isinstance(source.this, exp.Func) else ""
                if isinstance(source.this, exp.Anonymous) and source.this.name.lower() in self.macros:
                    raise LineageError(f"it selects from the macro `{source.this.name}`")
                if name in self.macros:
                    raise LineageError(f"it selects from the macro `{name}`")
                return None  # a table function (range, generate_series, ...): no parent columns
            parent = self.parents.get(id(source))
            if parent is None:
                parent = self.resolve_table(source)
                if parent is None:
                    raise LineageError(f"it reads `{source.sql()}`, which is not one of its parents")
                self.parents[id(source)] = parent
            return parent
        return None  # UNNEST, LATERAL and other table-valued expressions

    @staticmethod
    def known_columns(source: object, outputs: dict[str, Out] | None) -> frozenset[str] | None:
        if isinstance(source, Parent):
            return source.names
        if outputs is not None:
            return None if ANY_COLUMN in outputs else frozenset(outputs)
        return frozenset()

    def columns_of(self, source: object) -> frozenset[str] | None:
        if isinstance(source, Scope):
            return self.known_columns(source, self.outputs_of(source))
        return self.known_columns(source, None)

    # -- column resolution ---------------------------------------------------------------------------

    def from_source(self, source: object, name: str, alias: str) -> Out:
        if isinstance(source, Parent):
            key = (source.node, name)
            out = self.parent_outs.get(key)
            if out is None:
                out = Out(frozenset({ColumnSource(source.node, name)}), f"{source.node}.{name}")
                self.parent_outs[key] = out
            return out
        if isinstance(source, Scope):
            outputs = self.outputs_of(source)
            out = outputs.get(name) or outputs.get(ANY_COLUMN)
            if out is None:
                # `select *` from a parent whose declared contract lacks the column: it is still that
                # parent's column (contracts are often incomplete).
                starred = self.star_sources.get(id(source), [])
                if not starred:
                    raise LineageError(f"it selects `{alias}.{name}`, which `{alias}` does not produce")
                out = merge_outs(
                    [self.from_source(inner, name, inner_alias) for inner_alias, inner in starred]
                )
            return out
        return Out(EMPTY, f"?{alias}.{name}")

    def resolve(self, column: exp.Column, scope: Scope, own: dict[str, Out] | None) -> Out:
        name = column.name.lower()
        table = column.table.lower()
        current: Scope | None = scope
        while current is not None:
            sources = self.selected(current)
            if table:
                if table in sources:
                    return self.from_source(sources[table], name, table)
                # `a.b` where `a` is a column of a struct type: read column `a` of the source that has
                # it (or of the only source whose columns are not declared)
                for alias, source in sources.items():
                    known = self.columns_of(source)
                    if known is not None and table in known:
                        return self.from_source(source, table, alias)
                undeclared = [(a, src) for a, src in sources.items() if self.columns_of(src) is None]
                if len(undeclared) == 1:
                    return self.from_source(undeclared[0][1], table, undeclared[0][0])
            else:
                found = self.unqualified(name, current, own if current is scope else None)
                if found is not None:
                    return found
            current = current.parent if current.parent is not None and correlatable(current) else None
        if table:
            raise LineageError(f"`{table}.{name}` refers to no table of its FROM clause")
        return self.undeclared(name, scope)

    def unqualified(self, name: str, scope: Scope, own: dict[str, Out] | None) -> Out | None:
        sources = self.selected(scope)
        if len(sources) == 1 and not (own and name in own and not _is_source_column(name, sources, self)):
            alias, source = next(iter(sources.items()))
            return self.from_source(source, name, alias)
        matches = []
        unknown = []
        for alias, source in sources.items():
            known = self.columns_of(source)
            if known is None:
                unknown.append((alias, source))
            elif name in known:
                matches.append((alias, source))
        if matches:
            # Several matches: a USING/NATURAL join column, which is any of them.
            outs = [self.from_source(source, name, alias) for alias, source in matches]
            return merge_outs(outs)
        if own is not None and name in own:
            return own[name]  # a reference to an earlier select item (lateral alias, order by)
        if len(unknown) == 1:
            alias, source = unknown[0]
            return self.from_source(source, name, alias)
        if unknown:
            names = ", ".join(f"`{alias}`" for alias, _ in unknown)
            self.notes.append(
                f"column `{name}` could come from any of {names}, whose columns are not declared"
            )
            return merge_outs([self.any_of(source, alias) for alias, source in unknown])
        return None

    def any_of(self, source: object, alias: str) -> Out:
        if isinstance(source, Parent):
            return Out(frozenset({ColumnSource(source.node, ANY_COLUMN)}), f"{source.node}.*")
        if isinstance(source, Scope):
            return self.whole_out(source)
        return Out(EMPTY, f"?{alias}")

    def undeclared(self, name: str, scope: Scope) -> Out:
        parents = [(alias, s) for alias, s in self.selected(scope).items() if isinstance(s, (Parent, Scope))]
        if not parents:
            return Out(EMPTY, f"?{name}")
        names = ", ".join(f"`{alias}`" for alias, _ in parents)
        self.notes.append(f"column `{name}` is declared by none of {names}")
        return merge_outs([self.any_of(source, alias) for alias, source in parents])

    # -- scopes --------------------------------------------------------------------------------------

    def outputs_of(self, scope: Scope) -> dict[str, Out]:
        key = id(scope)
        cached = self.outputs.get(key)
        if cached is not None:
            return cached
        expression = scope.expression
        if isinstance(expression, exp.SetOperation):
            outputs = self.set_operation(scope)
        elif isinstance(expression, exp.Select):
            outputs = self.select(scope, expression)
        elif isinstance(expression, exp.Subquery):
            inner = self.scope_of.get(id(expression.unnest()))
            outputs = self.outputs_of(inner) if inner is not None else {}
        elif scope.is_udtf:
            # UNNEST(t.items) AS x, LATERAL FLATTEN(...): whatever is selected from it comes from the
            # columns inside it (resolved in the enclosing scope).
            self.outputs[key] = {}  # a self-reference while resolving finds nothing, not a loop
            deps = self.expression_deps(expression, scope, None)
            outputs = {ANY_COLUMN: Out(deps, f"udtf({self.fp(expression, scope)})")}
        else:
            raise LineageError(f"its SQL has a {expression.key} where a query was expected")
        self.outputs[key] = outputs
        return outputs

    def set_operation(self, scope: Scope) -> dict[str, Out]:
        left, right = scope.set_operation_scopes
        left_out = list(self.outputs_of(left).items())
        right_out = list(self.outputs_of(right).values())
        kind = scope.expression.key
        outputs: dict[str, Out] = {}
        for index, (name, out) in enumerate(left_out):
            if name == ANY_COLUMN or index >= len(right_out) or ANY_COLUMN in self.outputs_of(right):
                other = self.whole_out(right)
            else:
                other = right_out[index]
            outputs[name] = Out(out.deps | other.deps, f"{kind}({out.fingerprint},{other.fingerprint})")
        return outputs

    def select(self, scope: Scope, select: exp.Select) -> dict[str, Out]:
        outputs: dict[str, Out] = {}
        for item in select.expressions:
            star = star_of(item)
            if star is not None:
                self.expand_star(scope, item, star, outputs)
                continue
            expression = item.this if isinstance(item, exp.Alias) else item
            if (
                not isinstance(item, exp.Alias)
                and isinstance(item, exp.Anonymous)
                and item.name.lower() in self.macros
            ):
                raise LineageError(f"its select list comes from the macro `{item.name}`")  # noqa: S608
            name = item.alias_or_name.lower()
            if not name:
                name = f"_col_{len(outputs)}"
            if name in outputs:
                continue
            outputs[name] = self.out(expression, scope, outputs)
        return outputs

    def expand_star(self, scope: Scope, item: exp.Expr, star: exp.Star, outputs: dict[str, Out]) -> None:
        sources = self.selected(scope)
        table = item.table.lower() if isinstance(item, exp.Column) else ""
        if table:
            if table not in sources:
                raise LineageError(f"`{table}.*` refers to no table of its FROM clause")
            chosen = [(table, sources[table])]
        else:
            chosen = list(sources.items())
        excluded = {c.name.lower() for c in star.args.get("except_") or () if isinstance(c, exp.Column)}
        replaced = {
            r.alias.lower(): r.this for r in star.args.get("replace") or () if isinstance(r, exp.Alias)
        }
        if not excluded:
            self.star_sources.setdefault(id(scope), []).extend(
                (alias, source) for alias, source in chosen if isinstance(source, (Parent, Scope))
            )
        for alias, source in chosen:
            if isinstance(source, Parent):
                if source.columns is None:
                    self.notes.append(f"`select *` from `{alias}`, whose columns are not declared")  # noqa: S608
                    outputs.setdefault(ANY_COLUMN, self.any_of(source, alias))
                    continue
                entries = [(c, self.from_source(source, c, alias)) for c in source.columns]
            elif isinstance(source, Scope):
                entries = list(self.outputs_of(source).items())
            else:
                continue
            for name, out in entries:
                if name in excluded or name in outputs:
                    continue
                if name in replaced:
                    expression = replaced[name]
                    out = self.out(expression, scope, outputs)
                outputs[name] = out

    def out(self, expression: exp.Expr, scope: Scope, own: dict[str, Out]) -> Out:
        """An output column computed by ``expression`` in ``scope``."""
        return Out(self.expression_deps(expression, scope, own), compact(self.fp(expression, scope)))

    def expression_deps(self, expression: exp.Expr, scope: Scope, own: dict[str, Out] | None) -> Deps:
        child = self.scope_of.get(id(expression))
        if child is not None and child is not scope:
            return self.whole(child) if child.is_subquery else EMPTY
        deps: set[ColumnSource] = set()
        for node in walk_in_scope(expression):
            if type(node) is exp.Column:
                deps |= self.resolve(node, scope, own).deps
            elif node is not expression and id(node) in self.scope_of:
                # A subquery (where-in, exists, scalar) is read whole; derived tables and CTEs are
                # sources, read through the columns selected from them.
                inner = self.scope_of[id(node)]
                if inner.is_subquery:
                    deps |= self.whole(inner)
            elif isinstance(node, exp.Anonymous) and node.name.lower() in self.macros:
                deps |= self.macro_arguments(node, scope)
            elif isinstance(node, exp.Join) and node.args.get("using"):
                # USING (c) compares c on both sides: every source that has (or may have) c reads it.
                for identifier in node.args["using"]:
                    name = identifier.name.lower()
                    for alias, source in self.selected(scope).items():
                        known = self.columns_of(source)
                        if known is None or name in known:
                            deps |= self.from_source(source, name, alias).deps
        return frozenset(deps)

    def macro_arguments(self, call: exp.Anonymous, scope: Scope) -> Deps:
        """An opaque macro's string arguments that name a column of the scope's sources are read."""
        deps: set[ColumnSource] = set()
        for argument in call.expressions:
            if isinstance(argument, exp.Literal) and argument.is_string:
                name = argument.this.strip().lower()
                for alias, source in self.selected(scope).items():
                    known = self.columns_of(source)
                    if known is not None and name in known:
                        deps |= self.from_source(source, name, alias).deps
        return frozenset(deps)

    def cond(self, scope: Scope) -> Deps:
        """Columns read by everything but the select list, in this scope and the sources it selects from."""
        key = id(scope)
        cached = self.conds.get(key)
        if cached is not None:
            return cached
        if key in self.conds_in_progress:
            # A condition of this scope names a column that may come from the scope itself (an
            # unqualified column beside a lateral FLATTEN of undeclared columns): the outer call is
            # collecting this scope's reads already, so the cycle adds nothing.
            return EMPTY
        self.conds_in_progress.add(key)
        try:
            result = self._cond(scope)
        finally:
            self.conds_in_progress.discard(key)
        self.conds[key] = result
        return result

    def _cond(self, scope: Scope) -> Deps:
        deps: set[ColumnSource] = set()
        expression = scope.expression
        if isinstance(expression, exp.SetOperation):
            for child in scope.set_operation_scopes:
                deps |= self.cond(child)
        else:
            own = self.outputs_of(scope)
            for arg_key, value in expression.args.items():
                if arg_key in ("expressions", "with_", "with"):
                    continue
                for part in value if isinstance(value, list) else [value]:
                    if isinstance(part, exp.Expr):
                        deps |= self.expression_deps(part, scope, own)
            for source in self.selected(scope).values():
                if isinstance(source, Scope):
                    deps |= self.cond(source)
        return frozenset(deps)

    def whole(self, scope: Scope) -> Deps:
        """Everything a scope's result depends on: all outputs and all conditions."""
        deps: set[ColumnSource] = set(self.cond(scope))
        for out in self.outputs_of(scope).values():
            deps |= out.deps
        return frozenset(deps)

    def whole_out(self, scope: Scope) -> Out:
        return Out(self.whole(scope), compact("scope(" + self.scope_fp(scope) + ")"))


def _is_source_column(name: str, sources: dict[str, object], analysis: _Analysis) -> bool:
    for source in sources.values():
        known = analysis.columns_of(source)
        if known is None or name in known:
            return True
    return False
