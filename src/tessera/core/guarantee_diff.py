"""The guarantees diff: which promises about the data were added, tightened, relaxed or removed.

``safe`` changes promise readers more (a test added, a bound tightened, accepted values narrowed);
``risky`` ones promise less (a test removed, a bound relaxed, accepted values expanded, a relationship
pointed elsewhere). The asset's guarantee mode decides whether risky blocks a publish.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from tessera.core.changes import show
from tessera.core.guarantees import ColumnGuarantees, CustomTest, Guarantees
from tessera.core.json_types import JsonValue
from tessera.core.modes import GuaranteeMode
from tessera.core.pointer import escape
from tessera.core.values import canonical_json, canonical_key


class Risk(StrEnum):
    """Whether a guarantee change takes a promise away from readers."""

    SAFE = "safe"
    RISKY = "risky"


class GuaranteeChangeKind(StrEnum):
    """The kinds of guarantee change. Declaration order is the order within one path."""

    NOT_NULL_ADDED = "not_null_added"
    NOT_NULL_REMOVED = "not_null_removed"
    UNIQUE_ADDED = "unique_added"
    UNIQUE_REMOVED = "unique_removed"
    ACCEPTED_VALUES_ADDED = "accepted_values_added"
    ACCEPTED_VALUES_REMOVED = "accepted_values_removed"
    ACCEPTED_VALUES_NARROWED = "accepted_values_narrowed"
    ACCEPTED_VALUES_EXPANDED = "accepted_values_expanded"
    RELATIONSHIP_ADDED = "relationship_added"
    RELATIONSHIP_REMOVED = "relationship_removed"
    RELATIONSHIP_CHANGED = "relationship_changed"
    FRESHNESS_ADDED = "freshness_added"
    FRESHNESS_REMOVED = "freshness_removed"
    FRESHNESS_TIGHTENED = "freshness_tightened"
    FRESHNESS_RELAXED = "freshness_relaxed"
    VOLUME_ADDED = "volume_added"
    VOLUME_REMOVED = "volume_removed"
    VOLUME_TIGHTENED = "volume_tightened"
    VOLUME_RELAXED = "volume_relaxed"
    CUSTOM_TEST_ADDED = "custom_test_added"
    CUSTOM_TEST_REMOVED = "custom_test_removed"


G = GuaranteeChangeKind
_RISK: dict[GuaranteeChangeKind, Risk] = {
    kind: Risk.RISKY if kind.value.endswith(("_removed", "_relaxed", "_expanded", "_changed")) else Risk.SAFE
    for kind in GuaranteeChangeKind
}
_ORDER = {kind: index for index, kind in enumerate(GuaranteeChangeKind)}


@dataclass(frozen=True, slots=True)
class GuaranteeChange:
    """One difference between two sets of guarantees."""

    kind: GuaranteeChangeKind
    path: str
    old: JsonValue
    new: JsonValue
    message: str

    @property
    def risk(self) -> Risk:
        """``safe`` or ``risky`` (a plain string enum, so ``change.risk == "risky"`` works)."""
        return _RISK[self.kind]

    def blocks(self, mode: GuaranteeMode | str) -> bool:
        """Whether this change blocks a publish under ``mode``: only risky changes under ``strict``."""
        return GuaranteeMode(mode) is GuaranteeMode.STRICT and self.risk is Risk.RISKY

    def to_dict(self, mode: GuaranteeMode | str = GuaranteeMode.STRICT) -> dict[str, JsonValue]:
        """A JSON-ready description, with whether it blocks under ``mode``."""
        return {
            "kind": self.kind.value,
            "path": self.path,
            "old": self.old,
            "new": self.new,
            "message": self.message,
            "risk": self.risk.value,
            "blocks": self.blocks(mode),
        }


def diff_guarantees(old: Guarantees, new: Guarantees) -> tuple[GuaranteeChange, ...]:
    """Every guarantee change from ``old`` to ``new``, ordered by path then kind.

    Columns are matched ignoring case; custom tests by (name, column, canonical arguments), so a test
    whose generated id changed but whose meaning did not is no change.
    """
    changes: list[GuaranteeChange] = []
    old_columns = {name.lower(): (name, spec) for name, spec in old.columns.items()}
    new_columns = {name.lower(): (name, spec) for name, spec in new.columns.items()}
    for key in sorted(old_columns.keys() | new_columns.keys()):
        old_name, old_spec = old_columns.get(key, (None, ColumnGuarantees()))
        new_name, new_spec = new_columns.get(key, (None, ColumnGuarantees()))
        name = new_name or old_name
        assert name is not None
        _column(changes, f"/columns/{escape(name)}", name, old_spec, new_spec)
    _freshness(changes, old, new)
    _volume(changes, old, new)
    _custom(changes, old.custom, new.custom)
    changes.sort(key=lambda ch: (ch.path, _ORDER[ch.kind]))
    return tuple(changes)


def _column(
    out: list[GuaranteeChange], base: str, name: str, old: ColumnGuarantees, new: ColumnGuarantees
) -> None:
    for flag in ("not_null", "unique"):
        before, after = getattr(old, flag), getattr(new, flag)
        if before != after:
            kind = G(f"{flag}_{'added' if after else 'removed'}")
            verb = "added" if after else "removed"
            out.append(GuaranteeChange(kind, f"{base}/{flag}", before, after, f"{name}: {flag} test {verb}"))

    where = f"{base}/accepted_values"
    if old.accepted_values is None and new.accepted_values is not None:
        values: list[JsonValue] = [*new.accepted_values]
        out.append(
            GuaranteeChange(
                G.ACCEPTED_VALUES_ADDED, where, None, values, f"{name}: accepted_values test added"
            )
        )
    elif old.accepted_values is not None and new.accepted_values is None:
        values = [*old.accepted_values]
        out.append(
            GuaranteeChange(
                G.ACCEPTED_VALUES_REMOVED, where, values, None, f"{name}: accepted_values test removed"
            )
        )
    elif old.accepted_values is not None and new.accepted_values is not None:
        before_keys = {canonical_key(v): v for v in old.accepted_values}
        after_keys = {canonical_key(v): v for v in new.accepted_values}
        dropped = [before_keys[k] for k in sorted(before_keys.keys() - after_keys.keys())]
        gained = [after_keys[k] for k in sorted(after_keys.keys() - before_keys.keys())]
        if dropped:
            out.append(
                GuaranteeChange(
                    G.ACCEPTED_VALUES_NARROWED,
                    where,
                    [*dropped],
                    None,
                    f"{name}: values no longer accepted: {show(dropped)}",
                )
            )
        if gained:
            out.append(
                GuaranteeChange(
                    G.ACCEPTED_VALUES_EXPANDED,
                    where,
                    None,
                    [*gained],
                    f"{name}: values newly accepted: {show(gained)}",
                )
            )

    where = f"{base}/relationships"
    before_rel = old.relationships.model_dump() if old.relationships else None
    after_rel = new.relationships.model_dump() if new.relationships else None
    if before_rel != after_rel:
        if before_rel is None:
            kind, message = G.RELATIONSHIP_ADDED, f"{name}: relationship to {show(after_rel)} added"
        elif after_rel is None:
            kind, message = G.RELATIONSHIP_REMOVED, f"{name}: relationship to {show(before_rel)} removed"
        else:
            kind, message = G.RELATIONSHIP_CHANGED, f"{name}: relationship changed to {show(after_rel)}"
        out.append(GuaranteeChange(kind, where, before_rel, after_rel, message))


def _freshness(out: list[GuaranteeChange], old: Guarantees, new: Guarantees) -> None:
    for key in ("warn_after", "error_after"):
        before = old.freshness.seconds(key) if old.freshness else None
        after = new.freshness.seconds(key) if new.freshness else None
        if before == after:
            continue
        raw_before = _raw(getattr(old.freshness, key, None))
        raw_after = _raw(getattr(new.freshness, key, None))
        where = f"/freshness/{key}"
        if before is None:
            out.append(
                GuaranteeChange(
                    G.FRESHNESS_ADDED, where, None, raw_after, f"freshness {key} {show(raw_after)} added"
                )
            )
        elif after is None:
            out.append(
                GuaranteeChange(G.FRESHNESS_REMOVED, where, raw_before, None, f"freshness {key} removed")
            )
        else:
            kind = G.FRESHNESS_TIGHTENED if after < before else G.FRESHNESS_RELAXED
            verb = "tightened" if after < before else "relaxed"
            message = f"freshness {key} {verb} from {show(raw_before)} to {show(raw_after)}"
            out.append(GuaranteeChange(kind, where, raw_before, raw_after, message))


def _raw(value: object) -> JsonValue:
    if value is None:
        return None
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        result: JsonValue = dump()
        return result
    assert isinstance(value, str | int | float)
    return value


def _volume(out: list[GuaranteeChange], old: Guarantees, new: Guarantees) -> None:
    for key, larger_is_tighter in (("min_rows", True), ("max_rows", False)):
        before = getattr(old.volume, key, None) if old.volume else None
        after = getattr(new.volume, key, None) if new.volume else None
        if before == after:
            continue
        where = f"/volume/{key}"
        if before is None:
            out.append(GuaranteeChange(G.VOLUME_ADDED, where, None, after, f"volume {key} {after} added"))
        elif after is None:
            out.append(GuaranteeChange(G.VOLUME_REMOVED, where, before, None, f"volume {key} removed"))
        else:
            tighter = (after > before) == larger_is_tighter
            kind = G.VOLUME_TIGHTENED if tighter else G.VOLUME_RELAXED
            verb = "tightened" if tighter else "relaxed"
            out.append(
                GuaranteeChange(kind, where, before, after, f"volume {key} {verb} from {before} to {after}")
            )


def _test_key(test: CustomTest) -> tuple[str, str | None, str]:
    column = test.column.lower() if test.column is not None else None
    return (test.name, column, canonical_json(test.arguments))


def _custom(out: list[GuaranteeChange], old: tuple[CustomTest, ...], new: tuple[CustomTest, ...]) -> None:
    before = Counter(_test_key(t) for t in old)
    after = Counter(_test_key(t) for t in new)
    examples = {_test_key(t): t for t in (*old, *new)}
    for key in sorted((before - after).elements()):
        test = examples[key]
        out.append(
            GuaranteeChange(
                G.CUSTOM_TEST_REMOVED, _custom_path(test), _test_json(test), None, f"test {test.name} removed"
            )
        )
    for key in sorted((after - before).elements(), key=lambda k: (k[0], k[1] or "", k[2])):
        test = examples[key]
        out.append(
            GuaranteeChange(
                G.CUSTOM_TEST_ADDED, _custom_path(test), None, _test_json(test), f"test {test.name} added"
            )
        )


def _custom_path(test: CustomTest) -> str:
    return f"/custom/{escape(test.name)}" + (f"/{escape(test.column)}" if test.column else "")


def _test_json(test: CustomTest) -> JsonValue:
    data: dict[str, JsonValue] = test.model_dump(mode="json")
    return data


__all__ = ["GuaranteeChange", "GuaranteeChangeKind", "Risk", "diff_guarantees"]
