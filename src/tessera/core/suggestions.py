"""One-line non-breaking alternatives for changes that can break readers (issue 2, point 6)."""

from __future__ import annotations

from tessera.core.kinds import KIND_INFO, ChangeKind, Direction

K = ChangeKind

_SUGGESTIONS: dict[ChangeKind, str] = {
    K.SCHEMA_FORBIDDEN: (
        "Keep the field allowed and mark it deprecated in its description; forbid it in a later major "
        "version."
    ),
    K.SCHEMA_ALLOWED: "Add a new optional field for the values instead of re-allowing a forbidden one.",
    K.PROPERTY_ADDED: (
        "Readers of the old contract may reject unknown fields: publish the field in a new major version,"
        " or use mode backward if readers tolerate extra fields."
    ),
    K.PROPERTY_REMOVED: (
        "Keep the column (mark it deprecated in its description) until consumers stop reading it, then "
        "drop it in a major version."
    ),
    K.REQUIRED_ADDED: "Add the field as optional first; make it required once every row has it.",
    K.REQUIRED_REMOVED: "Keep the field required and fill it on every row until readers handle its absence.",
    K.TYPE_CHANGED: (
        "Add a new column with the new type beside the old one; drop the old column in a later major version."
    ),
    K.TYPE_WIDENED: "Keep the current type and add a new column with the wider type for the new values.",
    K.TYPE_NARROWED: (
        "Keep the wider type in the contract and narrow the values upstream, or add a new column with the"
        " narrower type."
    ),
    K.TYPE_UNDECLARED: "Keep the declared type; say in the description if it is uncertain.",
    K.NULLABILITY_ADDED: (
        "Keep the column non-null (fill a documented placeholder) or add a new nullable column."
    ),
    K.NULLABILITY_REMOVED: "Keep the column nullable in the contract even if it no longer holds nulls.",
    K.ENUM_INTRODUCED: (
        "List the expected values in the description first; enforce them as an enum in a later major version."
    ),
    K.ENUM_DROPPED: "Keep the enum and add the values you need (a smaller change for readers).",
    K.ENUM_VALUES_ADDED: (
        "Map the new values onto existing ones, or add a new column that carries the wider set."
    ),
    K.ENUM_VALUES_REMOVED: (
        "Keep the values allowed (deprecated in the description) until no reader depends on them."
    ),
    K.CONST_ADDED: "Document the expected value instead of pinning it with const.",
    K.CONST_REMOVED: "Keep the pinned value; add a new column for other values.",
    K.CONST_CHANGED: "Add a new column for the new value; retire the old one in a major version.",
    K.FORMAT_ADDED: "Describe the format in the description first; enforce it in a later major version.",
    K.FORMAT_REMOVED: "Keep the format; add a new column for values that do not follow it.",
    K.FORMAT_CHANGED: (
        "Add a new column in the new format beside the old one (e.g. created_at_ts next to created_at)."
    ),
    K.CONSTRAINT_TIGHTENED: "Keep the old limit in the contract and enforce the tighter one upstream.",
    K.CONSTRAINT_RELAXED: "Keep the current limit; add a new column for values outside it.",
    K.CONSTRAINT_CHANGED: "Keep the old constraint; add a new column with the new one.",
    K.TUPLE_ITEM_ADDED: "Add the value as a new field instead of a new array position.",
    K.TUPLE_ITEM_REMOVED: "Keep the array position (fill it with a placeholder) until readers stop using it.",
    K.UNION_BRANCH_ADDED: "Carry the new variant in a separate field instead of widening the union.",
    K.UNION_BRANCH_REMOVED: "Keep the variant allowed until no reader depends on it.",
    K.ALL_OF_BRANCH_ADDED: "Enforce the extra condition upstream before adding it to the contract.",
    K.ALL_OF_BRANCH_REMOVED: "Keep the condition in the contract until readers no longer rely on it.",
    K.SUBSCHEMA_ADDED: "Enforce the extra condition upstream before adding it to the contract.",
    K.SUBSCHEMA_REMOVED: "Keep the condition in the contract until readers no longer rely on it.",
    K.SUBSCHEMA_CHANGED: "Keep the old condition; express the new one on a new field.",
}


def suggestion_for(
    kind: ChangeKind, *, renamed_to: str | None = None, renamed_from: str | None = None
) -> str | None:
    """A one-line alternative that would not break readers, or ``None`` for changes that never break."""
    if KIND_INFO[kind].direction is Direction.NEUTRAL:
        return None
    if kind is ChangeKind.PROPERTY_REMOVED and renamed_to is not None:
        return (
            f"Looks like a rename to {renamed_to!r}: add the new column and keep the old one filled with "
            "the same values until consumers have moved, then drop it in a major version."
        )
    if kind is ChangeKind.PROPERTY_ADDED and renamed_from is not None:
        return f"Looks like a rename of {renamed_from!r}: keep {renamed_from!r} beside it for a while."
    return _SUGGESTIONS.get(kind)


__all__ = ["suggestion_for"]
