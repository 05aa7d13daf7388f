"""Read a SQLMesh project through SQLMesh's own Python API and write what Tessera needs as JSON.

This file is a script for **SQLMesh's interpreter**, not Tessera's: SQLMesh pins a sqlglot the server
cannot share, so ``tessera sqlmesh sync|check`` runs it with the Python of an environment that has
``sqlmesh`` (``python extract.py PROJECT_DIR OUT.json [GATEWAY]``). It imports only the standard library
and ``sqlmesh``, and writes SQLMesh's facts as they are (column types as SQLMesh resolves them, in the
project's dialect; grains; unique keys; audits with their arguments; owners; dependencies). Turning them
into source-neutral assets is :func:`tessera.ingest.sqlmesh.to_assets`, in Tessera's own environment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

FORMAT = 1
"""The version of this output; :mod:`tessera.ingest.sqlmesh` refuses one it does not know."""


def _value(expression: Any, dialect: str) -> Any:
    """An audit argument as plain JSON: a column is its name, a literal its value, a tuple a list."""
    from sqlglot import exp

    if isinstance(expression, list | tuple):
        return [_value(e, dialect) for e in expression]
    if isinstance(expression, exp.Tuple | exp.Array):
        return [_value(e, dialect) for e in expression.expressions]
    if isinstance(expression, exp.Paren):
        return _value(expression.this, dialect)
    if isinstance(expression, exp.Column | exp.Identifier):
        return expression.name
    if isinstance(expression, exp.Boolean):
        return expression.this
    if isinstance(expression, exp.Literal):
        if expression.is_string:
            return expression.this
        text = expression.this
        return float(text) if any(c in text for c in ".eE") else int(text)
    if isinstance(expression, exp.Null):
        return None
    if isinstance(expression, exp.Expression):
        return expression.sql(dialect=dialect)
    return (
        expression
        if isinstance(expression, str | int | float | bool) or expression is None
        else str(expression)
    )


def _names(expressions: Any, dialect: str) -> list[list[str]]:
    """Grains or unique keys: each entry is a list of column names (one name for a single column)."""
    keys = []
    for key in expressions or ():
        value = _value(key, dialect)
        keys.append([str(v) for v in value] if isinstance(value, list) else [str(value)])
    return keys


def _query(model: Any, dialect: str) -> tuple[str, str | None]:
    """``(language, SQL)``: the model's query as SQLMesh renders it (qualified, in the model's dialect), for
    Tessera's column lineage; no SQL for a seed, a Python model or a query SQLMesh cannot render."""
    if getattr(model, "is_seed", False):
        return "seed", None
    if not getattr(model, "is_sql", False):
        return "python" if getattr(model, "is_python", False) else "other", None
    try:
        query = model.render_query()
    except Exception:  # a query SQLMesh cannot render: the lineage falls back, the model still syncs
        return "sql", None
    return "sql", None if query is None else query.sql(dialect=dialect)


def _model(model: Any, known: set[str]) -> dict[str, Any]:
    dialect = model.dialect or ""
    columns = model.columns_to_types
    unique_key = getattr(model.kind, "unique_key", None)
    language, query = _query(model, dialect)
    return {
        "name": model.name,
        "fqn": model.fqn,
        "kind": model.kind.name.value if hasattr(model.kind.name, "value") else str(model.kind.name),
        "dialect": dialect,
        "owner": model.owner,
        "description": model.description or "",
        "tags": list(model.tags or ()),
        # None: SQLMesh could not resolve the columns (e.g. SELECT * from a table it does not know).
        "columns": None
        if columns is None
        else [[name, dtype.sql(dialect=dialect)] for name, dtype in columns.items()],
        "column_descriptions": dict(model.column_descriptions or {}),
        "grains": _names(model.grains, dialect),
        "unique_key": _names(
            [unique_key] if unique_key is not None and not isinstance(unique_key, list) else unique_key,
            dialect,
        ),
        "audits": [[name, {k: _value(v, dialect) for k, v in args.items()}] for name, args in model.audits],
        "depends_on": sorted(d for d in model.depends_on if d in known),
        "external_depends_on": sorted(d for d in model.depends_on if d not in known),
        "language": language,
        "query": query,
    }


def extract(project_dir: str, gateway: str | None = None) -> dict[str, Any]:
    """The project's models, as SQLMesh loads them."""
    import sqlmesh  # type: ignore[import-not-found]  # SQLMesh's environment, not Tessera's
    from sqlmesh import Context

    context = Context(paths=project_dir, gateway=gateway, load=True)
    models = [m for m in context.models.values() if not getattr(m, "is_external", False)]
    known = {m.fqn for m in models}
    return {
        "format": FORMAT,
        "tool": "sqlmesh",
        "version": sqlmesh.__version__,
        "project": context.config.project or Path(project_dir).resolve().name,
        "models": sorted((_model(m, known) for m in models), key=lambda m: m["name"]),
    }


def main(argv: list[str]) -> int:
    """``extract.py PROJECT_DIR OUT.json [GATEWAY]``; exit 2 with one line on stderr when it cannot."""
    if len(argv) not in (2, 3):
        print("usage: extract.py PROJECT_DIR OUT.json [GATEWAY]", file=sys.stderr)
        return 2
    try:
        import sqlmesh  # noqa: F401
    except ModuleNotFoundError:
        print(f"sqlmesh is not installed for {sys.executable}", file=sys.stderr)
        return 3
    try:
        document = extract(argv[0], argv[2] if len(argv) == 3 else None)
    except Exception as exc:  # any SQLMesh load error is the user's project: said in one line
        print(
            f"SQLMesh could not load {argv[0]}: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr
        )
        return 2
    Path(argv[1]).write_text(json.dumps(document, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
