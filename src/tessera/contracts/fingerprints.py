"""Stable fingerprints of JSON values (for idempotence and "same change" checks)."""

from __future__ import annotations

import hashlib

import orjson


def json_fingerprint(value: object) -> str:
    """SHA-256 of the canonical JSON (sorted keys) of ``value``."""
    return hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()
