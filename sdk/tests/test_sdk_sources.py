"""client.openapi, client.graphql and client.sqlmesh against the real endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from helpers_sdk import asgi_client
from tests.conftest import BOOTSTRAP_KEY
from tests.ingest.graphql.pairs import BASE, edit
from tests.ingest.openapi.documents import dumps, pet, petstore

from tessera_sdk import AsyncTesseraClient
from tessera_sdk.resources.sources import read_document


@pytest.fixture
async def admin(app: FastAPI) -> AsyncIterator[AsyncTesseraClient]:
    async with asgi_client(app, BOOTSTRAP_KEY) as client:
        yield client


def test_documents_are_sent_as_written(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text("openapi: 3.0.3\n")
    assert read_document(path) == (b"openapi: 3.0.3\n", "text/plain")
    assert read_document({"a": 1}) == (b'{"a":1}', "application/json")
    assert read_document(b' {"a": 1}')[1] == "application/json"
    with pytest.raises(TypeError):
        read_document(42)  # type: ignore[arg-type]


async def test_openapi_sync_and_impact(admin: AsyncTesseraClient) -> None:
    owner = await admin.teams.create("platform")
    synced = await admin.openapi.sync(petstore(), owner_team_id=owner.id)
    assert (synced.source, synced.project_name, synced.version, synced.schema_version) == (
        "openapi",
        "pet-store",
        "1.0.0",
        None,
    )
    doc = petstore()
    del pet(doc)["properties"]["name"]
    impact = await admin.openapi.impact(dumps(doc))
    assert impact.verdict == "pass"  # nobody is registered: breaking, but nobody must answer
    assert any(m.breaking for m in impact.models)


async def test_graphql_and_sqlmesh_sync(admin: AsyncTesseraClient) -> None:
    owner = await admin.teams.create("graph")
    synced = await admin.graphql.sync(BASE.encode(), owner_team_id=owner.id, project="shop")
    assert synced.summary.created == 13
    # A str is a path (as for manifests): the schema text goes as bytes.
    impact = await admin.graphql.impact(edit("  email: String!\n", "").encode(), project="shop")
    assert [m.fqn for m in impact.models if m.breaking] == ["shop.User"]
    mesh = {
        "project_name": "mesh",
        "assets": [{"unique_id": "m.a", "fqn": "db.m.a", "schema": {"type": "object"}, "owner": "graph"}],
    }
    result = await admin.sqlmesh.sync(mesh, owner_team_id=owner.id)
    assert (result.source, result.summary.created) == ("sqlmesh", 1)
