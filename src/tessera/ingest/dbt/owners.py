"""Owners and contacts from ``meta`` (``meta.owner``, ``meta.contact``), and the node's merged meta.

``meta.owner`` is read from ``config.meta`` first (where dbt >= 1.10 and ``dbt_project.yml`` put it),
then the node's own ``meta``, then, for sources, the source-level ``source_meta``. It may be a string
(an e-mail if it contains "@", else a name; ``"Jane Doe <jane@corp.example>"`` gives both) or an object
with ``name`` and/or ``email``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tessera.ingest.dbt.models import JsonValue, OwnerRef

VOLATILE_META_KEYS = frozenset(
    {"created_at", "checksum", "raw_code", "original_file_path", "invocation_id", "generated_at", "path"}
)

_NAME_AND_EMAIL = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>@\s]+@[^<>\s]+)>$")


class OwnerError(ValueError):
    """``meta.owner`` has a shape that names nobody."""


def owner_from_value(value: object) -> OwnerRef | None:
    """Read one ``meta.owner`` value; ``None`` when empty, :class:`OwnerError` when unusable."""
    if value is None:
        return None
    if isinstance(value, str):
        return _owner_from_text(value)
    if isinstance(value, dict):
        name = _text(value.get("name"))
        email = _text(value.get("email"))
        if name is None and email is None:
            raise OwnerError("meta.owner is an object without a `name` or an `email`")
        raw = f"{name} <{email}>" if name and email else (name or email or "")
        return OwnerRef(raw=raw, name=name, email=email)
    raise OwnerError(f"meta.owner must be a string or an object with name/email, got {type(value).__name__}")


def _owner_from_text(value: str) -> OwnerRef | None:
    text = value.strip()
    if not text:
        return None
    match = _NAME_AND_EMAIL.match(text)
    if match is not None:
        return OwnerRef(raw=text, name=match.group("name").strip() or None, email=match.group("email"))
    if "@" in text:
        return OwnerRef(raw=text, name=None, email=text)
    return OwnerRef(raw=text, name=text, email=None)


def _text(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def contact_from_value(value: object) -> str | None:
    """Read ``meta.contact`` (e.g. a Slack channel); numbers are accepted as text, objects are not."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float):
        return str(value)
    raise OwnerError(f"meta.contact must be a string, got {type(value).__name__}")


def merged_meta(node: Mapping[str, object]) -> dict[str, JsonValue]:
    """The node's meta: ``source_meta`` < ``meta`` < ``config.meta``, without volatile keys."""
    merged: dict[str, JsonValue] = {}
    config = node.get("config")
    layers = (
        node.get("source_meta"),
        node.get("meta"),
        config.get("meta") if isinstance(config, dict) else None,
    )
    for layer in layers:
        if isinstance(layer, dict):
            for key, value in layer.items():
                if isinstance(key, str) and key not in VOLATILE_META_KEYS:
                    merged[key] = value
    return merged
