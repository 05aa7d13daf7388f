"""Uploading dbt manifests: encoding, gzip, progress, and the real dbt endpoints."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from helpers_sdk import asgi_client
from tests.conftest import BOOTSTRAP_KEY

from tessera_sdk import AsyncTesseraClient, TesseraClient, encode_manifest
from tessera_sdk.resources.dbt import GZIP_THRESHOLD

MANIFESTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "dbt" / "manifests"
IMPACT = {
    "verdict": "pass",
    "summary": {},
    "models": [],
    "warnings": [],
    "markdown": "ok",
}


def test_small_manifest_is_sent_as_json(tmp_path: Path) -> None:
    manifest = {"metadata": {"dbt_schema_version": "v12"}, "nodes": {}}
    for source in (manifest, json.dumps(manifest).encode()):
        encoded = encode_manifest(source)
        assert encoded.content_type == "application/json"
        assert json.loads(encoded.body) == manifest
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    assert json.loads(encode_manifest(path).body) == manifest
    assert json.loads(encode_manifest(str(path)).body) == manifest


def test_large_manifest_is_gzipped_and_gzip_is_passed_through() -> None:
    big = json.dumps({"nodes": {f"model.p.m{i}": {"name": f"m{i}"} for i in range(20_000)}}).encode()
    assert len(big) > GZIP_THRESHOLD
    encoded = encode_manifest(big)
    assert encoded.compressed
    assert gzip.decompress(encoded.body) == big
    assert len(encoded.body) < len(big) / 5
    fixture = (MANIFESTS / "shop__base.json.gz").read_bytes()
    assert encode_manifest(fixture).body == fixture
    assert encode_manifest(MANIFESTS / "shop__base.json.gz").compressed


def test_unsupported_manifest_value_is_refused() -> None:
    with pytest.raises(TypeError, match="int"):
        encode_manifest(12)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match="/nonexistent/manifest.json"):
        encode_manifest("/nonexistent/manifest.json")


class EchoServer:
    """Records each request's method, path, query, headers and body; answers with a fixed impact result."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.seen.append(
            {
                "method": scope["method"],
                "path": scope["path"],
                "query": scope["query_string"].decode(),
                "headers": headers,
                "body": body,
            }
        )
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": json.dumps(IMPACT).encode()})


async def test_upload_reports_progress_and_sends_options_as_query() -> None:
    server = EchoServer()
    progress: list[tuple[int, int]] = []
    fixture = (MANIFESTS / "shop__base.json.gz").read_bytes()
    async with AsyncTesseraClient("http://t", "k", transport=httpx.ASGITransport(app=server)) as client:
        result = await client.dbt.impact(
            fixture,
            source_ref="github:org/repo#42",
            progress=lambda sent, total: progress.append((sent, total)),
        )
    assert result.verdict == "pass"
    assert result.passed
    [request] = server.seen
    assert (request["method"], request["path"]) == ("POST", "/api/v1/sync/dbt/impact")
    assert "source_ref=github%3Aorg%2Frepo%2342" in request["query"]
    assert "include_packages=false" in request["query"]
    assert request["headers"]["content-type"] == "application/gzip"
    assert request["headers"]["content-length"] == str(len(fixture))
    assert request["body"] == fixture
    assert progress[0] == (0, len(fixture))
    assert progress[-1] == (len(fixture), len(fixture))
    assert len(progress) > 2


def test_sync_upload_reports_progress() -> None:
    seen: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.read())
        return httpx.Response(200, json=IMPACT)

    progress: list[int] = []
    owner = uuid.uuid4()
    with TesseraClient("http://t", "k", transport=httpx.MockTransport(handler)) as client:
        client.dbt.propose(
            MANIFESTS / "shop__base.json.gz",
            source_ref="x#1",
            owner_team_id=owner,
            progress=lambda s, t: progress.append(s),
        )
    assert seen == [(MANIFESTS / "shop__base.json.gz").read_bytes()]
    assert progress[-1] == len(seen[0])


# --- against the real dbt endpoints ---------------------------------------------------------------------


@pytest.fixture
async def admin(app: FastAPI) -> AsyncIterator[AsyncTesseraClient]:
    pytest.importorskip("tessera.sync.router", reason="the dbt endpoints have not landed yet")
    async with asgi_client(app, BOOTSTRAP_KEY) as client:
        yield client


async def test_sync_then_impact_of_a_dropped_column(admin: AsyncTesseraClient, app: FastAPI) -> None:
    owner = await admin.teams.create("analytics")
    consumer_team = await admin.teams.create("marketing")
    synced = await admin.dbt.sync(MANIFESTS / "shop__base.json.gz", owner_team_id=owner.id)
    assert synced.project_name == "shop"
    fct = next(a for a in synced.assets if a.unique_id == "model.shop.fct_orders")
    assert fct.asset_id is not None
    assert fct.status == "created"
    await admin.registrations.create(
        fct.asset_id, consumer_team_id=consumer_team.id, columns=["country_code"]
    )

    impact = await admin.dbt.impact(MANIFESTS / "shop__dropped_column.json.gz", source_ref="github:o/r#1")
    assert impact.verdict == "fail"
    model = next(m for m in impact.models if m.unique_id == "model.shop.fct_orders")
    assert model.breaking
    assert not model.acknowledged
    assert "marketing" in [c.team for c in model.consumers]
    assert "marketing" in impact.markdown

    again = await admin.dbt.impact(MANIFESTS / "shop__base.json.gz")
    assert again.verdict == "pass"
