"""Every error, from routing to rate limits, in one JSON shape with a stable code and a helpful message."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tessera.app import create_app
from tessera.config import Settings
from tests.assertions import assert_error
from tests.conftest import MakeProposal
from tests.helpers import ADMIN, API, Api, record_schema


@dataclass(frozen=True)
class Case:
    """One request and the error it must produce; ``key`` names whose key is sent."""

    method: str
    path: str
    status: int
    code: str
    says: str
    key: str = "admin"
    json: Any = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


CASES = {
    "unknown route": Case(
        "GET", "/api/v1/no-such-thing", 404, "not_found", "No route GET /api/v1/no-such-thing"
    ),
    # Outside /api an unknown path is a UI page (tests/ui/test_errors.py); under /api it is JSON.
    "unknown route without key": Case("GET", "/api/nowhere", 404, "not_found", "see /docs", key="none"),
    "method not allowed": Case("PUT", "/api/v1/teams", 405, "method_not_allowed", "use GET, POST"),
    "missing field": Case("POST", "/api/v1/teams", 422, "validation_error", "name: Field required", json={}),
    "wrong type": Case("POST", "/api/v1/teams", 422, "validation_error", "name", json={"name": 42}),
    "unknown field": Case(
        "POST", "/api/v1/teams", 422, "validation_error", "nickname", json={"name": "a", "nickname": "b"}
    ),
    "bad path parameter": Case("GET", "/api/v1/assets/123", 422, "validation_error", "asset_id"),
    "bad query parameter": Case("GET", "/api/v1/proposals?status=maybe", 422, "validation_error", "status"),
    "bad pagination": Case("GET", "/api/v1/teams?limit=0", 422, "invalid_limit", "limit"),
    "malformed json": Case(
        "POST",
        "/api/v1/teams",
        422,
        "validation_error",
        "not valid JSON",
        content=b'{"name": "x",',
        headers={"Content-Type": "application/json"},
    ),
    "body not an object": Case("POST", "/api/v1/teams", 422, "validation_error", "body", json=["a"]),
    "missing key": Case("GET", "/api/v1/teams", 401, "missing_api_key", "Authorization: Bearer", key="none"),
    "invalid key": Case("GET", "/api/v1/teams", 401, "invalid_api_key", "tess_", key="garbage"),
    "unknown key": Case("GET", "/api/v1/teams", 401, "invalid_api_key", "unknown or revoked", key="unknown"),
    "insufficient scope": Case(
        "POST", "/api/v1/teams", 403, "insufficient_scope", "'write' scope", key="read", json={"name": "x"}
    ),
    "admin only": Case(
        "POST", "/api/v1/teams", 403, "admin_required", "admin", key="write", json={"name": "x"}
    ),
    "not found": Case(
        "GET", f"/api/v1/assets/{uuid.UUID(int=7)}", 404, "asset_not_found", str(uuid.UUID(int=7))
    ),
}
KEYS = {
    "none": {},
    "garbage": {"Authorization": "Bearer garbage"},
    "unknown": {"X-API-Key": f"tess_{'0' * 12}_{'s' * 40}"},
}


@pytest.mark.parametrize("name", list(CASES))
async def test_error_shape(client: httpx.AsyncClient, name: str) -> None:
    case = CASES[name]
    if case.key in ("read", "write"):
        team = await Api(client).team()
        key = getattr(team, case.key)
    else:
        key = KEYS.get(case.key, ADMIN)
    resp = await client.request(
        case.method, case.path, headers={**key, **case.headers}, json=case.json, content=case.content
    )
    error = assert_error(resp, case.status, case.code)
    assert case.says in error["message"], error["message"]


async def test_validation_errors_list_every_field(client: httpx.AsyncClient) -> None:
    owner = await Api(client).team()
    resp = await client.post(
        f"{API}/assets", headers=owner.write, json={"fqn": "a b", "compatibility_mode": "x"}
    )
    error = assert_error(resp, 422, "validation_error")
    fields = {tuple(e["loc"]) for e in error["details"]["errors"]}
    assert fields == {("body", "fqn"), ("body", "owner_team_id"), ("body", "compatibility_mode")}
    for name in ("fqn", "owner_team_id", "compatibility_mode"):
        assert name in error["message"]


async def test_method_not_allowed_names_the_allowed_methods(client: httpx.AsyncClient) -> None:
    resp = await client.delete(f"{API}/teams", headers=ADMIN)
    assert_error(resp, 405, "method_not_allowed")
    assert resp.headers["allow"] == "GET, POST"


async def test_request_id_is_echoed_in_header_and_body(client: httpx.AsyncClient) -> None:
    resp = await client.get(f"{API}/teams", headers={"X-Request-ID": "abc-123"})
    assert assert_error(resp, 401, "missing_api_key")["request_id"] == "abc-123"
    assert resp.headers["x-request-id"] == "abc-123"
    first, second = await client.get(f"{API}/teams"), await client.get(f"{API}/teams")
    generated = [assert_error(r, 401, "missing_api_key")["request_id"] for r in (first, second)]
    assert all(len(rid) == 32 and int(rid, 16) >= 0 for rid in generated)  # 32 hex digits
    assert generated[0] != generated[1]  # one per request


@pytest.mark.parametrize("sent", ["x" * 65, "a b", "<script>", "id\u00e9", "-leading", "a\tb"])
async def test_a_malformed_request_id_is_replaced(client: httpx.AsyncClient, sent: str) -> None:
    resp = await client.get(f"{API}/teams", headers={"X-Request-ID": sent.encode("utf-8")})
    rid = assert_error(resp, 401, "missing_api_key")["request_id"]
    assert rid != sent and len(rid) == 32 and int(rid, 16) >= 0
    assert resp.headers["x-request-id"] == rid


async def test_domain_errors_carry_details(client: httpx.AsyncClient, make_proposal: MakeProposal) -> None:
    p = await make_proposal()
    resp = await client.post(
        f"{API}/assets/{p.asset['id']}/contracts",
        headers=p.owner.write,
        json={"schema": record_schema({"id": "string"})},
    )
    error = assert_error(resp, 409, "proposal_already_open")
    assert error["details"] == {"proposal_id": p.proposal["id"]}


async def test_precondition_failed_says_how_to_fix_it(client: httpx.AsyncClient) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await api.asset(owner, require_passing_audit=True)
    resp = await client.post(
        f"{API}/assets/{asset['id']}/contracts",
        headers=owner.write,
        json={"schema": record_schema({"id": "integer"})},
    )
    error = assert_error(resp, 412, "audit_not_passing")
    assert f"POST /api/v1/assets/{asset['id']}/audit" in error["message"]


async def test_rate_limit_is_per_key_with_retry_after(client: httpx.AsyncClient, settings: Settings) -> None:
    team = await Api(client).team()  # through the test app, whose limit is out of reach
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 2}))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tessera.test") as client,
    ):
        # Fixed one-minute windows: six requests against a limit of two are refused at least once, even
        # if a window boundary falls in between.
        answers = [await client.get(f"{API}/teams", headers=ADMIN) for _ in range(6)]
        limited = [r for r in answers if r.status_code == 429]
        assert limited, [r.status_code for r in answers]
        error = assert_error(limited[0], 429, "rate_limited")
        retry_after = int(limited[0].headers["retry-after"])
        assert 1 <= retry_after <= 60
        assert error["details"] == {"retry_after": retry_after}
        assert f"retry after {retry_after} s" in error["message"]
        # Another key has its own budget; probes and unauthenticated requests are not counted.
        assert (await client.get(f"{API}/teams", headers=team.read)).status_code == 200
        assert (await client.get("/health")).status_code == 200
        assert_error(await client.get(f"{API}/teams"), 401, "missing_api_key")


async def test_rate_limit_zero_means_off(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 0}))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tessera.test") as client,
    ):
        statuses = {(await client.get(f"{API}/teams", headers=ADMIN)).status_code for _ in range(20)}
    assert statuses == {200}
