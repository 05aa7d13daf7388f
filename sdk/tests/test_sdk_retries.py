"""Retries and error mapping: against the real app's rate limiter, and a deliberately flaky ASGI app."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx
import pytest
from tests.conftest import BOOTSTRAP_KEY

from tessera.app import create_app
from tessera.config import Settings
from tessera_sdk import AsyncTesseraClient, RateLimited, RetryPolicy, ServerError, TesseraClient
from tessera_sdk.errors import error_for_response

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
FAST = RetryPolicy(max_retries=2, backoff=0.0, jitter=0.0)
PAGE = b'{"items": [], "total": 0, "limit": 50, "offset": 0}'


class FlakyServer:
    """An ASGI app answering with a scripted list of (status, headers, body), then 200 with an empty page."""

    def __init__(self, script: list[tuple[int, dict[str, str], bytes]]) -> None:
        self.script = list(script)
        self.requests: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        self.requests.append(scope["method"])
        status, headers, body = self.script.pop(0) if self.script else (200, {}, PAGE)
        raw = [
            (k.lower().encode(), v.encode())
            for k, v in {"content-type": "application/json", **headers}.items()
        ]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})


def _error(code: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": "m", "details": {}, "request_id": "r1"}}).encode()


async def test_idempotent_calls_are_retried_after_5xx_and_429() -> None:
    server = FlakyServer(
        [(503, {}, _error("service_unavailable")), (429, {"Retry-After": "0"}, _error("rate_limited"))]
    )
    async with AsyncTesseraClient(
        "http://t", "k", transport=httpx.ASGITransport(app=server), retry=FAST
    ) as c:
        page = await c.teams.list()
    assert page.total == 0
    assert server.requests == ["GET", "GET", "GET"]


async def test_retries_stop_after_max_retries() -> None:
    server = FlakyServer([(502, {}, b"<html>bad gateway</html>")] * 5)
    async with AsyncTesseraClient(
        "http://t", "k", transport=httpx.ASGITransport(app=server), retry=FAST
    ) as c:
        with pytest.raises(ServerError) as info:
            await c.teams.list()
    assert len(server.requests) == 3
    assert info.value.status == 502
    assert info.value.code == "http_502"
    assert "bad gateway" in info.value.message


async def test_posts_are_not_retried() -> None:
    server = FlakyServer([(503, {}, _error("service_unavailable"))])
    async with AsyncTesseraClient(
        "http://t", "k", transport=httpx.ASGITransport(app=server), retry=FAST
    ) as c:
        with pytest.raises(ServerError) as failed:
            await c.teams.create("x")
    assert failed.value.code == "service_unavailable"
    assert server.requests == ["POST"]


async def test_impact_checks_are_retried_although_they_are_posts() -> None:
    body = (
        b'{"asset_id": "00000000-0000-0000-0000-000000000001", "fqn": "a.b",'
        b' "compatibility_mode": "backward", "guarantee_mode": "strict", "suggested_version": "1.0.0",'
        b' "safe_to_publish": true, "unchanged": true}'
    )
    server = FlakyServer([(503, {}, _error("service_unavailable")), (200, {}, body)])
    async with AsyncTesseraClient(
        "http://t", "k", transport=httpx.ASGITransport(app=server), retry=FAST
    ) as c:
        result = await c.assets.check_impact(
            asset_id="00000000-0000-0000-0000-000000000001", proposed_schema={"type": "object"}
        )
    assert result.safe_to_publish is True
    assert server.requests == ["POST", "POST"]


def test_sync_client_retries_through_a_transport() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(500, json={"error": {"code": "internal_error", "message": "boom"}})
        return httpx.Response(200, content=PAGE)

    with TesseraClient("http://t", "k", transport=httpx.MockTransport(handler), retry=FAST) as c:
        assert c.teams.list().total == 0
    assert len(calls) == 2


async def test_real_rate_limit_maps_to_rate_limited_with_retry_after(settings: Settings) -> None:
    limited = create_app(settings.model_copy(update={"rate_limit_per_minute": 1}))
    async with limited.router.lifespan_context(limited):
        retry = RetryPolicy(max_retries=2, max_retry_after=0.0)  # never wait in a test
        transport = httpx.ASGITransport(app=limited)
        async with AsyncTesseraClient("http://t", BOOTSTRAP_KEY, transport=transport, retry=retry) as c:
            # Three calls against one per minute: at most one window boundary can pass between them.
            error = await _first_error(c, 3)
    assert isinstance(error, RateLimited)
    assert error.code == "rate_limited"
    assert error.retry_after is not None
    assert 0 < error.retry_after <= 60


async def _first_error(client: AsyncTesseraClient, attempts: int) -> Exception | None:
    for _ in range(attempts):
        try:
            await client.teams.list()
        except Exception as exc:
            return exc
    return None


@pytest.mark.parametrize(
    ("status", "policy", "attempt", "headers", "expected"),
    [
        (503, RetryPolicy(backoff=1.0, jitter=0.0), 0, {}, 1.0),
        (503, RetryPolicy(backoff=1.0, jitter=0.0), 1, {}, 2.0),
        (503, RetryPolicy(backoff=1.0, jitter=0.0, max_backoff=1.5), 3, {}, None),  # past max_retries
        (503, RetryPolicy(backoff=1.0, jitter=0.0, max_backoff=1.5, max_retries=5), 3, {}, 1.5),
        (429, RetryPolicy(), 0, {"Retry-After": "7"}, 7.0),
        (429, RetryPolicy(max_retry_after=5), 0, {"Retry-After": "7"}, None),
        (404, RetryPolicy(), 0, {}, None),
        (400, RetryPolicy(), 0, {}, None),
    ],
)
def test_retry_policy_table(
    status: int, policy: RetryPolicy, attempt: int, headers: dict[str, str], expected: float | None
) -> None:
    response = httpx.Response(status, headers=headers, request=httpx.Request("GET", "http://t/"))
    assert policy.delay_after_response(True, attempt, response) == expected
    assert policy.delay_after_response(False, attempt, response) is None


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (400, "BadRequest"),
        (401, "AuthenticationError"),
        (403, "PermissionDenied"),
        (404, "NotFound"),
        (409, "Conflict"),
        (412, "PreconditionFailed"),
        (413, "PayloadTooLarge"),
        (422, "ValidationError"),
        (429, "RateLimited"),
        (418, "BadRequest"),
        (500, "ServerError"),
        (503, "ServerError"),
    ],
)
def test_status_to_exception_table(status: int, name: str) -> None:
    response = httpx.Response(
        status,
        json={"error": {"code": "c", "message": "msg", "request_id": "rid"}},
        request=httpx.Request("GET", "http://t/"),
    )
    error = error_for_response(response)
    assert type(error).__name__ == name
    assert (error.status, error.code, error.message, error.request_id) == (status, "c", "msg", "rid")
