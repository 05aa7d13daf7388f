"""The request edge: every endpoint declares a read or a write session, and read-only POSTs read."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from tessera.config import Settings
from tessera.db.models import ApiKey
from tessera.deps import read_session, write_session
from tessera.resources import app_resources
from tests.conftest import ON_POSTGRES
from tests.helpers import V1, Api
from tests.ingest.dbt.builders import manifest, model

# The pull-request checks and the dry-run impact write nothing.
READ_ONLY_POSTS = {
    ("POST", "/api/v1/assets/{asset_id}/impact"),
    *(("POST", f"/api/v1/sync/{source}/impact") for source in ("dbt", "openapi", "graphql", "sqlmesh")),
}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dep in dependant.dependencies:
        if dep.call is not None:
            yield dep.call
        yield from _calls(dep)


def _api_routes(app: FastAPI) -> list[tuple[str, str, list[Callable[..., Any]]]]:
    """(method, full path, every dependency callable) of each API endpoint, routers included."""
    out = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and (context.path or "").startswith("/api/v1/"):
            out += [(method, context.path or "", list(_calls(route.dependant))) for method in route.methods]
    return out


async def test_every_endpoint_declares_exactly_one_session(app: FastAPI) -> None:
    routes = _api_routes(app)
    assert len(routes) > 40
    for method, path, calls in routes:
        kinds = [c for c in calls if c in (read_session, write_session)]
        assert len(kinds) == 1, f"{method} {path} declares {kinds}"
        expected = read_session if method == "GET" or (method, path) in READ_ONLY_POSTS else write_session
        assert kinds[0] is expected, f"{method} {path} uses {kinds[0].__name__}"


async def test_the_read_session_refuses_writes(app: FastAPI, client: httpx.AsyncClient) -> None:
    owner = await Api(client).team()
    sessions = read_session(app_resources(app))
    session = await anext(sessions)
    try:
        with pytest.raises(sa.exc.DBAPIError):
            await session.execute(sa.delete(ApiKey))
    finally:
        await sessions.aclose()
    # Nothing was deleted: the team's keys still work.
    assert (await client.get("/api/v1/teams", headers=owner.read)).status_code == 200


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's database-wide write lock")
async def test_impact_posts_are_not_blocked_by_a_held_write_lock(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    api = Api(client)
    owner = await api.team()
    asset = await api.asset(owner)
    await api.publish(owner, asset["id"], V1)
    node = model("orders", columns={"id": "integer"})
    node["config"]["meta"] = {"owner": owner.name}
    body = json.dumps(manifest(node)).encode()

    path = sa.make_url(settings.database_url).database
    assert path is not None
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock for the whole check
    try:
        impact = await asyncio.wait_for(
            client.post(f"/api/v1/assets/{asset['id']}/impact", json={"schema": V1}, headers=owner.read), 5
        )
        dbt = await asyncio.wait_for(
            client.post(
                "/api/v1/sync/dbt/impact",
                content=body,
                headers={**owner.read, "Content-Type": "application/json"},
            ),
            5,
        )
    finally:
        holder.rollback()
        holder.close()
    assert impact.status_code == 200, impact.text
    assert impact.json()["breaking_changes"] == []
    assert dbt.status_code == 200, dbt.text
