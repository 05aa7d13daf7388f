"""Small performance helpers with a reason to exist."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around a synchronous, allocation-heavy operation.

    Never across an ``await``: the switch is process-wide, so every concurrent request would run without
    collection too (``tests/test_perf.py`` fails on a pause inside a coroutine).

    A big dbt sync creates hundreds of thousands of short-lived objects that are not garbage; the
    collector's repeated full passes over them made a 5,000-model sync more than twice as slow. Memory
    is reclaimed by reference counting as usual; cycles are collected when the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def frozen_startup_heap() -> Iterator[None]:
    """Keep what is alive after startup (modules, routes, schemas, pools) out of the collector's passes.

    Every full collection otherwise walks the whole long-lived heap of the framework and its libraries,
    and a busy server pays for that on every request that triggers one: freezing it measured about 12%
    more list requests per second (bench/bench_api.py). Unfrozen when the block ends, so an application
    started and stopped in a longer-lived process (the tests) leaves nothing uncollectable behind.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
