"""Type aliases for JSON values and JSON Schemas as plain Python data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

JsonValue: TypeAlias = "Mapping[str, JsonValue] | Sequence[JsonValue] | str | int | float | bool | None"
"""Any value `json.loads` can return (read-only view: any mapping or sequence of JSON values)."""

JsonSchema: TypeAlias = "Mapping[str, JsonValue] | bool"
"""A JSON Schema document or sub-schema: an object or one of the boolean schemas."""

__all__ = ["JsonSchema", "JsonValue"]
