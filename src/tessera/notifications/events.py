"""Notification events and the JSON payload every channel is built from.

An :class:`Event` is written to the outbox in the same transaction as the change it announces, and
delivered later, possibly several times (at-least-once): receivers de-duplicate on ``id``.

Payload shape (the webhook body, byte for byte :meth:`Event.body`)::

    {"id": "evt_01J...", "type": "proposal.created", "timestamp": "2025-01-31T09:30:00.000000Z",
     "data": {...}}

What ``data`` carries
---------------------
One model per event type in :mod:`tessera.notifications.payloads`; the services build it and the
outbox stores its JSON. ``docs/webhooks.md`` shows an example of each, checked by a test. Templates read
the same keys; a key missing from an old stored event renders as nothing.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeAlias

import orjson

JsonValue: TypeAlias = "str | int | float | bool | Sequence[JsonValue] | Mapping[str, JsonValue] | None"
"""Any value that serialises to JSON (mappings must have string keys)."""

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class EventType(StrEnum):
    """Every notification Tessera emits; the value is the wire name."""

    PROPOSAL_CREATED = "proposal.created"
    PROPOSAL_ACKNOWLEDGED = "proposal.acknowledged"
    PROPOSAL_BLOCKED = "proposal.blocked"
    PROPOSAL_APPROVED = "proposal.approved"
    PROPOSAL_WITHDRAWN = "proposal.withdrawn"
    PROPOSAL_EXPIRED = "proposal.expired"
    PROPOSAL_FORCE_APPROVED = "proposal.force_approved"
    PROPOSAL_STALE = "proposal.stale"
    CONTRACT_PUBLISHED = "contract.published"
    CONTRACT_DEPRECATED = "contract.deprecated"
    REGISTRATION_CREATED = "registration.created"
    REGISTRATION_RETIRED = "registration.retired"
    DEFINITION_CHANGED = "column.definition_changed"
    SYNC_COMPLETED = "sync.completed"
    GUARANTEE_FAILED = "guarantee.failed"
    GUARANTEE_RECOVERED = "guarantee.recovered"


def new_event_id(at: datetime | None = None) -> str:
    """A new ``evt_`` id that sorts by creation time (ULID layout: 48-bit ms time + 80 random bits)."""
    millis = int(at.timestamp() * 1000) if at is not None else time.time_ns() // 1_000_000
    value = (millis & ((1 << 48) - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    chars = [_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5)]
    return "evt_" + "".join(chars)


def _plain(value: object) -> JsonValue:
    """A deep copy made only of JSON types (dict, list, str, int, float, bool, None).

    The event then owns its data, and anything that is not plain JSON (a datetime, a UUID, NaN) is
    refused when the event is created rather than when the worker serialises it.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)  # also turns StrEnum members into their plain value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("event data may not contain NaN or infinity")
        return float(value)
    if isinstance(value, Mapping):
        return {_key(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    raise TypeError(f"event data must be JSON values, not {type(value).__name__}")


def _key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"event data keys must be strings, not {type(key).__name__}")
    return str(key)


def format_timestamp(moment: datetime) -> str:
    """ISO-8601 in UTC with microseconds and a ``Z`` suffix."""
    return moment.astimezone(UTC).strftime(_TIMESTAMP_FORMAT)


@dataclass(frozen=True, slots=True)
class Event:
    """One notification: what happened (``type``), when, and the context to act on it (``data``).

    Build with :meth:`create` (or :meth:`from_payload` when reading back from the outbox). ``data`` is
    copied on construction, so later changes to the caller's mapping do not leak in.
    """

    id: str
    type: EventType
    occurred_at: datetime
    data: Mapping[str, JsonValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")
        if not self.id:
            raise ValueError("event id must not be empty")
        object.__setattr__(self, "type", EventType(self.type))
        object.__setattr__(self, "data", _plain(self.data))

    @classmethod
    def create(
        cls,
        type: EventType | str,
        data: Mapping[str, JsonValue],
        *,
        occurred_at: datetime | None = None,
        id: str | None = None,
    ) -> Event:
        """A new event with a fresh sortable id, stamped now unless ``occurred_at`` is given."""
        moment = occurred_at if occurred_at is not None else datetime.now(UTC)
        return cls(id=id or new_event_id(moment), type=EventType(type), occurred_at=moment, data=data)

    @classmethod
    def from_payload(cls, payload: Mapping[str, JsonValue]) -> Event:
        """Rebuild an event from :meth:`to_payload` output (e.g. a JSON column of the outbox)."""
        timestamp = payload["timestamp"]
        data = payload.get("data") or {}
        if not isinstance(timestamp, str) or not isinstance(data, Mapping):
            raise ValueError("payload needs a string timestamp and an object data")
        occurred = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        return cls(
            id=str(payload["id"]), type=EventType(str(payload["type"])), occurred_at=occurred, data=data
        )

    @property
    def timestamp(self) -> str:
        """``occurred_at`` as ISO-8601 UTC, as it appears in the payload."""
        return format_timestamp(self.occurred_at)

    def to_payload(self) -> dict[str, JsonValue]:
        """The JSON object sent to webhooks: ``{"id", "type", "timestamp", "data"}``."""
        return {
            "id": self.id,
            "type": self.type.value,
            "timestamp": self.timestamp,
            "data": _plain(self.data),
        }

    def body(self) -> bytes:
        """The payload serialised with sorted keys, so the same event always gives the same bytes."""
        payload = {"id": self.id, "type": self.type.value, "timestamp": self.timestamp, "data": self.data}
        return orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)
