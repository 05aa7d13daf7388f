"""The request edge's checks: every route answers 413/422 naming the field, never a 500, on both databases."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from tessera.app import create_app
from tessera.config import Settings
from tessera.request_guard import MAX_JSON_DEPTH, body_problem, json_depth, query_problem
from tests.helpers import ADMIN, API, Api, record_schema


def nested(levels: int) -> object:
    value: object = 1
    for _ in range(levels):
        value = {"a": [value]}
    return value


@pytest.mark.parametrize("levels", [0, 3, 40])
def test_json_depth_counts_brackets_outside_strings(levels: int) -> None:
    # The string's 240 brackets force the full scan, and do not count.
    body = json.dumps({"s": "[[[[{{{{" * 30, "v": nested(levels)}).encode()
    assert json_depth(body) == 2 * levels + 1


def test_a_body_nested_too_deep_is_named() -> None:
    problem = body_problem(json.dumps(nested(MAX_JSON_DEPTH)).encode())
    assert problem is not None and problem.code == "too_deep"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"name": "a\\u0000b"}', "body.name"),
        ('{"meta": {"k": ["x", "\\ud800"]}}', "body.meta.k[1]"),
        ('{"a\\u0000": 1}', "body"),
    ],
)
def test_nul_and_lone_surrogates_are_named(body: str, field: str) -> None:
    problem = body_problem(body.encode())
    assert problem is not None and (problem.code, problem.field) == ("invalid_character", field)


@pytest.mark.parametrize(
    "body",
    ['{"name": "\\\\u0000 is text"}', '{"emoji": "\\ud83d\\ude00"}', '{"name": "plain"}', "not json \\u0000"],
)
def test_escaped_backslashes_surrogate_pairs_and_non_json_pass(body: str) -> None:
    assert body_problem(body.encode()) is None


def test_query_nul_is_named() -> None:
    problem = query_problem("/api/v1/teams", b"name=a%00b")
    assert problem is not None and problem.field == "query.name"
    assert query_problem("/api/v1/teams", b"name=a%25b&q=_") is None


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("POST", "/teams", {"name": "a\x00b"}),
        ("POST", "/teams", {"name": "a\ud800b"}),
        ("POST", "/users", {"name": "x\x00", "email": "x@example.com"}),
        ("GET", "/teams?name=a%00b", None),
        ("GET", "/assets?q=a%00b", None),
        ("GET", "/audit/events?action=a%00b", None),
        ("GET", "/search?q=%00", None),
    ],
)
async def test_nul_and_surrogates_are_a_422_on_every_route(
    client: httpx.AsyncClient, method: str, url: str, body: object
) -> None:
    content = json.dumps(body).encode() if body is not None else None
    headers = {**ADMIN, "content-type": "application/json"}
    resp = await client.request(method, API + url, headers=headers, content=content)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "invalid_character"


@pytest.mark.parametrize("url", ["/teams", "/assets", "/audit/events", "/proposals", "/api-keys"])
@pytest.mark.parametrize("offset", [2**63, 2**31, 10**30])
async def test_huge_offsets_are_a_422(client: httpx.AsyncClient, url: str, offset: int) -> None:
    resp = await client.get(f"{API}{url}?offset={offset}", headers=ADMIN)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "invalid_offset"


async def test_deep_schema_is_a_422(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    asset = await api.call("POST", "/assets", 201, ADMIN, json={"fqn": "db.s.deep", "owner_team_id": team.id})
    deep: dict[str, object] = {"type": "string"}
    for _ in range(140):
        deep = {"type": "object", "properties": {"a": deep}}
    resp = await client.post(f"{API}/assets/{asset['id']}/contracts", headers=ADMIN, json={"schema": deep})
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "too_deep"


async def test_lone_surrogate_in_a_schema_description_is_a_422(client: httpx.AsyncClient, api: Api) -> None:
    team = await api.team()
    asset = await api.call("POST", "/assets", 201, ADMIN, json={"fqn": "db.s.sur", "owner_team_id": team.id})
    schema = record_schema({"id": {"type": "integer", "description": "\ud800"}})
    resp = await client.post(
        f"{API}/assets/{asset['id']}/contracts",
        headers={**ADMIN, "content-type": "application/json"},
        content=json.dumps({"schema": schema}).encode(),
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["details"]["field"] == "body.schema.properties.id.description"


@pytest.mark.parametrize("value", ["%", "_", "%.*"])
async def test_like_wildcards_in_filters_match_literally(
    client: httpx.AsyncClient, api: Api, value: str
) -> None:
    await api.team("plain-team")
    for url in (f"/teams?name={value}", f"/audit/events?action={value}", f"/assets?q={value}"):
        resp = await client.get(API + url.replace("%", "%25"), headers=ADMIN)
        assert resp.status_code == 200, resp.text
        assert resp.json()["items"] == [], url


@pytest.fixture
async def small_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a 4 KiB body limit and a 16 KiB upload limit."""
    limited = settings.model_copy(update={"max_body_bytes": 4096, "max_upload_bytes": 16384})
    app = create_app(limited)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://tessera.test") as c:
            yield c


async def test_a_body_above_the_limit_is_a_413_naming_it(small_client: httpx.AsyncClient) -> None:
    resp = await small_client.post(f"{API}/teams", headers=ADMIN, json={"name": "x" * 5000})
    assert resp.status_code == 413
    assert resp.json()["error"]["code"] == "payload_too_large"
    assert "4,096 bytes" in resp.json()["error"]["message"]


async def test_a_streamed_body_without_length_is_cut_at_the_limit(small_client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(40):
            yield b"x" * 1024

    resp = await small_client.post(f"{API}/sync/dbt/impact", headers=ADMIN, content=chunks())
    assert resp.status_code == 413
    assert "16,384 bytes" in resp.json()["error"]["message"]


async def test_uploads_have_their_own_larger_limit(small_client: httpx.AsyncClient) -> None:
    resp = await small_client.post(
        f"{API}/sync/dbt/impact",
        headers={**ADMIN, "content-type": "application/json"},
        content=b"{" + b" " * 8000,
    )
    assert resp.status_code == 400  # read in full (above the 4 KiB body limit) and found not to be JSON
    assert resp.json()["error"]["code"] == "truncated"


async def test_data_quality_artifacts_are_uploads_with_the_same_limit(
    small_client: httpx.AsyncClient,
) -> None:
    # One number for every artifact upload: above the 4 KiB body limit is fine, above 16 KiB is the 413.
    files = {"run_results": ("r.json", b"{" + b" " * 8000), "manifest": ("m.json", b"{}")}
    resp = await small_client.post(f"{API}/quality/dbt/run-results", headers=ADMIN, files=files)
    assert resp.status_code == 400, resp.text  # read in full and found not to be JSON
    files = {"run_results": ("r.json", b" " * 20000), "manifest": ("m.json", b"{}")}
    resp = await small_client.post(f"{API}/quality/dbt/run-results", headers=ADMIN, files=files)
    assert resp.status_code == 413
    assert "16,384 bytes" in resp.json()["error"]["message"]


async def test_a_multipart_manifest_above_the_upload_limit_is_a_413_naming_it(
    small_client: httpx.AsyncClient,
) -> None:
    files = {"manifest": ("manifest.json", b" " * 20000)}
    resp = await small_client.post(f"{API}/sync/dbt/impact", headers=ADMIN, files=files)
    assert resp.status_code == 413
    assert "16,384 bytes" in resp.json()["error"]["message"]
