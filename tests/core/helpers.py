"""Small typed builders for schemas used across the core tests."""

from __future__ import annotations

from typing import Any

from tessera.core import Change, ChangeKind, CompatibilityMode, diff_schemas

MODES = [
    CompatibilityMode.BACKWARD,
    CompatibilityMode.FORWARD,
    CompatibilityMode.FULL,
    CompatibilityMode.NONE,
    CompatibilityMode.BACKWARD_TRANSITIVE,
    CompatibilityMode.FORWARD_TRANSITIVE,
    CompatibilityMode.FULL_TRANSITIVE,
]


def record(required: list[str] | None = None, **properties: Any) -> dict[str, Any]:
    """A record schema with the given properties."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def prop(schema: Any) -> dict[str, Any]:
    """A record with one property ``a``."""
    return record(a=schema)


def kinds(old: Any, new: Any) -> list[tuple[str, str]]:
    """(kind, path) of every change from old to new."""
    return [(c.kind.value, c.path) for c in diff_schemas(old, new).changes]


def only(old: Any, new: Any) -> Change:
    """The single change from old to new (fails when there are more or none)."""
    changes = diff_schemas(old, new).changes
    assert len(changes) == 1, [(c.kind.value, c.path, c.message) for c in changes]
    return changes[0]


def has(old: Any, new: Any, kind: ChangeKind, path: str) -> Change:
    """The change of ``kind`` at ``path`` (fails when missing)."""
    changes = diff_schemas(old, new).changes
    found = [c for c in changes if c.kind is kind and c.path == path]
    assert found, f"{kind.value} at {path} not in {[(c.kind.value, c.path) for c in changes]}"
    return found[0]
