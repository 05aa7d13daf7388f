from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tessera.notifications.events import Event, EventType, new_event_id
from tests.notifications.samples import AT, event, full_data

EXPECTED_TYPES = {
    "proposal.created", "proposal.acknowledged", "proposal.blocked", "proposal.approved",
    "proposal.withdrawn", "proposal.expired", "proposal.force_approved", "proposal.stale",
    "contract.published", "contract.deprecated", "registration.created", "registration.retired",
    "column.definition_changed", "sync.completed", "guarantee.failed", "guarantee.recovered",
}  # fmt: skip


def test_event_types_are_exactly_the_documented_ones() -> None:
    assert {t.value for t in EventType} == EXPECTED_TYPES


def test_payload_shape_and_utc_timestamp() -> None:
    paris = timezone(timedelta(hours=1))
    evt = Event.create("proposal.created", {"asset": {"id": "a"}}, occurred_at=AT.astimezone(paris))
    payload = evt.to_payload()
    assert set(payload) == {"id", "type", "timestamp", "data"}
    assert payload["type"] == "proposal.created"
    assert payload["timestamp"] == "2025-01-31T09:30:00.000000Z"
    assert payload["data"] == {"asset": {"id": "a"}}
    assert orjson.loads(evt.body()) == payload


def test_body_is_stable_for_equal_events_regardless_of_key_order() -> None:
    first = Event(
        id="evt_1", type=EventType.SYNC_COMPLETED, occurred_at=AT, data={"b": 1, "a": {"y": 2, "x": 1}}
    )
    second = Event(
        id="evt_1", type=EventType.SYNC_COMPLETED, occurred_at=AT, data={"a": {"x": 1, "y": 2}, "b": 1}
    )
    assert first.body() == second.body()
    assert first.body().startswith(b'{"data":{"a":{"x":1')


def test_event_copies_its_data_and_does_not_mutate_the_input() -> None:
    data = full_data()
    snapshot = orjson.dumps(data)
    evt = Event.create(EventType.PROPOSAL_CREATED, data, occurred_at=AT)
    data["asset"]["fqn"] = "changed"  # type: ignore[index]
    assert evt.to_payload()["data"]["asset"]["fqn"] == "warehouse.core.orders"  # type: ignore[index,call-overload]
    assert orjson.dumps(full_data()) == snapshot


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"occurred_at": datetime(2025, 1, 1)}, "timezone-aware"),  # noqa: DTZ001
        ({"data": {"when": datetime(2025, 1, 1, tzinfo=UTC)}}, "JSON values, not datetime"),
        ({"data": {"ratio": float("nan")}}, "NaN"),
        ({"data": {1: "x"}}, "keys must be strings"),
        ({"type": "proposal.unknown"}, "proposal.unknown"),
        ({"id": ""}, "must not be empty"),
    ],
)
def test_invalid_events_are_refused_at_construction(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {
        "id": "evt_1",
        "type": EventType.PROPOSAL_CREATED,
        "occurred_at": AT,
        "data": {},
    }
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=message):
        Event(**args)  # type: ignore[arg-type]


def test_payload_round_trips_through_from_payload() -> None:
    evt = event(EventType.CONTRACT_PUBLISHED)
    again = Event.from_payload(orjson.loads(evt.body()))
    assert again == evt
    assert again.body() == evt.body()


def test_ids_are_prefixed_unique_and_sort_by_time() -> None:
    earlier = new_event_id(AT)
    later = new_event_id(AT + timedelta(milliseconds=1))
    assert earlier.startswith("evt_")
    assert len(earlier) == 30
    assert earlier < later
    assert len({new_event_id(AT) for _ in range(1000)}) == 1000


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=5))
def test_any_json_data_round_trips(data: dict[str, object]) -> None:
    evt = Event.create(EventType.SYNC_COMPLETED, data, occurred_at=AT)  # type: ignore[arg-type]
    assert Event.from_payload(orjson.loads(evt.body())) == evt
