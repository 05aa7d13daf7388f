"""Absolute links to this server's API, built in one place from the normalised ``BASE_URL``."""

from __future__ import annotations

API_PREFIX = "/api/v1"


def api_url(base_url: str, path: str) -> str:
    """``{base_url}/api/v1/{path}``; ``base_url`` is the settings' value (no trailing slash)."""
    return f"{base_url}{API_PREFIX}/{path.lstrip('/')}"
