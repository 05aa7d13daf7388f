"""The column lineage of one model or snapshot, from plain picklable inputs (:class:`ModelTask`).

:mod:`tessera.ingest.dbt.column_lineage` builds one task per model and runs the tasks in this process or
in a process pool: a task carries only what the analysis reads (the model's code, the dialect, and the
relation names and contract columns of the model and its parents), so it pickles small, and its digest
is its memo key (equal tasks give equal results).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import re
from dataclasses import dataclass

from tessera.ingest.dbt.jinja_render import Relation, RenderContext, RenderError, render
from tessera.ingest.dbt.models import DbtAsset, DbtCode
from tessera.ingest.dbt.sql_lineage import LineageError, Parent, analyse_query, parse
from tessera.ingest.lineage import ALL_COLUMNS, ANY_COLUMN, NodeLineage
from tessera.perf import paused_gc

log = logging.getLogger(__name__)
# sqlglot warns about each construct it cannot walk (an unrendered macro used as a table, say): the
# analysis reports those models as fallbacks with a reason, so the warnings only flood the log. Set
# here, where the analysis is imported: in the server and in every pool worker.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

_SNAPSHOT_BLOCK = re.compile(r"\{%-?\s*(?:end)?snapshot\b[^%]*-?%\}")
_COLLECT_EVERY = 100
_BACKTICK_DIALECTS = frozenset(
    {"bigquery", "databricks", "spark", "hive", "mysql", "singlestore", "starrocks", "doris"}
)


@dataclass(frozen=True, slots=True)
class RelationRef:
    """What the analysis needs of a model, snapshot, seed or source: how SQL and Jinja name it."""

    unique_id: str
    resource_type: str
    name: str
    package_name: str
    fqn: str
    source_name: str | None
    version: str | None
    latest: bool
    database: str | None
    schema_name: str | None
    identifier: str

    @classmethod
    def of(cls, asset: DbtAsset) -> RelationRef:
        """The relation of a manifest node."""
        return cls(
            asset.unique_id,
            asset.resource_type,
            asset.name,
            asset.package_name,
            asset.fqn,
            asset.source_name,
            asset.version,
            asset.latest,
            asset.database,
            asset.schema_name,
            asset.identifier,
        )


@dataclass(frozen=True, slots=True)
class ModelTask:
    """Everything the lineage of one model depends on; picklable, and remembered by :meth:`digest`.

    ``candidates`` are the parents that are nodes of the manifest, ``contracts`` the columns of the model
    (first) and of each candidate, in the same order (declared, or inferred from a parent's SQL).
    """

    node: str
    parents: tuple[str, ...]
    code: DbtCode
    own: RelationRef
    candidates: tuple[RelationRef, ...]
    contracts: tuple[Parent, ...]
    dialect: str | None
    adapter_type: str | None

    def digest(self) -> bytes:
        """A digest of everything the analysis reads: the key its result is remembered by.

        Not the task itself: as a key it kept each model's SQL and its parents' column sets alive between
        syncs, besides the lineage remembered.
        """
        contracts = tuple((c.node, c.columns) for c in self.contracts)
        fields = (self.node, self.parents, self.code, self.own, self.candidates, contracts)
        text = repr((*fields, self.dialect, self.adapter_type))
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).digest()


def analyse_task(task: ModelTask) -> NodeLineage:
    """The lineage of one model or snapshot (see :mod:`tessera.ingest.dbt.column_lineage`)."""
    parents = task.parents
    code = task.code
    if code.language != "sql":
        return _fallback(task.node, parents, f"it is a {code.language.capitalize()} model")
    macros: frozenset[str] = frozenset()
    compiled = code.compiled_code
    # dbt inlines ephemeral parents as `__dbt__cte__<name>` CTEs that read *their* parents: the raw
    # code, which refs the ephemeral model by name, maps to the real parent instead.
    if compiled is not None and "__dbt__cte__" not in compiled:
        sql = compiled
    else:
        try:
            rendered = render(_SNAPSHOT_BLOCK.sub("", code.raw_code), _context(task))
        except RenderError as exc:
            return _fallback(task.node, parents, str(exc))
        sql, macros = rendered.sql, rendered.macros
    if not sql.strip():
        return _fallback(task.node, parents, "it has no SQL")
    own = task.contracts[0]
    related = tuple(zip((*task.candidates, task.own), (*task.contracts[1:], own), strict=True))
    # The full names of each relation, split once: a query names a table by its last one to three parts.
    names = [(_parts(relation.fqn), relation.fqn, contract) for relation, contract in related]

    def resolve(table: object) -> Parent | None:
        from sqlglot import exp

        if not isinstance(table, exp.Table):
            return None
        parts = tuple(p.lower() for p in (table.catalog, table.db, table.name) if p)
        found = [contract for full, fqn, contract in names if _matches(full, fqn, parts)]
        return found[0] if len(found) == 1 else None

    try:
        result = analyse_query(parse(sql, task.dialect), resolve, macros)
    except LineageError as exc:
        return _fallback(task.node, parents, str(exc))
    except RecursionError:
        return _fallback(task.node, parents, "its SQL nests too deeply to analyse")
    except Exception as exc:
        # A defect in the analysis (or in sqlglot) must cost one model its precision, never the sync.
        log.exception("column lineage of %s failed", task.node)
        return _fallback(task.node, parents, f"the analysis failed ({type(exc).__name__}); please report it")
    reads: dict[str, frozenset[str] | None] = {}
    for parent in parents:
        columns = result.reads.get(parent, set())
        reads[parent] = ALL_COLUMNS if ANY_COLUMN in columns else frozenset(columns)
    derives = {
        name: frozenset(s for s in deps if s.node != task.node)
        for name, deps in result.derives.items()
        if name != ANY_COLUMN
    }
    reason = None
    if any(value is ALL_COLUMNS for value in reads.values()):
        reason = _summary(list(dict.fromkeys(result.notes))) or "some columns could not be resolved"
    return NodeLineage(
        node=task.node,
        reads=reads,
        derives=derives,
        definitions={name: fp for name, fp in result.definitions.items() if name != ANY_COLUMN},
        fallback_reason=reason,
    )


_NOTES_SHOWN = 3


def _summary(notes: list[str]) -> str:
    """The first few notes, and how many more: a model of 200 columns can make 200 of them."""
    shown = "; ".join(notes[:_NOTES_SHOWN])
    hidden = len(notes) - _NOTES_SHOWN
    return f"{shown}; and {hidden} more like these" if hidden > 0 else shown


def analyse_tasks(tasks: list[ModelTask]) -> list[NodeLineage]:
    """:func:`analyse_task` for each task, in order (what a pool worker runs on a chunk of models).

    Automatic collections would also walk the large live heap around the analysis (the manifest, ~25%
    of the time). sqlglot trees are cyclic (child -> parent), so they are freed by collecting only the
    young generation, which holds little but the last few models' trees, every few models.
    """
    results = []
    with paused_gc():
        for count, task in enumerate(tasks, start=1):
            results.append(analyse_task(task))
            if count % _COLLECT_EVERY == 0:
                gc.collect(0)
        gc.collect(0)
    return results


def _parts(fqn: str) -> tuple[str, ...]:
    return tuple(p for p in fqn.split(".") if p) if fqn else ()


def _matches(full: tuple[str, ...], fqn: str, parts: tuple[str, ...]) -> bool:
    if not parts or len(parts) > len(full):
        # fqn parts never contain dots unless the database/schema name has one: compare exactly then
        return fqn == ".".join(parts)
    return full[-len(parts) :] == parts


def _relation(relation: RelationRef, dialect: str | None) -> Relation:
    quote = "`" if dialect in _BACKTICK_DIALECTS else '"'
    return Relation(relation.database, relation.schema_name, relation.identifier, quote)


def _context(task: ModelTask) -> RenderContext:
    candidates = task.candidates
    dialect = task.dialect

    def ref(package: str | None, name: str, version: str | None) -> Relation | None:
        found = [
            c
            for c in candidates
            if c.resource_type != "source"
            and c.name == name
            and (package is None or c.package_name == package)
            and (c.version == version if version is not None else c.latest)
        ]
        return _relation(found[0], dialect) if len(found) == 1 else None

    def source(source_name: str, table_name: str) -> Relation | None:
        found = [
            c
            for c in candidates
            if c.resource_type == "source" and c.source_name == source_name and c.name == table_name
        ]
        return _relation(found[0], dialect) if len(found) == 1 else None

    return RenderContext(
        ref=ref, source=source, this=_relation(task.own, dialect), adapter_type=task.adapter_type
    )


def _fallback(node: str, parents: tuple[str, ...], reason: str) -> NodeLineage:
    return NodeLineage(node=node, reads=dict.fromkeys(parents, ALL_COLUMNS), fallback_reason=reason)
