"""Assertions on HTTP answers shared by the API tests: the one error shape and its stable code."""

from __future__ import annotations

from typing import Any

import httpx

ERROR_FIELDS = {"code", "message", "details", "request_id"}


def assert_error(resp: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert ``resp`` is an error in the one JSON shape, with ``status`` (and ``code``); return its body."""
    where = f"{resp.request.method} {resp.request.url.path}"
    assert resp.status_code == status, f"{where}: expected {status}, got {resp.status_code} {resp.text}"
    body = resp.json()
    assert set(body) == {"error"}, f"{where}: not the error shape: {body}"
    error: dict[str, Any] = body["error"]
    assert set(error) == ERROR_FIELDS, f"{where}: error fields {sorted(error)}"
    assert isinstance(error["message"], str) and error["message"].strip(), f"{where}: empty message"
    assert isinstance(error["details"], dict)
    assert error["request_id"] == resp.headers["x-request-id"]
    if code is not None:
        assert error["code"] == code, (
            f"{where}: expected code {code}, got {error['code']}: {error['message']}"
        )
    return error
