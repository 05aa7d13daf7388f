"""Changes in words: the place as a dotted path and the change without raw JSON."""

from __future__ import annotations

import pytest

from tessera.sync.wording import describe, location


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/properties/amount", "amount"),
        ("/properties/address/properties/zip", "address.zip"),
        ("/properties/tags/items/properties/name", "tags[].name"),
        ("/properties/a~1b", "a/b"),
        ("/columns/customer_id/relationships", "customer_id"),
        ("/custom/unique_pair/order_id", "order_id"),
        ("/freshness/warn_after", ""),
        ("/oneOf/0/properties/entries/items/oneOf/1/properties/comment_count", "entries[].comment_count"),
        ("/allOf/2/properties/entries", "entries"),
        ("/items/properties/name", "[].name"),
        ("/oneOf/1", ""),
        ("/additionalProperties", ""),
        ("", ""),
    ],
)
def test_location(path: str, expected: str) -> None:
    assert location(path) == expected


@pytest.mark.parametrize(
    ("change", "category", "expected"),
    [
        ({"kind": "type_changed", "old": ["integer"], "new": ["string"]}, "schema", "integer → string"),
        ({"kind": "property_removed", "path": "/properties/a"}, "schema", "column removed"),
        ({"kind": "property_added", "path": "/properties/a/properties/b"}, "schema", "field added"),
        (
            {"kind": "relationship_removed", "old": {"to": "shop.main.customers", "field": "id"}},
            "guarantee",
            "no longer has to match `shop.main.customers.id`",
        ),
        (
            {
                "kind": "freshness_relaxed",
                "path": "/freshness/warn_after",
                "old": {"count": 1, "period": "hour"},
                "new": {"count": 12, "period": "hour"},
            },
            "guarantee",
            "warn_after freshness relaxed from 1 hour to 12 hours",
        ),
        ({"kind": "accepted_values_expanded", "new": ["x", "y"]}, "guarantee", "now also accepts `x`, `y`"),
        (
            {"kind": "enum_values_added", "message": "enum values added: 'x'"},
            "schema",
            "enum values added: 'x'",
        ),
    ],
)
def test_describe(change: dict[str, object], category: str, expected: str) -> None:
    assert describe(change, category) == expected  # type: ignore[arg-type]
