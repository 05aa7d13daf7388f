"""Small performance helpers with a reason to exist."""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

#: Whether :func:`pause_gc_for_startup` switched the collector off and nobody resumed it yet.
_startup_pause = {"active": False}


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around a synchronous, allocation-heavy operation.

    Never across an ``await`` (``tests/test_perf.py`` fails on a pause inside a coroutine; use
    :func:`await_without_cyclic_gc`, which says what it costs). The switch is process-wide: code run in a
    worker thread (the manifest parse) pauses collection for the event loop's requests too, for as long
    as it runs (about 0.6 s for a 47 MB manifest).

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


def pause_gc_for_startup() -> None:
    """Switch the cyclic collector off while ``tessera serve`` imports and builds the app.

    Start-up creates about 240,000 long-lived objects (modules, classes, pydantic validators, routes) and
    no garbage to speak of, yet the collector ran some 350 passes over them: about a quarter of the CPU
    time to the first 2xx (docs/benchmarks.md, issue 17). :func:`resumed_after_startup` ends the pause
    when the lifespan has started; until then nothing else runs in the process.
    """
    if gc.isenabled():
        gc.disable()
        _startup_pause["active"] = True


@contextmanager
def resumed_after_startup() -> Iterator[None]:
    """End the pause of :func:`pause_gc_for_startup`, if there is one, for the life of the block.

    What start-up built is frozen (``gc.freeze``: moved out of every generation at no cost) rather than
    collected: it is long-lived, and one pass over it would cost about 0.1 s before the first request.
    Collection then resumes for what requests create; the heap is unfrozen when the block ends. Without a
    pause (tests, other servers) this does nothing.
    """
    if not _startup_pause["active"]:
        yield
        return
    _startup_pause["active"] = False
    gc.freeze()
    gc.enable()
    try:
        yield
    finally:
        gc.unfreeze()


async def await_without_cyclic_gc(awaitable: Awaitable[T], *, enabled: bool) -> T:
    """Await ``awaitable`` with the cyclic collector off when ``enabled`` (``SYNC_PAUSE_GC``).

    The one sanctioned pause across awaits, and a trade-off to know about: the switch is process-wide,
    so requests served meanwhile also run without cyclic collection (reference counting still frees
    what they drop). It exists because a big dbt sync keeps a large, long-lived heap (the parsed
    manifest, thousands of loaded rows) that every full collection walks again: on 5,000 models the
    first sync took 8.7 s with collection on and 6.1 s with it off, the re-sync 3.2 s against 1.7 s
    (docs/benchmarks.md). Collection resumes, with a pass over what built up, when the block ends.
    """
    if not enabled or not gc.isenabled():
        return await awaitable
    gc.disable()
    try:
        return await awaitable
    finally:
        gc.enable()
