"""Benchmark the OpenAPI and GraphQL syncs on big generated documents.

    uv run python bench/bench_source_sync.py [--operations 1000] [--types 1000] [--database-url URL]

Generates an OpenAPI 3.0 document with ``--operations`` operations (list/create/get/delete over
``operations / 4`` resources whose schemas reference shared components) and a GraphQL schema with
``--types`` named types (objects, inputs, enums, unions), then starts the real app (auth on, SQLite file
by default, or --database-url for PostgreSQL) and times, through the HTTP API (in-process ASGI):
  1. parsing alone (validation included), outside the server,
  2. the first sync (creates every asset and contract; validates the document),
  3. a re-sync of the same document (must change nothing; an OpenAPI document validated before is not
     validated again),
  4. a re-sync after a change (one field added to a shared component / to 1% of the types).
Targets (issue 11): sync and re-sync of each document under 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

KEY = "bench-bootstrap-key-0123456789abcdef"


def openapi_document(operations: int, extra_field: bool = False) -> bytes:
    """An OpenAPI 3.0 document with ``operations`` operations (4 per resource)."""
    resources = max(1, operations // 4)
    schemas: dict[str, Any] = {
        "Audit": {
            "type": "object",
            "required": ["created_at"],
            "properties": {
                "created_at": {"type": "string", "format": "date-time"},
                "created_by": {"type": "string", "nullable": True},
                **({"trace_id": {"type": "string"}} if extra_field else {}),
            },
        },
        "Error": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}}},
    }
    paths: dict[str, Any] = {}
    for i in range(resources):
        name = f"Thing{i:04d}"
        schemas[name] = {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "name": {"type": "string", "maxLength": 200},
                "status": {"type": "string", "enum": ["active", "archived"]},
                "count": {"type": "integer", "minimum": 0},
                "audit": {"$ref": "#/components/schemas/Audit"},
                "parent": {"$ref": f"#/components/schemas/{name}"},
                **{f"attr_{k}": {"type": "string"} for k in range(6)},
            },
        }
        ref = {"$ref": f"#/components/schemas/{name}"}
        error = {
            "description": "error",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        paths[f"/things{i}"] = {
            "get": {
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "array", "items": ref}}},
                    },
                    "default": error,
                },
            },
            "post": {
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": {"201": {"description": "ok", "content": {"application/json": {"schema": ref}}}},
            },
        }
        paths[f"/things{i}/{{id}}"] = {
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "get": {
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": ref}}}}
            },
            "delete": {"responses": {"204": {"description": "gone"}}},
        }
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "Bench API", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }
    return orjson.dumps(doc)


def graphql_schema(types: int, changed_every: int = 0) -> bytes:
    """SDL with about ``types`` named types: per group of 4, an object, an input, an enum and a union."""
    groups = max(1, types // 4)
    lines = ["type Query {"]
    lines += [f"  obj{i}(id: ID!, filter: Filter{i}): Obj{i}" for i in range(groups)]
    lines.append("}")
    for i in range(groups):
        extra = "  added: String\n" if changed_every and i % changed_every == 0 else ""
        nxt = f"Obj{(i + 1) % groups}"
        lines.append(
            f"type Obj{i} {{\n  id: ID!\n  name: String!\n  kind: Kind{i}\n  next: {nxt}\n"
            f"  items(first: Int = 10): [{nxt}!]!\n  score: Float\n{extra}}}"
        )
        lines.append(f"input Filter{i} {{ name: String kind: Kind{i} limit: Int = 10 }}")
        lines.append(f"enum Kind{i} {{ A B C D }}")
        lines.append(f"union Any{i} = Obj{i} | {nxt}")
    return "\n".join(lines).encode()


async def run(database_url: str, openapi: bytes, sdl: bytes, openapi2: bytes, sdl2: bytes) -> None:
    from tessera.app import create_app
    from tessera.config import Environment, Settings
    from tessera.db.migrate import upgrade

    await asyncio.to_thread(upgrade, database_url)
    settings = Settings(
        environment=Environment.TEST,
        database_url=database_url,
        secret_key="bench",
        bootstrap_api_key=KEY,
        worker_enabled=False,
        rate_limit_per_minute=0,
        data_dir=Path(tempfile.mkdtemp()),
    )
    app = create_app(settings)
    headers = {"Authorization": f"Bearer {KEY}"}
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client,
    ):
        team = (await client.post("/api/v1/teams", json={"name": "api"}, headers=headers)).json()
        for source, first, second in (("openapi", openapi, openapi2), ("graphql", sdl, sdl2)):
            url = f"/api/v1/sync/{source}?owner_team_id={team['id']}&project=bench-{source}"
            timings = []
            for label, body in (("first sync", first), ("re-sync", first), ("changed", second)):
                t0 = time.perf_counter()
                resp = await client.post(url, content=body, headers=headers)
                timings.append((label, time.perf_counter() - t0, resp))
                assert resp.status_code == 200, resp.text[:500]
            for label, seconds, resp in timings:
                s = resp.json()["summary"]
                print(
                    f"{source:8} {label:11} {seconds:6.2f} s   created={s['created']} updated={s['updated']} "
                    f"unchanged={s['unchanged']} proposed={s['proposed']}"
                )
            assert timings[1][2].json()["summary"]["unchanged"] == timings[0][2].json()["summary"]["created"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=1000)
    parser.add_argument("--types", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from tessera.ingest.graphql import parse_graphql
    from tessera.ingest.openapi import loading, parse_openapi

    openapi, openapi2 = openapi_document(args.operations), openapi_document(args.operations, extra_field=True)
    sdl, sdl2 = graphql_schema(args.types), graphql_schema(args.types, changed_every=100)
    t0 = time.perf_counter()
    project = parse_openapi(openapi)
    t_openapi = time.perf_counter() - t0
    t0 = time.perf_counter()
    schema = parse_graphql(sdl, "bench")
    t_graphql = time.perf_counter() - t0
    print(
        f"openapi: {args.operations} operations, {len(openapi) / 1e6:.1f} MB, {len(project.assets)} assets, "
        f"parse+validate {t_openapi:.2f} s"
    )
    print(f"graphql: {len(schema.assets)} assets from {args.types} types, parse+validate {t_graphql:.2f} s")
    # The server's first sync must validate the document itself, as it would for a new one.
    loading._validated.clear()
    url = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    print(f"database: {url.split('://')[0]}")
    asyncio.run(run(url, openapi, sdl, openapi2, sdl2))


if __name__ == "__main__":
    main()
