"""The semantic diff as people read it: one row per change, grouped by the column it touches.

The proposal page, the version comparison and the editor's live verdict all show changes through
:func:`change_groups`, so the three pages cannot drift apart. The input is the JSON the services already
return (``Change.to_dict`` and ``GuaranteeChange.to_dict``); nothing is recomputed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tessera.core.pointer import column_of, unescape
from tessera.core.values import canonical_json

TABLE = "(whole table)"
"""The field label of a change whose path names no column (the table's shape, extra columns)."""

_STRUCTURAL = {"properties", "items", "prefixItems", "additionalProperties", "columns"}
_SHORT = 80


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """One change ready to show: a readable label, old and new values, and the verdict."""

    field: str
    kind: str
    label: str
    old: str | None
    new: str | None
    message: str
    breaking: bool
    reason: str | None
    suggestion: str | None
    category: str  # "schema" or "guarantee"

    @property
    def tone(self) -> str:
        """The badge class: ``breaking`` (blocks publishing) or ``compatible``."""
        return "breaking" if self.breaking else "compatible"


@dataclass(frozen=True, slots=True)
class ChangeGroup:
    """The changes that touch one column (or the table as a whole), breaking ones first."""

    field: str
    column: str | None
    rows: tuple[ChangeRow, ...]

    @property
    def breaking(self) -> bool:
        """True when any change in the group breaks readers."""
        return any(row.breaking for row in self.rows)


def field_label(path: str) -> str:
    """``/properties/address/properties/zip`` -> ``address.zip``; ``/items`` -> ``[]``; root -> table."""
    if not path:
        return TABLE
    parts: list[str] = []
    tokens = [unescape(t) for t in path.split("/")[1:]]
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in ("properties", "columns") and index + 1 < len(tokens):
            parts.append(tokens[index + 1])
            index += 2
            continue
        if token == "items":
            parts.append("[]")
        elif token not in _STRUCTURAL:
            parts.append(token)
        index += 1
    text = ".".join(parts).replace(".[]", "[]")
    return text or TABLE


def kind_label(kind: str) -> str:
    """``property_removed`` -> ``Property removed``."""
    return kind.replace("_", " ").capitalize()


def show_value(value: Any, present: bool) -> str | None:
    """A short canonical rendering of an old/new value, ``None`` when the side has no value."""
    if not present:
        return None
    try:
        text = canonical_json(value)
    except (TypeError, ValueError):  # a value outside JSON: show it rather than fail the page
        text = repr(value)
    return text if len(text) <= _SHORT else text[: _SHORT - 1] + "…"


def _row(change: Mapping[str, Any], category: str) -> ChangeRow:
    path = str(change.get("path", ""))
    kind = str(change.get("kind", ""))
    breaking = bool(change.get("breaking", change.get("blocks", False)))
    return ChangeRow(
        field=field_label(path),
        kind=kind,
        label=kind_label(kind),
        old=show_value(change.get("old"), change.get("old") is not None),
        new=show_value(change.get("new"), change.get("new") is not None),
        message=str(change.get("message", "")),
        breaking=breaking,
        reason=change.get("reason") if category == "schema" else change.get("risk"),
        suggestion=change.get("suggestion"),
        category=category,
    )


def change_groups(
    changes: Iterable[Mapping[str, Any]],
    guarantee_changes: Iterable[Mapping[str, Any]] = (),
) -> list[ChangeGroup]:
    """Schema and guarantee changes grouped by field, breaking groups first, then by field name."""
    grouped: dict[str, list[ChangeRow]] = {}
    columns: dict[str, str | None] = {}
    for category, items in (("schema", changes), ("guarantee", guarantee_changes)):
        for change in items:
            row = _row(change, category)
            grouped.setdefault(row.field, []).append(row)
            columns.setdefault(row.field, column_of(str(change.get("path", ""))))
    groups = [
        ChangeGroup(
            field=name,
            column=columns[name],
            rows=tuple(sorted(rows, key=lambda r: (not r.breaking, r.category, r.kind))),
        )
        for name, rows in grouped.items()
    ]
    groups.sort(key=lambda g: (not g.breaking, g.field == TABLE, g.field.lower()))
    return groups


def summary(groups: Iterable[ChangeGroup]) -> dict[str, int]:
    """Counts for the headline: changes, breaking changes, fields touched."""
    rows = [row for group in groups for row in group.rows]
    return {
        "changes": len(rows),
        "breaking": sum(1 for row in rows if row.breaking),
        "fields": len({row.field for row in rows}),
    }
