"""The gating rule on plain values: who must answer a breaking change, who is informed, and why."""

from __future__ import annotations

import uuid

import pytest

from tessera.core.gating import (
    ANY_COLUMN,
    Propagation,
    Reader,
    ReasonKind,
    Scope,
    decide,
    propagate,
    read_scope,
    touched,
)

A, B, C = uuid.UUID(int=1), uuid.UUID(int=2), uuid.UUID(int=3)
OWNER, T1, T2, T3 = (uuid.UUID(int=100 + i) for i in range(4))
FQNS = {A: "w.a", B: "w.b", C: "w.c"}


def cols(*names: str) -> Reader:
    return Reader(T1, A, read_scope(names, [], None, None))


def _drop(*columns: str) -> list[dict[str, object]]:
    return [{"kind": "property_removed", "path": f"/properties/{c}"} for c in columns]


@pytest.mark.parametrize(
    ("declared", "derived", "derived_scope", "expected"),
    [
        ([], [], None, Scope.UNKNOWN),  # an old registration: no column information
        (["Amount"], [], None, Scope.COLUMNS),
        ([], ["amount"], "columns", Scope.COLUMNS),
        ([], [], "columns", Scope.COLUMNS),  # a reader that reads no column (count(*))
        (["amount"], ["id"], "all", Scope.ALL),  # a fallback wins over any list
        (["amount"], [], "unknown", Scope.UNKNOWN),
    ],
)
def test_read_scope(
    declared: list[str], derived: list[str], derived_scope: str | None, expected: Scope
) -> None:
    scope = read_scope(declared, derived, derived_scope, None)
    assert scope.scope is expected
    assert scope.columns == {c.lower() for c in declared + derived}
    assert (scope.reason is None) == (expected is Scope.COLUMNS)


@pytest.mark.parametrize(
    ("paths", "columns", "whole"),
    [
        (["/properties/amount"], {"amount"}, False),
        (["/properties/amount/type", "/columns/id/not_null"], {"amount", "id"}, False),
        (["/properties/a~1b"], {"a/b"}, False),
        (["", "/freshness/max_age"], set(), True),
        (["/required"], set(), True),
    ],
)
def test_touched(paths: list[str], columns: set[str], whole: bool) -> None:
    t = touched([{"path": p} for p in paths])
    assert (set(t.columns), t.whole_table) == (columns, whole)


@pytest.mark.parametrize(
    ("reader", "breaking", "required", "kinds", "affected"),
    [
        (cols("amount", "id"), _drop("amount"), True, [ReasonKind.DIRECT], ["amount"]),
        (cols("id"), _drop("amount"), False, [ReasonKind.NOT_AFFECTED], []),
        (cols(), _drop("amount"), True, [ReasonKind.UNKNOWN], ["amount"]),
        (
            Reader(T1, A, read_scope([], [], "all", "macro")),
            _drop("amount"),
            True,
            [ReasonKind.ALL_COLUMNS],
            ["amount"],
        ),
        (cols("id"), [{"kind": "asset_removed", "path": ""}], True, [ReasonKind.WHOLE_TABLE], []),
    ],
)
def test_direct_readers(
    reader: Reader,
    breaking: list[dict[str, object]],
    required: bool,
    kinds: list[ReasonKind],
    affected: list[str],
) -> None:
    [impact] = decide(A, OWNER, [reader], touched(breaking), Propagation(), strict=False, fqns=FQNS)
    assert impact.team_id == T1
    assert impact.required is required
    assert [r.kind for r in impact.reasons] == kinds
    assert list(impact.affected_columns) == affected


def test_strict_requires_every_direct_consumer() -> None:
    [impact] = decide(A, OWNER, [cols("id")], touched(_drop("amount")), Propagation(), strict=True, fqns=FQNS)
    assert impact.required and [r.kind for r in impact.reasons] == [ReasonKind.STRICT]


