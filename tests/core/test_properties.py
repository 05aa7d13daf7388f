"""Property-based tests of the diff engine (hypothesis)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tessera.core import (
    KIND_INFO,
    SWAP_SYMMETRIC,
    ChangeKind,
    CompatibilityMode,
    check_compatibility,
    diff_schemas,
    is_breaking,
    schema_fingerprint,
)
from tests.core.strategies import record_schemas, reorder, schemas, schemas_with_defs

FAST = settings(
    max_examples=int(__import__("os").environ.get("CORE_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# A pair of changed branches is compared under the new side's keyword and index; normalise both.
BRANCH_INDEX = re.compile(r"/(anyOf|oneOf|allOf)/\d+")


def _branchless(path: str) -> str:
    return BRANCH_INDEX.sub(lambda m: "/allOf/*" if m.group(1) == "allOf" else "/union/*", path)


@FAST
@given(schemas | schemas_with_defs())
def test_a_schema_diffed_with_itself_is_empty(schema: Any) -> None:
    assert diff_schemas(schema, schema).changes == ()


@FAST
@given(schemas | schemas_with_defs(), st.integers(0, 2**16))
def test_spelling_order_is_never_a_change(schema: Any, seed: int) -> None:
    shuffled = reorder(schema, seed)
    assert diff_schemas(schema, shuffled).changes == ()
    assert schema_fingerprint(schema) == schema_fingerprint(shuffled)


def _signature(changes: Any, mirror: bool) -> Counter[tuple[str, str, str | None]]:
    counted: Counter[tuple[str, str, str | None]] = Counter()
    for change in changes:
        kind = KIND_INFO[change.kind].mirror if mirror else change.kind
        # Branch indexes name the branch on the "new" side, which swaps with the direction.
        counted[(kind.value, _branchless(change.path), change.keyword)] += 1
    return counted


@FAST
@given(record_schemas, record_schemas)
def test_swapping_old_and_new_mirrors_every_change(a: Any, b: Any) -> None:
    forward = diff_schemas(a, b).changes
    backward = diff_schemas(b, a).changes
    assert _signature(forward, mirror=True) == _signature(backward, mirror=False)


@FAST
@given(record_schemas, record_schemas)
def test_swapping_swaps_backward_and_forward_verdicts(a: Any, b: Any) -> None:
    """For every kind except type_declared/type_undeclared (declaring a type is neutral by design)."""
    ab, ba = diff_schemas(a, b).changes, diff_schemas(b, a).changes
    for mode_a, mode_b in [
        (CompatibilityMode.BACKWARD, CompatibilityMode.FORWARD),
        (CompatibilityMode.FORWARD, CompatibilityMode.BACKWARD),
    ]:
        left = Counter((_branchless(c.path), c.is_breaking(mode_a)) for c in ab if c.kind in SWAP_SYMMETRIC)
        right = Counter((_branchless(c.path), c.is_breaking(mode_b)) for c in ba if c.kind in SWAP_SYMMETRIC)
        assert left == right


def test_swap_symmetry_of_the_policy_table() -> None:
    for kind in ChangeKind:
        mirror = KIND_INFO[kind].mirror
        assert KIND_INFO[mirror].mirror is kind
        if kind in SWAP_SYMMETRIC:
            assert is_breaking(kind, CompatibilityMode.BACKWARD) == is_breaking(
                mirror, CompatibilityMode.FORWARD
            )
            assert is_breaking(kind, CompatibilityMode.FORWARD) == is_breaking(
                mirror, CompatibilityMode.BACKWARD
            )
    assert frozenset(ChangeKind) - {ChangeKind.TYPE_DECLARED, ChangeKind.TYPE_UNDECLARED} == SWAP_SYMMETRIC


@FAST
@given(st.lists(record_schemas, min_size=1, max_size=4), record_schemas)
def test_a_transitive_mode_is_never_more_lenient(history: list[Any], new: Any) -> None:
    for base in (CompatibilityMode.BACKWARD, CompatibilityMode.FORWARD, CompatibilityMode.FULL):
        plain = check_compatibility(new, history, base)
        transitive = check_compatibility(new, history, CompatibilityMode(f"{base.value}_transitive"))
        if transitive.compatible:
            assert plain.compatible
        assert {(c.kind, c.path) for c in plain.breaking_changes} <= {
            (c.kind, c.path) for c in transitive.breaking_changes
        }
        assert transitive.suggested_bump.rank >= plain.suggested_bump.rank


@FAST
@given(record_schemas, record_schemas)
def test_full_is_backward_or_forward_and_none_never_breaks(a: Any, b: Any) -> None:
    for change in diff_schemas(a, b).changes:
        assert change.is_breaking(CompatibilityMode.FULL) == (
            change.is_breaking(CompatibilityMode.BACKWARD) or change.is_breaking(CompatibilityMode.FORWARD)
        )
        assert not change.is_breaking(CompatibilityMode.NONE)


@FAST
@given(record_schemas, record_schemas)
def test_order_is_deterministic_and_sorted_by_path(a: Any, b: Any) -> None:
    first = diff_schemas(a, b).changes
    assert first == diff_schemas(a, b).changes
    keys = [c.sort_key for c in first]
    assert keys == sorted(keys)


@FAST
@given(record_schemas, record_schemas)
def test_fingerprints_differ_when_the_diff_is_not_empty(a: Any, b: Any) -> None:
    if diff_schemas(a, b).changes:
        assert schema_fingerprint(a) != schema_fingerprint(b)
