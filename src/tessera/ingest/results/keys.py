"""Guarantee keys: how a checked guarantee is named, the same for every tool.

``not_null:<column>``, ``unique:<column>``, ``accepted_values:<column>``, ``relationships:<column>``,
``freshness``, ``volume``, and ``custom:<name>[:<column>][#<arguments hash>]`` for everything else.
The sections are those of the contract's guarantees (``tessera.ingest.dbt.tests``).
"""

from __future__ import annotations

from collections.abc import Mapping

from tessera.core.canonical import json_fingerprint

_COLUMN_KEYS = ("not_null", "unique", "accepted_values", "relationships")


def custom_key(name: str, column: str | None, arguments: object) -> str:
    """The key of a custom guarantee; arguments are hashed so two calls with different ones differ."""
    key = f"custom:{name}"
    if column:
        key += f":{column}"
    if arguments:
        key += f"#{json_fingerprint(arguments)[:8]}"
    return key[:300]


def key_of_built(guarantees: Mapping[str, object]) -> str | None:
    """The key of the single guarantee a builder produced from one test (None when it produced none)."""
    columns = guarantees.get("columns")
    if isinstance(columns, Mapping):
        for column, entry in columns.items():
            if isinstance(entry, Mapping):
                for name in _COLUMN_KEYS:
                    if name in entry:
                        return f"{name}:{column}"
    if "volume" in guarantees:
        return "volume"
    if "freshness" in guarantees:
        return "freshness"
    custom = guarantees.get("custom")
    if isinstance(custom, list) and custom and isinstance(custom[0], Mapping):
        entry = custom[0]
        column = entry.get("column")
        return custom_key(
            str(entry.get("name")), column if isinstance(column, str) else None, entry.get("arguments")
        )
    return None