def test_the_owner_team_is_never_asked() -> None:
    owner = Reader(OWNER, A, read_scope([], [], None, None))
    assert decide(A, OWNER, [owner], touched(_drop("amount")), Propagation(), strict=True, fqns=FQNS) == []


def test_propagation_follows_derived_columns_downstream_and_is_cycle_safe() -> None:
    derived = {
        (A, "amount"): [(B, "total")],
        (B, "total"): [(C, "revenue"), (A, "amount")],  # a cycle back to the start
        (C, "revenue"): [(B, "total")],
        (A, "id"): [(B, "id")],
    }
    prop = propagate(A, ["amount"], derived)
    assert prop.reached == {(B, "total"): {"amount"}, (C, "revenue"): {"amount"}}


def test_any_column_marker_is_reached_by_every_column() -> None:
    prop = propagate(A, ["amount"], {(A, ANY_COLUMN): [(B, "payload")]})
    assert prop.reached == {(B, "payload"): {"amount"}}


def test_teams_reading_a_derived_column_are_asked_via_it_others_not_listed() -> None:
    prop = propagate(A, ["amount"], {(A, "amount"): [(B, "total")], (A, "id"): [(B, "id")]})
    readers = [
        Reader(T2, B, read_scope(["total"], [], None, None)),  # reads B.total = f(A.amount)
        Reader(T3, B, read_scope(["id"], [], None, None)),  # reads B.id only: not concerned
        Reader(T1, C, read_scope([], [], None, None)),  # reads an asset nothing reached
    ]
    [impact] = decide(A, OWNER, readers, touched(_drop("amount")), prop, strict=False, fqns=FQNS)
    assert (impact.team_id, impact.required, impact.affected_columns) == (T2, True, ("amount",))
    [reason] = impact.reasons
    assert (reason.kind, reason.via_asset, reason.via_column) == (ReasonKind.VIA, "w.b", "total")
    assert reason.message() == "reads w.b.total, derived from amount"


def test_whole_table_changes_do_not_propagate() -> None:
    prop = propagate(A, [], {(A, "amount"): [(B, "total")]})
    readers = [Reader(T2, B, read_scope(["total"], [], None, None))]
    assert decide(A, OWNER, readers, touched([{"path": ""}]), prop, strict=False, fqns=FQNS) == []


@pytest.mark.parametrize("strict", [False, True])
def test_a_suggested_registration_informs_but_never_requires(strict: bool) -> None:
    # Created for T1 by another team's sync and not confirmed: T1 hears about the change it reads.
    suggested = Reader(T1, A, read_scope(["amount"], [], None, None), suggested=True)
    [impact] = decide(
        A, OWNER, [suggested], touched(_drop("amount")), Propagation(), strict=strict, fqns=FQNS
    )
    assert not impact.required
    assert [r.kind for r in impact.reasons] == [ReasonKind.SUGGESTED, ReasonKind.DIRECT]
    assert impact.affected_columns == ("amount",)


def test_a_suggested_downstream_reader_informs_a_team_that_is_otherwise_not_listed() -> None:
    prop = propagate(A, ["amount"], {(A, "amount"): [(B, "total")]})
    readers = [Reader(T2, B, read_scope(["total"], [], None, None), suggested=True)]
    [impact] = decide(A, OWNER, readers, touched(_drop("amount")), prop, strict=False, fqns=FQNS)
    assert (impact.team_id, impact.required) == (T2, False)
    assert [r.kind for r in impact.reasons] == [ReasonKind.SUGGESTED, ReasonKind.VIA]


def test_a_confirmed_registration_still_requires_next_to_a_suggested_one() -> None:
    readers = [
        Reader(T1, A, read_scope(["amount"], [], None, None)),
        Reader(T2, A, read_scope(["amount"], [], None, None), suggested=True),
    ]
    impacts = decide(A, OWNER, readers, touched(_drop("amount")), Propagation(), strict=False, fqns=FQNS)
    assert {(i.team_id, i.required) for i in impacts} == {(T1, True), (T2, False)}
