"""Links to this server: stored as paths, made absolute with the normalised ``BASE_URL`` at send time.

Event payloads are written to the outbox with ``links`` holding paths: the API resource
(``/api/v1/assets/<id>``, for programs) and the web page people open (``/assets/<id>``), so a stored
event does not depend on the base URL of the moment it was written. The worker turns them into absolute
URLs with :func:`resolve` when it builds the webhook body, the email and the Slack message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

API_PREFIX = "/api/v1"


def api_path(path: str) -> str:
    """``/api/v1/{path}``: the server-relative path of an API resource."""
    return f"{API_PREFIX}/{path.lstrip('/')}"


def api_url(base_url: str, path: str) -> str:
    """``{base_url}/api/v1/{path}``; ``base_url`` is the settings' value (no trailing slash)."""
    return f"{base_url}{api_path(path)}"


def ui_path(path: str) -> str:
    """``/{path}``: the server-relative path of the web page showing a resource (``proposals/<id>``)."""
    return f"/{path.lstrip('/')}"


def ui_url(base_url: str, path: str) -> str:
    """``{base_url}/{path}``: the page people open in a browser; ``base_url`` has no trailing slash."""
    return f"{base_url}{ui_path(path)}"


def resolve(data: Mapping[str, Any], base_url: str) -> dict[str, Any]:
    """A copy of event ``data`` whose ``links`` are absolute URLs under ``base_url``.

    Paths are prefixed with the base URL; a value that is already absolute (an event stored before
    links became paths) is kept as it is.
    """
    out = dict(data)
    links = data.get("links")
    if isinstance(links, Mapping):
        out["links"] = {
            key: f"{base_url}{value}" if isinstance(value, str) and value.startswith("/") else value
            for key, value in links.items()
        }
    return out
