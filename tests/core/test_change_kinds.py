"""Every change kind: an example that produces it, and its verdict in all seven modes.

The verdict table is written out by hand (not derived from the code's direction table) so that it is a
specification: Y = breaking, N = not breaking, in the order
backward, forward, full, none, backward_transitive, forward_transitive, full_transitive.
"""

from __future__ import annotations

from typing import Any

import pytest

from tessera.core import KIND_INFO, Bump, ChangeKind, CompatibilityMode, diff_schemas
from tests.core.helpers import MODES, prop, record

K = ChangeKind
S = {"type": "string"}

# kind -> (old schema, new schema, path of the change)
EXAMPLES: dict[ChangeKind, tuple[Any, Any, str]] = {
    K.SCHEMA_FORBIDDEN: (prop(S), prop(False), "/properties/a"),
    K.SCHEMA_ALLOWED: (prop(False), prop(S), "/properties/a"),
    K.PROPERTY_ADDED: (record(), prop(S), "/properties/a"),
    K.PROPERTY_REMOVED: (prop(S), record(), "/properties/a"),
    K.REQUIRED_ADDED: (prop(S), record(required=["a"], a=S), "/properties/a"),
    K.REQUIRED_REMOVED: (record(required=["a"], a=S), prop(S), "/properties/a"),
    K.TYPE_CHANGED: (prop({"type": "integer"}), prop(S), "/properties/a"),
    K.TYPE_WIDENED: (prop({"type": "integer"}), prop({"type": "number"}), "/properties/a"),
    K.TYPE_NARROWED: (prop({"type": ["string", "integer"]}), prop(S), "/properties/a"),
    K.TYPE_DECLARED: (prop({}), prop({"type": "integer"}), "/properties/a"),
    K.TYPE_UNDECLARED: (prop({"type": "integer"}), prop({}), "/properties/a"),
    K.NULLABILITY_ADDED: (prop(S), prop({"type": ["string", "null"]}), "/properties/a"),
    K.NULLABILITY_REMOVED: (prop({"anyOf": [S, {"type": "null"}]}), prop(S), "/properties/a"),
    K.ENUM_INTRODUCED: (prop(S), prop({"type": "string", "enum": ["a", "b"]}), "/properties/a"),
    K.ENUM_DROPPED: (prop({"type": "string", "enum": ["a", "b"]}), prop(S), "/properties/a"),
    K.ENUM_VALUES_ADDED: (prop({"enum": ["a"]}), prop({"enum": ["a", "b"]}), "/properties/a"),
    K.ENUM_VALUES_REMOVED: (prop({"enum": ["a", "b"]}), prop({"enum": ["a"]}), "/properties/a"),
    K.CONST_ADDED: (prop(S), prop({"type": "string", "const": "x"}), "/properties/a"),
    K.CONST_REMOVED: (prop({"type": "string", "const": "x"}), prop(S), "/properties/a"),
    K.CONST_CHANGED: (prop({"const": "x"}), prop({"const": "y"}), "/properties/a"),
    K.FORMAT_ADDED: (prop(S), prop({"type": "string", "format": "date"}), "/properties/a"),
    K.FORMAT_REMOVED: (prop({"type": "string", "format": "date"}), prop(S), "/properties/a"),
    K.FORMAT_CHANGED: (
        prop({"type": "string", "format": "date"}),
        prop({"type": "string", "format": "date-time"}),
        "/properties/a",
    ),
    K.CONSTRAINT_TIGHTENED: (
        prop({"type": "string", "maxLength": 50}),
        prop({"type": "string", "maxLength": 20}),
        "/properties/a",
    ),
    K.CONSTRAINT_RELAXED: (
        prop({"type": "string", "maxLength": 20}),
        prop({"type": "string", "maxLength": 50}),
        "/properties/a",
    ),
    K.CONSTRAINT_CHANGED: (
        prop({"type": "string", "pattern": "^a"}),
        prop({"type": "string", "pattern": "^b"}),
        "/properties/a",
    ),
    K.TUPLE_ITEM_ADDED: (
        prop({"type": "array", "prefixItems": [S]}),
        prop({"type": "array", "prefixItems": [S, {"type": "integer"}]}),
        "/properties/a/prefixItems/1",
    ),
    K.TUPLE_ITEM_REMOVED: (
        prop({"type": "array", "prefixItems": [S, {"type": "integer"}]}),
        prop({"type": "array", "prefixItems": [S]}),
        "/properties/a/prefixItems/1",
    ),
    K.UNION_BRANCH_ADDED: (
        prop({"anyOf": [{"type": "string", "minLength": 1}, {"type": "array"}]}),
        prop({"anyOf": [{"type": "string", "minLength": 1}, {"type": "array"}, {"type": "object"}]}),
        "/properties/a/anyOf/2",
    ),
    K.UNION_BRANCH_REMOVED: (
        prop({"anyOf": [{"type": "string", "minLength": 1}, {"type": "array"}, {"type": "object"}]}),
        prop({"anyOf": [{"type": "string", "minLength": 1}, {"type": "array"}]}),
        "/properties/a/anyOf/2",
    ),
    # Branches that stay branches: patterns have no merged spelling (bounds would merge into the node).
    K.ALL_OF_BRANCH_ADDED: (
        prop({"type": "string", "allOf": [{"pattern": "^a"}, {"pattern": "b$"}]}),
        prop({"type": "string", "allOf": [{"pattern": "^a"}, {"pattern": "b$"}, {"pattern": "^x"}]}),
        "/properties/a/allOf/2",
    ),
    K.ALL_OF_BRANCH_REMOVED: (
        prop({"type": "string", "allOf": [{"pattern": "^a"}, {"pattern": "b$"}, {"pattern": "^x"}]}),
        prop({"type": "string", "allOf": [{"pattern": "^a"}, {"pattern": "b$"}]}),
        "/properties/a/allOf/2",
    ),
    K.SUBSCHEMA_ADDED: (prop(S), prop({"type": "string", "not": {"const": "x"}}), "/properties/a/not"),
    K.SUBSCHEMA_REMOVED: (prop({"type": "string", "not": {"const": "x"}}), prop(S), "/properties/a/not"),
    K.SUBSCHEMA_CHANGED: (
        prop({"type": "string", "not": {"const": "x"}}),
        prop({"type": "string", "not": {"const": "y"}}),
        "/properties/a/not",
    ),
    K.DEFAULT_ADDED: (prop(S), prop({"type": "string", "default": "x"}), "/properties/a"),
    K.DEFAULT_REMOVED: (prop({"type": "string", "default": "x"}), prop(S), "/properties/a"),
    K.DEFAULT_CHANGED: (
        prop({"type": "string", "default": "x"}),
        prop({"type": "string", "default": "y"}),
        "/properties/a",
    ),
    K.DEFINITION_ADDED: ({**prop(S), "$defs": {}}, {**prop(S), "$defs": {"X": S}}, "/$defs/X"),
    K.DEFINITION_REMOVED: ({**prop(S), "$defs": {"X": S}}, {**prop(S), "$defs": {}}, "/$defs/X"),
    K.METADATA_CHANGED: (
        prop({"type": "string", "description": "old"}),
        prop({"type": "string", "description": "new"}),
        "/properties/a",
    ),
}

