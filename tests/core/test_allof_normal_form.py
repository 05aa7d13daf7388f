"""Composition keywords have one normal form: equivalent rewritings diff as unchanged (hypothesis)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tessera.core import ChangeKind, diff_schemas, schema_fingerprint
from tessera.core.keywords import is_metadata_keyword
from tests.core.strategies import reorder, schemas

FAST = settings(
    max_examples=int(__import__("os").environ.get("CORE_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Keywords that must travel together when a schema is split across branches: their meaning depends on
# each other inside one schema object (and nullability spellings on the type they qualify).
_UNITS = (
    frozenset({"properties", "patternProperties", "additionalProperties", "unevaluatedProperties"}),
    frozenset({"prefixItems", "items", "additionalItems", "unevaluatedItems"}),
    frozenset({"type", "nullable", "enum", "const"}),
)


def _same(old: Any, new: Any) -> None:
    assert diff_schemas(old, new).changes == ()
    assert schema_fingerprint(old) == schema_fingerprint(new)


def _split(schema: Any, seed: int) -> Any:
    """``schema`` with its constraint keywords spread over allOf branches (annotations stay outside)."""
    if not isinstance(schema, dict):
        return {"allOf": [schema]}
    rng = random.Random(seed)
    outer = {k: v for k, v in schema.items() if is_metadata_keyword(k) or k == "default"}
    units: list[set[str]] = []
    for key in schema:
        if key in outer:
            continue
        group = next((u for u in _UNITS if key in u), frozenset({key}))
        unit = next((u for u in units if u & group), None)
        if unit is None:
            units.append(set(group) & set(schema))
        else:
            unit |= set(group) & set(schema)
    branches: list[dict[str, Any]] = [{} for _ in range(rng.randint(1, 3))]
    for unit in units:
        branches[rng.randrange(len(branches))].update({k: schema[k] for k in unit})
    kept = [b for b in branches if b] or [{}]
    if rng.random() < 0.5 and len(kept) > 1:
        kept = [kept[0], {"allOf": kept[1:]}]  # nested allOf flattens into its parent
    return {**outer, "allOf": kept}


def test_adding_a_branch_to_a_one_branch_allof_is_one_tightened_constraint() -> None:
    # The issue's example: it used to read as the type declaration removed.
    old = {"type": "object", "properties": {"code": {"allOf": [{"type": "string"}]}}}
    new = {"type": "object", "properties": {"code": {"allOf": [{"type": "string"}, {"maxLength": 20}]}}}
    changes = diff_schemas(old, new).changes
    assert [(c.kind, c.path, c.keyword) for c in changes] == [
        (ChangeKind.CONSTRAINT_TIGHTENED, "/properties/code", "maxLength")
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"anyOf": [{"type": "string", "maxLength": 3}]}, {"type": "string", "maxLength": 3}),
        ({"oneOf": [{"type": "integer"}]}, {"type": "integer"}),
        (
            {"allOf": [{"allOf": [{"type": "string"}, {"allOf": [{"minLength": 1}]}]}]},
            {"type": "string", "minLength": 1},
        ),
        ({"allOf": [{"maxLength": 5}, {"maxLength": 10}]}, {"maxLength": 5}),
        ({"allOf": [{"minimum": 1}, {"minimum": 3}, True]}, {"minimum": 3}),
        (
            {
                "allOf": [
                    {"type": "object", "properties": {"a": {}}, "required": ["a"]},
                    {"properties": {"b": {}}, "required": ["b"]},
                ]
            },
            {"type": "object", "properties": {"a": {}, "b": {}}, "required": ["b", "a"]},
        ),
        ({"allOf": [{"type": "string"}, False]}, False),
    ],
)
def test_equivalent_spellings(old: Any, new: Any) -> None:
    _same(old, new)


def test_branches_whose_meaning_depends_on_their_neighbours_are_not_merged() -> None:
    # additionalProperties: false in one branch forbids the other branch's property: not a plain union.
    split = {
        "allOf": [
            {"type": "object", "properties": {"a": {}}, "additionalProperties": False},
            {"properties": {"b": {}}},
        ]
    }
    merged = {"type": "object", "properties": {"a": {}, "b": {}}, "additionalProperties": False}
    assert diff_schemas(split, merged).changes != ()


@FAST
@given(schemas)
def test_wrapping_in_a_single_branch_composition_is_never_a_change(schema: Any) -> None:
    _same(schema, {"allOf": [schema]})
    _same(schema, {"anyOf": [schema]})
    _same(schema, {"oneOf": [schema]})


# The split works on the node's own keywords; its children are any schemas. A node that already composes
# (a union or allOf of its own) is left out: splitting it can produce a contradiction whose spellings
# need not share a normal form.
_SPLITTABLE = schemas.filter(lambda s: not (isinstance(s, dict) and {"anyOf", "oneOf", "allOf"} & set(s)))


@FAST
@given(_SPLITTABLE, st.integers(0, 2**16))
def test_splitting_constraints_across_allof_branches_is_never_a_change(schema: Any, seed: int) -> None:
    split = _split(schema, seed)
    _same(schema, split)
    _same(split, reorder(split, seed))  # and the branches' order does not matter


_STRING_COLUMNS = st.fixed_dictionaries(
    {"type": st.sampled_from(["string", ["string", "null"]])},
    optional={
        "format": st.sampled_from(["date", "email"]),
        "pattern": st.sampled_from(["^a", "[0-9]+"]),
        "minLength": st.integers(0, 3),
        "description": st.sampled_from(["one", "two"]),
    },
)


@FAST
@given(_STRING_COLUMNS, st.integers(1, 50), st.booleans())
def test_adding_a_constraint_in_a_new_branch_is_one_tightened_constraint(
    leaf: Any, limit: int, wrapped: bool
) -> None:
    old = {"allOf": [leaf]} if wrapped else leaf
    new = {"allOf": [leaf, {"maxLength": limit}]}
    changes = diff_schemas(old, new).changes
    assert [(c.kind, c.keyword) for c in changes] == [(ChangeKind.CONSTRAINT_TIGHTENED, "maxLength")]
