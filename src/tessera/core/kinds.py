"""Every kind of schema change, and the one fact about each that policy needs: its direction.

* ``tightening``: data valid before may be rejected now, or readers lose something they relied on
  (a removed field). Breaking under ``backward``.
* ``loosening``: data readers of the old contract have never seen may appear (a new field, a wider
  type, a new enum value). Breaking under ``forward``.
* ``incompatible``: both at once (a type changed to an unrelated one). Breaking under both.
* ``neutral``: documentation and declarations that constrain nothing. Never breaking.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tessera.core.modes import Bump


class Direction(StrEnum):
    """How a change moves the set of values (and fields) readers can receive."""

    TIGHTENING = "tightening"
    LOOSENING = "loosening"
    INCOMPATIBLE = "incompatible"
    NEUTRAL = "neutral"


class ChangeKind(StrEnum):
    """The kinds of change the diff reports. Declaration order is the order within one path."""

    SCHEMA_FORBIDDEN = "schema_forbidden"
    SCHEMA_ALLOWED = "schema_allowed"
    PROPERTY_ADDED = "property_added"
    PROPERTY_REMOVED = "property_removed"
    REQUIRED_ADDED = "required_added"
    REQUIRED_REMOVED = "required_removed"
    TYPE_CHANGED = "type_changed"
    TYPE_WIDENED = "type_widened"
    TYPE_NARROWED = "type_narrowed"
    TYPE_DECLARED = "type_declared"
    TYPE_UNDECLARED = "type_undeclared"
    NULLABILITY_ADDED = "nullability_added"
    NULLABILITY_REMOVED = "nullability_removed"
    ENUM_INTRODUCED = "enum_introduced"
    ENUM_DROPPED = "enum_dropped"
    ENUM_VALUES_ADDED = "enum_values_added"
    ENUM_VALUES_REMOVED = "enum_values_removed"
    CONST_ADDED = "const_added"
    CONST_REMOVED = "const_removed"
    CONST_CHANGED = "const_changed"
    FORMAT_ADDED = "format_added"
    FORMAT_REMOVED = "format_removed"
    FORMAT_CHANGED = "format_changed"
    CONSTRAINT_TIGHTENED = "constraint_tightened"
    CONSTRAINT_RELAXED = "constraint_relaxed"
    CONSTRAINT_CHANGED = "constraint_changed"
    TUPLE_ITEM_ADDED = "tuple_item_added"
    TUPLE_ITEM_REMOVED = "tuple_item_removed"
    UNION_BRANCH_ADDED = "union_branch_added"
    UNION_BRANCH_REMOVED = "union_branch_removed"
    ALL_OF_BRANCH_ADDED = "all_of_branch_added"
    ALL_OF_BRANCH_REMOVED = "all_of_branch_removed"
    SUBSCHEMA_ADDED = "subschema_added"
    SUBSCHEMA_REMOVED = "subschema_removed"
    SUBSCHEMA_CHANGED = "subschema_changed"
    DEFAULT_ADDED = "default_added"
    DEFAULT_REMOVED = "default_removed"
    DEFAULT_CHANGED = "default_changed"
    DEFINITION_ADDED = "definition_added"
    DEFINITION_REMOVED = "definition_removed"
    METADATA_CHANGED = "metadata_changed"


@dataclass(frozen=True, slots=True)
class KindInfo:
    """Static facts about a change kind."""

    direction: Direction
    effect: str  # what the change means for readers, used in verdict reasons
    mirror: ChangeKind  # the kind the same edit has when old and new are swapped
    bump: Bump  # the version bump it calls for when it is not breaking


T, L, X, N = Direction.TIGHTENING, Direction.LOOSENING, Direction.INCOMPATIBLE, Direction.NEUTRAL
K = ChangeKind
_MINOR, _PATCH = Bump.MINOR, Bump.PATCH

KIND_INFO: dict[ChangeKind, KindInfo] = {
    K.SCHEMA_FORBIDDEN: KindInfo(T, "the value is forbidden now (schema false)", K.SCHEMA_ALLOWED, _MINOR),
    K.SCHEMA_ALLOWED: KindInfo(L, "a value that was forbidden may appear", K.SCHEMA_FORBIDDEN, _MINOR),
    K.PROPERTY_ADDED: KindInfo(L, "a field appears that old readers do not know", K.PROPERTY_REMOVED, _MINOR),
    K.PROPERTY_REMOVED: KindInfo(T, "a field readers may use disappears", K.PROPERTY_ADDED, _MINOR),
    K.REQUIRED_ADDED: KindInfo(
        T, "rows without the field, valid before, become invalid", K.REQUIRED_REMOVED, _MINOR
    ),
    K.REQUIRED_REMOVED: KindInfo(
        L, "readers expecting the field on every row may miss it", K.REQUIRED_ADDED, _MINOR
    ),
    K.TYPE_CHANGED: KindInfo(X, "values change to an unrelated type", K.TYPE_CHANGED, _MINOR),
    K.TYPE_WIDENED: KindInfo(L, "values of a wider type may appear", K.TYPE_NARROWED, _MINOR),
    K.TYPE_NARROWED: KindInfo(T, "values of the dropped types become invalid", K.TYPE_WIDENED, _MINOR),
    K.TYPE_DECLARED: KindInfo(
        N, "the type of a column of unknown type is documented", K.TYPE_UNDECLARED, _PATCH
    ),
    K.TYPE_UNDECLARED: KindInfo(L, "the column may hold values of any type", K.TYPE_DECLARED, _MINOR),
    K.NULLABILITY_ADDED: KindInfo(L, "readers may receive nulls", K.NULLABILITY_REMOVED, _MINOR),
    K.NULLABILITY_REMOVED: KindInfo(T, "nulls, valid before, become invalid", K.NULLABILITY_ADDED, _MINOR),
    K.ENUM_INTRODUCED: KindInfo(T, "a free field is restricted to a list of values", K.ENUM_DROPPED, _MINOR),
    K.ENUM_DROPPED: KindInfo(
        L, "a field limited to a list of values may hold any value", K.ENUM_INTRODUCED, _MINOR
    ),
    K.ENUM_VALUES_ADDED: KindInfo(
        L, "readers may receive values they do not know", K.ENUM_VALUES_REMOVED, _MINOR
    ),
    K.ENUM_VALUES_REMOVED: KindInfo(T, "values valid before become invalid", K.ENUM_VALUES_ADDED, _MINOR),
    K.CONST_ADDED: KindInfo(T, "the field is pinned to one value", K.CONST_REMOVED, _MINOR),
    K.CONST_REMOVED: KindInfo(L, "a pinned field may hold other values", K.CONST_ADDED, _MINOR),
    K.CONST_CHANGED: KindInfo(X, "the pinned value changes", K.CONST_CHANGED, _MINOR),
    K.FORMAT_ADDED: KindInfo(T, "values must follow a format", K.FORMAT_REMOVED, _MINOR),
    K.FORMAT_REMOVED: KindInfo(L, "values need not follow the format any more", K.FORMAT_ADDED, _MINOR),
    K.FORMAT_CHANGED: KindInfo(X, "values change format", K.FORMAT_CHANGED, _MINOR),
    K.CONSTRAINT_TIGHTENED: KindInfo(
        T, "values valid before may become invalid", K.CONSTRAINT_RELAXED, _MINOR
    ),
    K.CONSTRAINT_RELAXED: KindInfo(
        L, "values readers have never seen may appear", K.CONSTRAINT_TIGHTENED, _MINOR
    ),
    K.CONSTRAINT_CHANGED: KindInfo(
        X, "the valid values change in both directions", K.CONSTRAINT_CHANGED, _MINOR
    ),
    K.TUPLE_ITEM_ADDED: KindInfo(
        L, "arrays gain a position old readers do not know", K.TUPLE_ITEM_REMOVED, _MINOR
    ),
    K.TUPLE_ITEM_REMOVED: KindInfo(T, "a position readers may use disappears", K.TUPLE_ITEM_ADDED, _MINOR),
    K.UNION_BRANCH_ADDED: KindInfo(L, "values of a new variant may appear", K.UNION_BRANCH_REMOVED, _MINOR),
    K.UNION_BRANCH_REMOVED: KindInfo(
        T, "values of a removed variant become invalid", K.UNION_BRANCH_ADDED, _MINOR
    ),
    K.ALL_OF_BRANCH_ADDED: KindInfo(
        T, "values must satisfy one more schema", K.ALL_OF_BRANCH_REMOVED, _MINOR
    ),
    K.ALL_OF_BRANCH_REMOVED: KindInfo(
        L, "values need not satisfy a schema any more", K.ALL_OF_BRANCH_ADDED, _MINOR
    ),
    K.SUBSCHEMA_ADDED: KindInfo(T, "values must meet an extra condition", K.SUBSCHEMA_REMOVED, _MINOR),
    K.SUBSCHEMA_REMOVED: KindInfo(L, "a condition on values is dropped", K.SUBSCHEMA_ADDED, _MINOR),
    K.SUBSCHEMA_CHANGED: KindInfo(X, "a condition on values changes", K.SUBSCHEMA_CHANGED, _MINOR),
    K.DEFAULT_ADDED: KindInfo(N, "only the documented default changes", K.DEFAULT_REMOVED, _MINOR),
    K.DEFAULT_REMOVED: KindInfo(N, "only the documented default changes", K.DEFAULT_ADDED, _MINOR),
    K.DEFAULT_CHANGED: KindInfo(N, "only the documented default changes", K.DEFAULT_CHANGED, _MINOR),
    K.DEFINITION_ADDED: KindInfo(N, "a reusable definition is added", K.DEFINITION_REMOVED, _PATCH),
    K.DEFINITION_REMOVED: KindInfo(N, "a reusable definition is removed", K.DEFINITION_ADDED, _PATCH),
    K.METADATA_CHANGED: KindInfo(N, "only documentation changes", K.METADATA_CHANGED, _PATCH),
}

KIND_ORDER: dict[ChangeKind, int] = {kind: index for index, kind in enumerate(ChangeKind)}

# Kinds for which swapping old and new gives the mirror kind with backward and forward verdicts swapped.
# type_declared / type_undeclared are the one exception: declaring a type is neutral by design, while
# dropping a declaration is a loosening.
SWAP_SYMMETRIC: frozenset[ChangeKind] = frozenset(
    k for k in ChangeKind if k not in (ChangeKind.TYPE_DECLARED, ChangeKind.TYPE_UNDECLARED)
)

__all__ = ["KIND_INFO", "KIND_ORDER", "SWAP_SYMMETRIC", "ChangeKind", "Direction", "KindInfo"]