#               backward forward full none b_trans f_trans full_trans
VERDICTS: dict[ChangeKind, str] = {
    K.SCHEMA_FORBIDDEN: "YNYNYNY",
    K.SCHEMA_ALLOWED: "NYYNNYY",
    K.PROPERTY_ADDED: "NYYNNYY",
    K.PROPERTY_REMOVED: "YNYNYNY",
    K.REQUIRED_ADDED: "YNYNYNY",
    K.REQUIRED_REMOVED: "NYYNNYY",
    K.TYPE_CHANGED: "YYYNYYY",
    K.TYPE_WIDENED: "NYYNNYY",
    K.TYPE_NARROWED: "YNYNYNY",
    K.TYPE_DECLARED: "NNNNNNN",
    K.TYPE_UNDECLARED: "NYYNNYY",
    K.NULLABILITY_ADDED: "NYYNNYY",
    K.NULLABILITY_REMOVED: "YNYNYNY",
    K.ENUM_INTRODUCED: "YNYNYNY",
    K.ENUM_DROPPED: "NYYNNYY",
    K.ENUM_VALUES_ADDED: "NYYNNYY",
    K.ENUM_VALUES_REMOVED: "YNYNYNY",
    K.CONST_ADDED: "YNYNYNY",
    K.CONST_REMOVED: "NYYNNYY",
    K.CONST_CHANGED: "YYYNYYY",
    K.FORMAT_ADDED: "YNYNYNY",
    K.FORMAT_REMOVED: "NYYNNYY",
    K.FORMAT_CHANGED: "YYYNYYY",
    K.CONSTRAINT_TIGHTENED: "YNYNYNY",
    K.CONSTRAINT_RELAXED: "NYYNNYY",
    K.CONSTRAINT_CHANGED: "YYYNYYY",
    K.TUPLE_ITEM_ADDED: "NYYNNYY",
    K.TUPLE_ITEM_REMOVED: "YNYNYNY",
    K.UNION_BRANCH_ADDED: "NYYNNYY",
    K.UNION_BRANCH_REMOVED: "YNYNYNY",
    K.ALL_OF_BRANCH_ADDED: "YNYNYNY",
    K.ALL_OF_BRANCH_REMOVED: "NYYNNYY",
    K.SUBSCHEMA_ADDED: "YNYNYNY",
    K.SUBSCHEMA_REMOVED: "NYYNNYY",
    K.SUBSCHEMA_CHANGED: "YYYNYYY",
    K.DEFAULT_ADDED: "NNNNNNN",
    K.DEFAULT_REMOVED: "NNNNNNN",
    K.DEFAULT_CHANGED: "NNNNNNN",
    K.DEFINITION_ADDED: "NNNNNNN",
    K.DEFINITION_REMOVED: "NNNNNNN",
    K.METADATA_CHANGED: "NNNNNNN",
}

