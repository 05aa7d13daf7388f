"""The garbage-collector helpers."""

from __future__ import annotations

import gc

from tessera.perf import frozen_startup_heap, paused_gc


def test_the_startup_heap_is_frozen_inside_the_block_and_released_after() -> None:
    survivor: list[object] = [[]]  # containers are tracked by the collector
    with frozen_startup_heap():
        assert gc.get_freeze_count() > 0
        # Out of the collector's sight: in no generation it collects.
        assert not any(obj is survivor for g in range(3) for obj in gc.get_objects(generation=g))
    assert gc.get_freeze_count() == 0
    assert any(obj is survivor for obj in gc.get_objects(generation=2))


def test_paused_gc_restores_the_previous_state() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
