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
import threading
from collections import OrderedDict
from collections.abc import Mapping

from tessera.ingest.dbt import lineage_pool
from tessera.ingest.dbt.model_lineage import ModelTask, RelationRef, analyse_task, analyse_tasks
from tessera.ingest.dbt.models import DbtAsset, DbtExposure, DbtProject
from tessera.ingest.dbt.sql_values import Parent
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
_COLLECT_EVERY = 100
CACHE_SIZE = 50_000
"""How many analysed models are remembered for the next sync, each by its task's digest
(:meth:`~tessera.ingest.dbt.model_lineage.ModelTask.digest`) with its lineage: about 20-35 MB for
5,000 models, the price of a re-sync that skips the analysis (docs/benchmarks.md, issue 17)."""
_CACHE: OrderedDict[bytes, NodeLineage] = OrderedDict()
_CACHE_LOCK = threading.Lock()
EXPOSURE_REASON = "dbt exposures cannot name columns: it reads every column of its parents"


def dialect_for(adapter_type: str | None) -> str | None:
    """The sqlglot dialect for a dbt adapter type (None: sqlglot's default dialect)."""
    return _DIALECTS.get((adapter_type or "").lower())


def analyse_project(project: DbtProject, *, workers: int | None = None) -> ProjectLineage:
    """The column lineage of every model and snapshot with code, and of every reader (exposure etc.).

    ``workers`` caps the processes that analyse models (None: one per CPU; 0 or 1: this process only).
    A project of fewer than :data:`~tessera.ingest.dbt.lineage_pool.PARALLEL_MIN_MODELS` models is
    always analysed in this process. The result does not depend on how it was computed.
    """
    dialect = dialect_for(project.adapter_type)
    relations = {uid: RelationRef.of(asset) for uid, asset in project.assets.items()}
    contracts = _contracts(project)
    nodes: dict[str, NodeLineage] = {}

    def task_of(uid: str) -> ModelTask:
        asset = project.assets[uid]
        candidates = tuple(relations[p] for p in asset.depends_on if p in relations)
        return ModelTask(
            node=uid,
            parents=asset.depends_on,
            code=project.code[uid],
            own=relations[uid],
            candidates=candidates,
            contracts=(contracts[uid], *(contracts[c.unique_id] for c in candidates)),
            dialect=dialect,
            adapter_type=project.adapter_type,
        )

    def done(uid: str, result: NodeLineage) -> None:
        nodes[uid] = result
        # A model that declares no columns passes the output columns its SQL was found to produce to
        # its children, so `select *` from it (and unqualified columns over it) resolve downstream.
        if contracts[uid].columns is None and result.fallback_reason is None and result.derives:
            contracts[uid] = Parent.of(uid, result.derives)

    models = [uid for uid in project.code if uid in project.assets]
    count = lineage_pool.worker_count(workers, len(models))
    if count > 1:
        for wave in _waves(project, models, contracts):
            tasks = [task_of(uid) for uid in wave]
            for task, result in zip(tasks, _run(tasks, count), strict=True):
                done(task.node, result)
    else:
        # Parents first: each model is analysed after those of its parents whose columns it may need.
        # The young generation is collected every few models (see analyse_tasks).
        with paused_gc():
            for number, uid in enumerate(_parents_first(project), start=1):
                if uid in project.assets:
                    done(uid, _run([task_of(uid)], 1)[0])
                if number % _COLLECT_EVERY == 0:
                    gc.collect(0)
    for reader in project.exposures:
        nodes[reader.unique_id] = reader_lineage(reader)
    return ProjectLineage(dict(sorted(nodes.items())))


def _run(tasks: list[ModelTask], workers: int) -> list[NodeLineage]:
    """The lineage of each task: remembered, else analysed (in a pool of ``workers`` when above one)."""
    keys = [task.digest() for task in tasks]
    results: list[NodeLineage | None] = []
    missing: list[ModelTask] = []
    with _CACHE_LOCK:
        for task, key in zip(tasks, keys, strict=True):
            cached = _CACHE.get(key)
            if cached is not None:
                _CACHE.move_to_end(key)
            else:
                missing.append(task)
            results.append(cached)
    if not missing:
        return [r for r in results if r is not None]
    if workers > 1:
        fresh = lineage_pool.analyse_in_pool(missing, workers)
    elif len(missing) == 1:
        fresh = [analyse_task(missing[0])]  # the caller runs the whole project inside one GC pause
    else:
        fresh = analyse_tasks(missing)
    analysed = iter(fresh)
    out: list[NodeLineage] = []
    with _CACHE_LOCK:
        for key, cached in zip(keys, results, strict=True):
            if cached is None:
                cached = next(analysed)
                _CACHE[key] = cached
            out.append(cached)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out


def _waves(project: DbtProject, models: list[str], contracts: Mapping[str, Parent]) -> list[list[str]]:
    """The models in waves: a model comes after every parent whose SQL gives it its columns.

    Only a parent with code and without declared columns matters (its inferred columns are part of its
    children's input); within a wave, models keep the manifest's order.
    """
    level: dict[str, int] = {}
    for uid in _parents_first(project):
        if uid not in project.assets:
            continue
        waits = [
            level[p] for p in project.assets[uid].depends_on if p in level and contracts[p].columns is None
        ]
        level[uid] = 1 + max(waits) if waits else 0
    waves: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for uid in models:
        waves[level[uid]].append(uid)
    return waves


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


def _contracts(project: DbtProject) -> dict[str, Parent]:
    """Each node's declared columns (None: not declared)."""
    return {uid: _parent(asset) for uid, asset in project.assets.items()}


def _parent(asset: DbtAsset) -> Parent:
    properties = asset.schema.get("properties")
    names = list(properties) if isinstance(properties, dict) else []
    return Parent.of(asset.unique_id, names or None)


__all__ = ["ANY_COLUMN", "ColumnSource", "analyse_project", "dialect_for", "reader_lineage"]
