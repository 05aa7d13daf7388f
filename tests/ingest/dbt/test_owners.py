"""meta.owner and meta.contact."""

from __future__ import annotations

import pytest

from tessera.ingest.dbt import OwnerRef
from tessera.ingest.dbt.owners import OwnerError, contact_from_value, merged_meta, owner_from_value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("team@corp.example", OwnerRef("team@corp.example", None, "team@corp.example")),
        ("  analytics ", OwnerRef("analytics", "analytics", None)),
        (
            "Jane Doe <jane@corp.example>",
            OwnerRef("Jane Doe <jane@corp.example>", "Jane Doe", "jane@corp.example"),
        ),
        (
            {"name": "Analytics", "email": "a@corp.example"},
            OwnerRef("Analytics <a@corp.example>", "Analytics", "a@corp.example"),
        ),
        ({"name": "Analytics"}, OwnerRef("Analytics", "Analytics", None)),
        ({"email": "a@corp.example", "name": None}, OwnerRef("a@corp.example", None, "a@corp.example")),
        (None, None),
        ("", None),
    ],
)
def test_owner_from_value(value: object, expected: OwnerRef | None) -> None:
    assert owner_from_value(value) == expected


@pytest.mark.parametrize("value", [["a", "b"], 42, {"slack": "#x"}, {"name": "", "email": None}])
def test_unusable_owner_is_an_error(value: object) -> None:
    with pytest.raises(OwnerError, match="meta.owner"):
        owner_from_value(value)


@pytest.mark.parametrize(
    ("value", "expected"), [("#analytics", "#analytics"), (" ", None), (None, None), (12, "12")]
)
def test_contact(value: object, expected: str | None) -> None:
    assert contact_from_value(value) == expected


def test_contact_object_is_an_error() -> None:
    with pytest.raises(OwnerError, match="meta.contact must be a string, got dict"):
        contact_from_value({"slack": "#x"})


def test_config_meta_wins_over_meta_and_source_meta_and_volatile_keys_go() -> None:
    node = {
        "source_meta": {"owner": "source-level", "layer": "raw"},
        "meta": {"owner": "table-level", "created_at": 123},
        "config": {"meta": {"owner": "config-level", "checksum": "x"}},
    }
    assert merged_meta(node) == {"owner": "config-level", "layer": "raw"}
