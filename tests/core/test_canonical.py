"""The one canonical JSON encoder: RFC 8785 inside its domain, a documented answer outside it."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from tessera.core import InvalidSchemaError
from tessera.core.canonical import canonical_bytes, canonical_json, json_fingerprint, number_text

SAFE = 2**53 - 1
# RFC 8785's domain: integers a double holds exactly, finite floats, text without lone surrogates.
jcs_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-SAFE, SAFE)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
jcs_values = st.recursive(
    jcs_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _shuffled(value: Any, rng: random.Random) -> Any:
    """The same JSON value with every object's keys in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@pytest.mark.parametrize(
    "value",
    [
        {"nullable": None, "description": "ratio:1.5 and [2e5, null]"},
        {"digest": "3e0f1a9b", "nullable": False, "bound": [-0.0, True]},
        [1.0, {"a": -1e21}, None],
        -2.5,
        1e21,
        None,
        {"a": [None, 12], "b": "x:null"},
    ],
)
def test_null_and_float_tokens_in_and_out_of_strings(value: Any) -> None:
    # Floats and nulls outside strings, and float- or null-like text inside them, around orjson's fast path.
    assert canonical_bytes(value) == rfc8785.dumps(value)


@given(jcs_values)
def test_agrees_with_rfc8785_in_its_domain(value: Any) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_finite_float_is_written_as_rfc8785_writes_it(value: float) -> None:
    assert number_text(value).encode() == rfc8785.dumps(value)
    assert canonical_json([value]) == f"[{number_text(value)}]"


@given(jcs_values, st.randoms(use_true_random=False))
def test_key_order_never_matters(value: Any, rng: random.Random) -> None:
    assert canonical_json(_shuffled(value, rng)) == canonical_json(value)


@given(jcs_values)
def test_output_parses_back_to_the_same_text(value: Any) -> None:
    text = canonical_json(value)
    assert canonical_json(json.loads(text)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (-0.0, "0"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (1.5e300, "1.5e+300"),
        (-123.456, "-123.456"),
        (2.0**60, "1152921504606847000"),  # a double: its shortest digits, as ECMAScript writes it
        (True, "true"),
        ({"b": [1.0, 2.50], "a": None}, '{"a":null,"b":[1,2.5]}'),
        ('é\u2028\x7f\n\x01"\\', '"é\u2028\x7f\\n\\u0001\\"\\\\"'),
        ({"\ue000": 1, "\U0001f600": 2}, '{"\U0001f600":2,"\ue000":1}'),  # UTF-16 order, not code points
    ],
)
def test_known_texts(value: Any, text: str) -> None:
    assert canonical_json(value) == text


def test_one_and_one_point_zero_are_the_same_true_and_one_are_not() -> None:
    assert json_fingerprint({"accepted_values": [1]}) == json_fingerprint({"accepted_values": [1.0]})
    assert json_fingerprint([True]) != json_fingerprint([1])
    assert json_fingerprint([False]) != json_fingerprint([0])
    assert json_fingerprint([None]) != json_fingerprint([False])


@pytest.mark.parametrize("number", [2**53, -(2**53), 2**63 - 1, 10**40])
def test_integers_beyond_rfc8785_keep_their_exact_digits(number: int) -> None:
    with pytest.raises(rfc8785.IntegerDomainError):
        rfc8785.dumps(number)
    assert canonical_json({"maximum": number}) == f'{{"maximum":{number}}}'
    assert json_fingerprint(number) != json_fingerprint(number - 1)


def test_beyond_2_to_the_53_a_double_is_not_its_integer_digits() -> None:
    # The double keeps RFC 8785's text (shortest digits), the integer its exact digits: the two differ
    # unless the shortest digits are exact (1e20). Schemas write big bounds as integers, so this is rare.
    assert canonical_json(2.0**60) == "1152921504606847000" != canonical_json(2**60)
    assert canonical_json(1e20) == canonical_json(10**20)


def test_lone_surrogates_are_escaped() -> None:
    value = json.loads('{"k":"a\\ud800b"}')
    assert canonical_json(value) == '{"k":"a\\ud800b"}'
    assert canonical_bytes(value) == b'{"k":"a\\ud800b"}'


@pytest.mark.parametrize(
    "bad",
    [
        float("nan"),
        float("inf"),
        [1, float("-inf")],
        {"a": {1, 2}},
        object(),
        {1: "a", "b": 2},
        [10**5000],  # in a list: pytest's id for the bare number would need its digits
        {"nullable": None, "x": float("nan")},  # orjson writes NaN as null, like the genuine null
        {"digest": "3e0f1a", "ratio": float("inf")},
        [None, float("nan")],
    ],
)
def test_non_json_values_are_invalid(bad: Any) -> None:
    with pytest.raises(InvalidSchemaError):
        canonical_json(bad)


def test_a_value_that_contains_itself_is_invalid() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(InvalidSchemaError):
        canonical_json(loop)


def test_deep_values_are_encoded_without_recursion() -> None:
    value: Any = 1.0
    for _ in range(50_000):
        value = {"k": [value]}
    assert canonical_json(value) == '{"k":[' * 50_000 + "1" + "]}" * 50_000
