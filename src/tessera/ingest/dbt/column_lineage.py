"""``analyse_project``: the column lineage of every model, snapshot and reader of a dbt project.

Per model: take ``compiled_code`` when the manifest has it (else render ``raw_code`` with
:mod:`tessera.ingest.dbt.jinja_render`), parse it with sqlglot in the dialect of the manifest's adapter,
map each table it reads back to a parent's unique_id, and walk its scopes
(:mod:`tessera.ingest.dbt.sql_lineage`) with the parents' contract columns, so ``select *`` expands from
the upstream contract. What cannot be analysed (a Python model, Jinja that needs dbt, unparseable SQL, a
select list made by a macro, a relation that is not a parent, a column no parent declares) falls back to
"reads every column" for the parents concerned, with ``fallback_reason`` saying why. Exposures cannot
name columns in dbt and read every column of their parents; semantic models, metrics and saved queries
read the columns they name. Pure: no database, no HTTP.
"""

from __future__ import annotations

import gc
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping

from tessera.ingest.dbt.jinja_render import Relation, RenderContext, RenderError, render
from tessera.ingest.dbt.models import DbtAsset, DbtCode, DbtExposure, DbtProject
from tessera.ingest.dbt.sql_lineage import LineageError, Parent, analyse_query, parse
from tessera.ingest.lineage import ALL_COLUMNS, ANY_COLUMN, ColumnSource, NodeLineage, ProjectLineage
from tessera.perf import paused_gc

# dbt adapter type -> sqlglot dialect; anything else parses with sqlglot's default dialect.
_DIALECTS = {
    "athena": "athena",
    "bigquery": "bigquery",
    "clickhouse": "clickhouse",
    "databricks": "databricks",
    "doris": "doris",
    "dremio": "dremio",
    "duckdb": "duckdb",
    "fabric": "fabric",
    "glue": "spark",
    "hive": "hive",
    "materialize": "materialize",
    "motherduck": "duckdb",
    "mysql": "mysql",
    "oracle": "oracle",
    "postgres": "postgres",
    "redshift": "redshift",
    "risingwave": "risingwave",
    "singlestore": "singlestore",
    "snowflake": "snowflake",
    "spark": "spark",
    "sqlite": "sqlite",
    "sqlserver": "tsql",
    "starrocks": "starrocks",
    "synapse": "tsql",
    "teradata": "teradata",
    "trino": "trino",
    "presto": "presto",
}
_SNAPSHOT_BLOCK = re.compile(r"\{%-?\s*(?:end)?snapshot\b[^%]*-?%\}")
_COLLECT_EVERY = 100
CACHE_SIZE = 50_000
"""How many analysed models are remembered (a few hundred bytes each) for the next sync."""
_CACHE: OrderedDict[Hashable, NodeLineage] = OrderedDict()
_CACHE_LOCK = threading.Lock()
EXPOSURE_REASON = "dbt exposures cannot name columns: it reads every column of its parents"


def dialect_for(adapter_type: str | None) -> str | None:
    """The sqlglot dialect for a dbt adapter type (None: sqlglot's default dialect)."""
    return _DIALECTS.get((adapter_type or "").lower())


def analyse_project(project: DbtProject) -> ProjectLineage:
    """The column lineage of every model and snapshot with code, and of every reader (exposure etc.)."""
    dialect = dialect_for(project.adapter_type)
    contracts = {uid: _parent(asset) for uid, asset in project.assets.items()}
    nodes: dict[str, NodeLineage] = {}
    # Automatic collections during the analysis also walk the large live manifest (~25% of the time).
    # sqlglot trees are cyclic (child -> parent), so they are freed by collecting only the young
    # generation, which holds nothing but the last few models' trees, every few models.
    with paused_gc():
        # Parents first: a model that declares no columns gets the output columns its SQL was found
        # to produce, so `select *` from it (and unqualified columns over it) resolve downstream.
        for count, uid in enumerate(_parents_first(project), start=1):
            asset = project.assets.get(uid)
            if asset is not None:
                result = _memoised(asset, project.code[uid], project, contracts, dialect)
                nodes[uid] = result
                if contracts[uid].columns is None and result.fallback_reason is None and result.derives:
                    contracts[uid] = Parent.of(uid, result.derives)
            if count % _COLLECT_EVERY == 0:
                gc.collect(0)
    for reader in project.exposures:
        nodes[reader.unique_id] = reader_lineage(reader)
    return ProjectLineage(dict(sorted(nodes.items())))


def _parents_first(project: DbtProject) -> list[str]:
    """The models and snapshots with code, each after those of its parents that have code."""
    order: list[str] = []
    state: dict[str, bool] = {}  # False: being visited, True: done
    for start in project.code:
        if start in state:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        state[start] = False
        while stack:
            uid, index = stack.pop()
            asset = project.assets.get(uid)
            parents = asset.depends_on if asset is not None else ()
            while index < len(parents) and (parents[index] not in project.code or parents[index] in state):
                index += 1  # not a model with code, already done, or a cycle (dbt forbids them)
            if index < len(parents):
                stack.append((uid, index + 1))
                state[parents[index]] = False
                stack.append((parents[index], 0))
            else:
                state[uid] = True
                order.append(uid)
    return order


