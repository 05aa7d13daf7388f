"""The garbage-collector helpers, and where they may be used."""

from __future__ import annotations

import ast
import gc
from pathlib import Path

import pytest

import tessera
from tessera.config import Settings
from tessera.perf import (
    await_without_cyclic_gc,
    frozen_startup_heap,
    pause_gc_for_startup,
    paused_gc,
    resumed_after_startup,
)

SOURCE = Path(tessera.__file__).parent


def test_the_startup_heap_is_frozen_inside_the_block_and_released_after() -> None:
    survivor: list[object] = [[]]  # containers are tracked by the collector
    with frozen_startup_heap():
        assert gc.get_freeze_count() > 0
        # Out of the collector's sight: in no generation it collects.
        assert not any(obj is survivor for g in range(3) for obj in gc.get_objects(generation=g))
    assert gc.get_freeze_count() == 0
    assert any(obj is survivor for obj in gc.get_objects(generation=2))


def test_the_startup_pause_ends_with_the_startup_heap_frozen_and_collection_on() -> None:
    pause_gc_for_startup()
    try:
        assert not gc.isenabled()
        survivor: list[object] = [[]]  # built "at startup"
        with resumed_after_startup():
            assert gc.isenabled()
            assert not any(obj is survivor for g in range(3) for obj in gc.get_objects(generation=g))
        assert gc.get_freeze_count() == 0
        assert any(obj is survivor for obj in gc.get_objects(generation=2))
    finally:
        gc.enable()


def test_without_a_startup_pause_resuming_changes_nothing() -> None:
    with resumed_after_startup():
        assert gc.isenabled()
        assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_caller_is_left_to_the_caller() -> None:
    gc.disable()
    try:
        pause_gc_for_startup()  # not ours to resume
        with resumed_after_startup():
            assert not gc.isenabled()
    finally:
        gc.enable()


def test_paused_gc_restores_the_previous_state() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def _pauses_in_coroutines(tree: ast.AST) -> list[int]:
    """Lines where ``paused_gc()`` is entered inside an ``async def``."""
    found: list[int] = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.AsyncFunctionDef):
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.With | ast.AsyncWith):
                for item in node.items:
                    call = item.context_expr
                    if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "paused_gc":
                        found.append(node.lineno)
    return found


def test_the_collector_is_never_paused_across_an_await() -> None:
    # gc.disable() is process-wide: held across an await, it would switch collection off for every
    # concurrent request. Pauses belong around synchronous, allocation-heavy code only.
    offenders = {
        str(path.relative_to(SOURCE)): lines
        for path in SOURCE.rglob("*.py")
        if (lines := _pauses_in_coroutines(ast.parse(path.read_text(), str(path))))
    }
    assert offenders == {}


def test_the_check_finds_a_pause_inside_a_coroutine() -> None:
    sample = "async def f():\n    with paused_gc():\n        await g()\n"
    assert _pauses_in_coroutines(ast.parse(sample)) == [2]


async def _collector_state() -> bool:
    return gc.isenabled()


async def _fail() -> None:
    assert not gc.isenabled()
    raise RuntimeError("boom")


async def test_the_sanctioned_pause_holds_across_its_await_and_ends_with_it() -> None:
    assert await await_without_cyclic_gc(_collector_state(), enabled=True) is False
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="boom"):
        await await_without_cyclic_gc(_fail(), enabled=True)
    assert gc.isenabled()


async def test_the_pause_is_a_setting_that_can_be_off() -> None:
    assert await await_without_cyclic_gc(_collector_state(), enabled=False) is True
    assert Settings(database_url="sqlite+aiosqlite:///x.db").sync_pause_gc is True