# The bump a change calls for when it is not breaking under the mode (patch = documentation only).
NON_BREAKING_BUMP = {
    K.TYPE_DECLARED: Bump.PATCH,
    K.DEFINITION_ADDED: Bump.PATCH,
    K.DEFINITION_REMOVED: Bump.PATCH,
    K.METADATA_CHANGED: Bump.PATCH,
}


def test_every_kind_has_an_example_and_a_verdict_row() -> None:
    assert set(EXAMPLES) == set(ChangeKind)
    assert set(VERDICTS) == set(ChangeKind)


@pytest.mark.parametrize("kind", list(ChangeKind), ids=lambda k: k.value)
def test_example_produces_exactly_that_kind(kind: ChangeKind) -> None:
    old, new, path = EXAMPLES[kind]
    changes = diff_schemas(old, new).changes
    assert [(c.kind, c.path) for c in changes] == [(kind, path)]
    change = changes[0]
    assert change.message
    assert change.to_dict(CompatibilityMode.FULL)["kind"] == kind.value


@pytest.mark.parametrize(
    ("kind", "mode"),
    [(kind, mode) for kind in ChangeKind for mode in MODES],
    ids=lambda v: v.value,
)
def test_verdict_table(kind: ChangeKind, mode: CompatibilityMode) -> None:
    old, new, _ = EXAMPLES[kind]
    (change,) = diff_schemas(old, new).changes
    expected = VERDICTS[kind][MODES.index(mode)] == "Y"
    verdict = change.verdict(mode)
    assert verdict.breaking is expected
    assert verdict.reason
    assert change.to_dict(mode)["breaking"] is expected


@pytest.mark.parametrize("kind", list(ChangeKind), ids=lambda k: k.value)
def test_breaking_changes_offer_a_non_breaking_alternative(kind: ChangeKind) -> None:
    old, new, _ = EXAMPLES[kind]
    (change,) = diff_schemas(old, new).changes
    can_break = "Y" in VERDICTS[kind]
    assert (change.suggestion is not None) is can_break


@pytest.mark.parametrize("kind", list(ChangeKind), ids=lambda k: k.value)
def test_bump_per_kind(kind: ChangeKind) -> None:
    old, new, _ = EXAMPLES[kind]
    (change,) = diff_schemas(old, new).changes
    for index, mode in enumerate(MODES):
        breaking = VERDICTS[kind][index] == "Y"
        expected = Bump.MAJOR if breaking else NON_BREAKING_BUMP.get(kind, Bump.MINOR)
        if mode is CompatibilityMode.NONE:
            # none switches off the gate, not the version signal: it bumps like full
            full_breaking = VERDICTS[kind][MODES.index(CompatibilityMode.FULL)] == "Y"
            expected = Bump.MAJOR if full_breaking else NON_BREAKING_BUMP.get(kind, Bump.MINOR)
        assert change.bump(mode) is expected, mode


@pytest.mark.parametrize("kind", list(ChangeKind), ids=lambda k: k.value)
def test_mirror_kind_is_what_the_swapped_example_produces(kind: ChangeKind) -> None:
    old, new, path = EXAMPLES[kind]
    swapped = diff_schemas(new, old).changes
    assert [c.kind for c in swapped] == [KIND_INFO[kind].mirror]
