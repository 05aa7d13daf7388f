"""The payload models: one per event type, strict, and exactly what docs/webhooks.md shows."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from tessera.notifications.events import EventType
from tessera.notifications.payloads import PAYLOADS, ContractRef, Versions, parse_data
from tests.notifications.samples import full_data

DOCS = Path(__file__).parents[2] / "docs" / "webhooks.md"
JSON_BLOCK = re.compile(r"```json\n(.*?)\n```", re.DOTALL)


def documented_events() -> list[dict[str, Any]]:
    """Every JSON example in docs/webhooks.md that is an event (has ``type`` and ``data``)."""
    blocks = [orjson.loads(block) for block in JSON_BLOCK.findall(DOCS.read_text())]
    return [b for b in blocks if isinstance(b, dict) and {"type", "data"} <= set(b)]


def test_every_event_type_has_exactly_one_model() -> None:
    assert set(PAYLOADS) == set(EventType)
    assert all(model.event_type is event_type for event_type, model in PAYLOADS.items())


def test_every_event_type_has_one_documented_example() -> None:
    types = [e["type"] for e in documented_events()]
    assert sorted(types) == sorted(t.value for t in EventType)


@pytest.mark.parametrize("example", documented_events(), ids=lambda e: str(e["type"]))
def test_documented_example_is_exactly_what_the_model_sends(example: dict[str, Any]) -> None:
    assert set(example) == {"id", "type", "timestamp", "data"}
    assert re.fullmatch(r"evt_[0-9A-HJKMNP-TV-Z]{26}", example["id"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", example["timestamp"])
    model = parse_data(example["type"], example["data"])
    # Same keys, same spelling, same value formats: the docs show the model's own JSON.
    assert model.model_dump(mode="json") == example["data"]


@pytest.mark.parametrize("event_type", list(EventType))
def test_unknown_and_missing_keys_are_refused(event_type: EventType) -> None:
    data = full_data(event_type)
    with pytest.raises(ValidationError, match="extra_forbidden"):
        parse_data(event_type, {**data, "owner_team_id": str(uuid.uuid4())})
    key = next(iter(data))
    with pytest.raises(ValidationError, match="missing"):
        parse_data(event_type, {k: v for k, v in data.items() if k != key})


def test_versions_are_spelt_from_and_to_on_the_wire() -> None:
    assert Versions(from_="1.0.0", to="2.0.0").model_dump(mode="json") == {"from": "1.0.0", "to": "2.0.0"}
    assert Versions.model_validate({"from": None, "to": "1.0.0"}).from_ is None


def test_payload_parts_are_immutable() -> None:
    ref = ContractRef(id=uuid.uuid4(), version="1.0.0")
    with pytest.raises(ValidationError):
        ref.version = "2.0.0"  # type: ignore[misc]
    assert ref.version == "1.0.0"