def _memoised(
    asset: DbtAsset,
    code: DbtCode,
    project: DbtProject,
    contracts: Mapping[str, Parent],
    dialect: str | None,
) -> NodeLineage:
    """:func:`analyse_model`, remembered for models whose code and parents did not change.

    A project is synced again and again (every merge, every pull request) with most models unchanged;
    the key holds everything the result depends on: the code, the dialect, and each parent's (and the
    model's own) relation, name, version and declared columns.
    """
    related = [asset, *(project.assets[p] for p in asset.depends_on if p in project.assets)]
    key = (
        asset.unique_id,
        asset.depends_on,
        code,
        dialect,
        project.adapter_type,
        tuple(
            (
                a.unique_id,
                a.resource_type,
                a.fqn,
                a.name,
                a.package_name,
                a.source_name,
                a.version,
                a.latest,
                contracts[a.unique_id].columns,
            )
            for a in related
        ),
    )
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    result = analyse_model(asset, code, project, contracts, dialect)
    with _CACHE_LOCK:
        _CACHE[key] = result
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return result


def analyse_model(
    asset: DbtAsset,
    code: DbtCode,
    project: DbtProject,
    contracts: Mapping[str, Parent],
    dialect: str | None,
) -> NodeLineage:
    """The lineage of one model or snapshot (see the module docstring)."""
    parents = asset.depends_on
    if code.language != "sql":
        return _fallback(asset.unique_id, parents, f"it is a {code.language.capitalize()} model")
    candidates = [project.assets[p] for p in parents if p in project.assets]
    macros: frozenset[str] = frozenset()
    compiled = code.compiled_code
    # dbt inlines ephemeral parents as `__dbt__cte__<name>` CTEs that read *their* parents: the raw
    # code, which refs the ephemeral model by name, maps to the real parent instead.
    if compiled is not None and "__dbt__cte__" not in compiled:
        sql = compiled
    else:
        try:
            rendered = render(
                _SNAPSHOT_BLOCK.sub("", code.raw_code), _context(asset, candidates, project, dialect)
            )
        except RenderError as exc:
            return _fallback(asset.unique_id, parents, str(exc))
        sql, macros = rendered.sql, rendered.macros
    if not sql.strip():
        return _fallback(asset.unique_id, parents, "it has no SQL")
    own = contracts[asset.unique_id]

    def resolve(table: object) -> Parent | None:
        from sqlglot import exp

        if not isinstance(table, exp.Table):
            return None
        parts = tuple(p.lower() for p in (table.catalog, table.db, table.name) if p)
        found = [c for c in (*candidates, asset) if _matches(c, parts)]
        if len(found) != 1:
            return None
        return own if found[0] is asset else contracts[found[0].unique_id]

    try:
        result = analyse_query(parse(sql, dialect), resolve, macros)
    except LineageError as exc:
        return _fallback(asset.unique_id, parents, str(exc))
    reads: dict[str, frozenset[str] | None] = {}
    for parent in parents:
        columns = result.reads.get(parent, set())
        reads[parent] = ALL_COLUMNS if ANY_COLUMN in columns else frozenset(columns)
    derives = {
        name: frozenset(s for s in deps if s.node != asset.unique_id) for name, deps in result.derives.items()
    }
    reason = None
    if any(value is ALL_COLUMNS for value in reads.values()):
        reason = "; ".join(dict.fromkeys(result.notes)) or "some columns could not be resolved"
    return NodeLineage(
        node=asset.unique_id,
        reads=reads,
        derives={name: deps for name, deps in derives.items() if name != ANY_COLUMN},
        definitions={name: fp for name, fp in result.definitions.items() if name != ANY_COLUMN},
        fallback_reason=reason,
    )


def reader_lineage(reader: DbtExposure) -> NodeLineage:
    """What an exposure, semantic model, metric or saved query reads."""
    if reader.columns is None:
        return NodeLineage(
            node=reader.unique_id,
            reads=dict.fromkeys(reader.depends_on, ALL_COLUMNS),
            fallback_reason=EXPOSURE_REASON if reader.depends_on else None,
        )
    reads = {parent: reader.columns.get(parent, frozenset()) for parent in reader.depends_on}
    lost = any(value is ALL_COLUMNS for value in reads.values())
    reason = None
    if lost:
        reason = f"not every element names a column ({reader.lineage_note or 'unknown expression'})"
    return NodeLineage(node=reader.unique_id, reads=reads, fallback_reason=reason)


def _parent(asset: DbtAsset) -> Parent:
    properties = asset.schema.get("properties")
    names = list(properties) if isinstance(properties, dict) else []
    return Parent.of(asset.unique_id, names or None)


def _matches(asset: DbtAsset, parts: tuple[str, ...]) -> bool:
    full = tuple(p for p in asset.fqn.split(".") if p) if asset.fqn else ()
    if not parts or len(parts) > len(full):
        # fqn parts never contain dots unless the database/schema name has one: compare exactly then
        return asset.fqn == ".".join(parts)
    return full[-len(parts) :] == parts


_BACKTICK_DIALECTS = frozenset(
    {"bigquery", "databricks", "spark", "hive", "mysql", "singlestore", "starrocks", "doris"}
)


def _relation(asset: DbtAsset, dialect: str | None) -> Relation:
    quote = "`" if dialect in _BACKTICK_DIALECTS else '"'
    return Relation(asset.database, asset.schema_name, asset.identifier, quote)


def _context(
    asset: DbtAsset, candidates: list[DbtAsset], project: DbtProject, dialect: str | None
) -> RenderContext:
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
        ref=ref, source=source, this=_relation(asset, dialect), adapter_type=project.adapter_type
    )


def _fallback(node: str, parents: tuple[str, ...], reason: str) -> NodeLineage:
    return NodeLineage(node=node, reads=dict.fromkeys(parents, ALL_COLUMNS), fallback_reason=reason)


__all__ = ["ANY_COLUMN", "ColumnSource", "analyse_project", "dialect_for", "reader_lineage"]
