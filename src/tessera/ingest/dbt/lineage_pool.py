"""A process pool for the column-lineage analysis of big projects (the SQL analysis is CPU-bound).

The pool starts its workers with the ``forkserver`` method (``spawn`` where there is none): the server
process runs threads, and forking a threaded process can copy a lock in a held state. Workers are
started once and kept for later syncs (importing sqlglot costs a worker a few hundred ms); tasks go to
them in chunks, so each round trip carries many models. A worker that dies (killed for memory, say)
breaks the pool: the models of that round are then analysed in this process and the next round starts
a fresh pool.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from tessera.core import CoreError, schema_fingerprint
from tessera.core.json_types import JsonSchema
from tessera.ingest.dbt.model_lineage import ModelTask, analyse_tasks
from tessera.ingest.lineage import ColumnSource, NodeLineage

# A NodeLineage as plain tuples and strings: pickling thousands of small dataclasses (ColumnSource)
# cost more than the analysis saved (0.5 s per 1,000 models to unpickle); this form pickles ~5x faster.
_Packed = tuple[
    str,
    tuple[tuple[str, tuple[str, ...] | None], ...],
    tuple[tuple[str, tuple[str, ...]], ...],
    tuple[tuple[str, str], ...],
    str | None,
]

PARALLEL_MIN_MODELS = 300
"""Below this many models a project is analysed in the calling process (the pool would not pay)."""
MIN_CHUNK = 16
"""Fewer models than this in one round are analysed in the calling process."""
MAX_CHUNK = 200

_POOL: tuple[int, ProcessPoolExecutor] | None = None
_POOL_LOCK = threading.Lock()


def cpu_count() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(workers: int | None, models: int) -> int:
    """How many processes analyse ``models`` models, given the cap ``workers`` (None: one per CPU).

    1 means this process only: for a cap of 0 or 1, and for projects below :data:`PARALLEL_MIN_MODELS`.
    """
    if models < PARALLEL_MIN_MODELS:
        return 1
    return max(1, cpu_count() if workers is None else workers)


def analyse_in_pool(tasks: list[ModelTask], workers: int) -> list[NodeLineage]:
    """:func:`~tessera.ingest.dbt.model_lineage.analyse_task` of each task, in order, on ``workers``."""
    if len(tasks) < MIN_CHUNK:
        return analyse_tasks(tasks)
    size = max(MIN_CHUNK, min(MAX_CHUNK, -(-len(tasks) // (workers * 4))))
    chunks = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    pool = _pool(workers)
    shared = _Shared()
    results: list[NodeLineage] = []
    try:
        futures = deque(pool.submit(_analyse_packed, chunk) for chunk in chunks)
        del chunks
        while futures:  # unpacked as they arrive, while the workers go on with the next chunks
            # Let go of each chunk once unpacked (a future keeps its result): its transport form no
            # longer lives beside its unpacked copy until the last chunk is in.
            results.extend(_unpack(item, shared) for item in futures.popleft().result())
    except BrokenProcessPool:
        _discard(pool)
        return analyse_tasks(tasks)
    return results


def fingerprints_in_pool(schemas: list[JsonSchema], workers: int) -> list[Future[list[str | None]]]:
    """Start the schema fingerprints of ``schemas`` on ``workers`` (chunks, in order, ahead of any
    analysis submitted later): a big first sync's fingerprints cost its server process ~10% of its CPU.

    Each result is :func:`~tessera.core.schema_fingerprint` of the schema, or None where it raised (the
    caller's own computation then reports the error).
    """
    size = max(MIN_CHUNK, min(MAX_CHUNK * 2, -(-len(schemas) // (workers * 2))))
    pool = _pool(workers)
    return [pool.submit(_fingerprints, schemas[i : i + size]) for i in range(0, len(schemas), size)]


def _fingerprints(schemas: list[JsonSchema]) -> list[str | None]:
    """What a worker runs for :func:`fingerprints_in_pool`."""
    out: list[str | None] = []
    for schema in schemas:
        try:
            out.append(schema_fingerprint(schema))
        except CoreError:
            out.append(None)
    return out


def _analyse_packed(tasks: list[ModelTask]) -> list[_Packed]:
    """What a worker runs: the chunk's lineages in the transport form."""
    return [_pack(result) for result in analyse_tasks(tasks)]


def _pack(lineage: NodeLineage) -> _Packed:
    # A column source travels as "node\x00column" (neither part can hold a NUL).
    return (
        lineage.node,
        tuple(
            (parent, None if cols is None else tuple(sorted(cols))) for parent, cols in lineage.reads.items()
        ),
        tuple(
            (name, tuple(sorted(f"{s.node}\x00{s.column}" for s in deps)))
            for name, deps in lineage.derives.items()
        ),
        tuple(lineage.definitions.items()),
        lineage.fallback_reason,
    )


def _unpack(packed: _Packed, shared: _Shared) -> NodeLineage:
    """The lineage from its transport form, sharing what it has in common with the other results."""
    node, reads, derives, definitions, reason = packed
    name = shared.name
    return NodeLineage(
        node=node,
        reads={name(parent): None if cols is None else shared.names(cols) for parent, cols in reads},
        derives={name(column): shared.sources(keys) for column, keys in derives},
        definitions={name(column): fp for column, fp in definitions},
        fallback_reason=reason,
    )


class _Shared:
    """One object per distinct value over all the results of an analysis.

    Unpickled, each result brings its own copy of every column name, node id and set it mentions, and the
    results are kept (remembered analyses). A column passed through unchanged derives from the same
    parent column in every child that selects it, and children read the same columns of a parent: with
    one object each, a 5,000-model project's results take ~10 MB less (docs/benchmarks.md, issue 17).
    """

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._name_sets: dict[tuple[str, ...], frozenset[str]] = {}
        self._sources: dict[str, ColumnSource] = {}
        self._source_sets: dict[tuple[str, ...], frozenset[ColumnSource]] = {}

    def name(self, text: str) -> str:
        """The one string equal to ``text``."""
        return self._names.setdefault(text, text)

    def names(self, texts: tuple[str, ...]) -> frozenset[str]:
        """The one set of these (sorted) names."""
        found = self._name_sets.get(texts)
        if found is None:
            found = self._name_sets[texts] = frozenset(self.name(t) for t in texts)
        return found

    def sources(self, keys: tuple[str, ...]) -> frozenset[ColumnSource]:
        """The one set of the column sources these (sorted) ``node\x00column`` keys name."""
        found = self._source_sets.get(keys)
        if found is None:
            found = self._source_sets[keys] = frozenset(self._source(key) for key in keys)
        return found

    def _source(self, key: str) -> ColumnSource:
        source = self._sources.get(key)
        if source is None:
            parent, _, column = key.partition("\x00")
            source = self._sources[key] = ColumnSource(self.name(parent), self.name(column))
        return source


def warm_pool(workers: int | None) -> None:
    """Start the pool's workers now (a server can call this at startup, so the first sync does not wait)."""
    count = cpu_count() if workers is None else workers
    if count > 1:
        # Workers start on demand, one per task that finds none idle: one task each starts them all.
        pool = _pool(count)
        for future in [pool.submit(int) for _ in range(count)]:
            future.result()


def shutdown_pool() -> None:
    """Stop the pool's workers (they are started again when needed); for shutdown and tests."""
    global _POOL
    with _POOL_LOCK:
        current, _POOL = _POOL, None
    if current is not None:
        current[1].shutdown(wait=True, cancel_futures=True)


def _pool(workers: int) -> ProcessPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None and _POOL[0] == workers:
            return _POOL[1]
        stale, _POOL = _POOL, None
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if "forkserver" in methods:
            # The fork server imports the analysis once; each worker forked from it has it loaded.
            context.set_forkserver_preload(["tessera.ingest.dbt.model_lineage"])
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        _POOL = (workers, pool)
    if stale is not None:
        stale[1].shutdown(wait=False, cancel_futures=True)
    return pool


def _discard(pool: ProcessPoolExecutor) -> None:
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None and _POOL[1] is pool:
            _POOL = None
    pool.shutdown(wait=False, cancel_futures=True)
