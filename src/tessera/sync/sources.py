"""HTTP routes of the sources other than dbt: ``POST /sync/<source>``, its ``/impact`` and ``/propose``.

Every source is parsed by its adapter into a :class:`SourceProject`; the sync and the impact check are the
same as dbt's (:mod:`tessera.sync.service`, :mod:`tessera.sync.impact`). The artifact is the request body
(JSON or YAML for OpenAPI, SDL or introspection JSON for GraphQL).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

from fastapi import APIRouter, Request

from tessera.deps import ReadPrincipal, ReadSessionDep, SettingsDep, WritePrincipal, WriteSessionDep
from tessera.errors import BadRequest, PayloadTooLarge
from tessera.ingest.graphql import parse_graphql
from tessera.ingest.neutral import parse_sqlmesh
from tessera.ingest.openapi import parse_openapi
from tessera.ingest.source import SourceProject
from tessera.perf import await_without_cyclic_gc
from tessera.sync import impact, service
from tessera.sync.schemas import DbtImpactResult, SyncResult
from tessera.sync.service import SyncOptions

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024

Parser = Callable[[bytes, str | None], SourceProject]


def source_router(source: str, parse: Parser, what: str, media_types: dict[str, object]) -> APIRouter:
    """The sync and impact routes of one source; ``what`` names the artifact in messages and docs."""
    router = APIRouter(prefix=f"/sync/{source}", tags=[source])
    body_doc = {
        "requestBody": {
            "required": True,
            "content": {media: {"schema": schema} for media, schema in media_types.items()},
        }
    }

    async def read(request: Request, project: str | None) -> SourceProject:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_DOCUMENT_BYTES:
            raise PayloadTooLarge(f"The {what} is larger than {MAX_DOCUMENT_BYTES >> 20} MB.")
        raw = await request.body()
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise PayloadTooLarge(f"The {what} is larger than {MAX_DOCUMENT_BYTES >> 20} MB.")
        if not raw.strip():
            raise BadRequest(f"The request body is empty; send the {what}.", code="document_missing")
        # Validating a big document is CPU work: a thread keeps the server answering.
        return await asyncio.to_thread(parse, raw, project)

    @router.post(
        "",
        response_model=SyncResult,
        openapi_extra=body_doc,
        name=f"sync_{source}",
        description=f"Sync the posted {what}: assets and contracts; changes go through the one publishing "
        "path.",
    )
    async def sync(
        request: Request,
        session: WriteSessionDep,
        principal: WritePrincipal,
        settings: SettingsDep,
        owner_team_id: uuid.UUID | None = None,
        environment: str = "production",
        project: str | None = None,
    ) -> SyncResult:
        """Sync the document: assets and contracts; changes go through the one publishing path."""
        parsed = await read(request, project)
        opts = SyncOptions(environment=environment, owner_team_id=owner_team_id)
        work = service.sync_manifest(session, principal, parsed, opts, parsed.lineage)
        return await await_without_cyclic_gc(work, enabled=settings.sync_pause_gc)

    @router.post(
        "/impact",
        response_model=DbtImpactResult,
        openapi_extra=body_doc,
        name=f"{source}_impact",
        description=f"Check the posted {what} for a pull request: what it would break, for whom; writes "
        "nothing.",
    )
    async def check(
        request: Request,
        session: ReadSessionDep,
        _: ReadPrincipal,
        settings: SettingsDep,
        environment: str = "production",
        project: str | None = None,
        source_ref: str | None = None,
    ) -> DbtImpactResult:
        """The pull-request check: what this document would break, for whom; writes nothing."""
        parsed = await read(request, project)
        opts = SyncOptions(environment=environment, source_ref=source_ref)
        work = impact.check(
            session, parsed, opts, max_depth=settings.lineage_max_depth, base_url=settings.base_url
        )
        return await await_without_cyclic_gc(work, enabled=settings.sync_pause_gc)

    @router.post(
        "/propose",
        response_model=DbtImpactResult,
        openapi_extra=body_doc,
        name=f"{source}_propose",
        description=f"Propose the breaking changes of the posted {what} (pull-request proposals, published "
        "after the merged sync), like `/sync/dbt/propose`.",
    )
    async def propose(
        request: Request,
        session: WriteSessionDep,
        principal: WritePrincipal,
        settings: SettingsDep,
        source_ref: str,
        environment: str = "production",
        project: str | None = None,
    ) -> DbtImpactResult:
        """Open pull-request proposals for the document's breaking changes (published after the merged
        sync), like ``/sync/dbt/propose``."""
        parsed = await read(request, project)
        opts = SyncOptions(environment=environment, source_ref=source_ref)
        return await impact.propose(
            session,
            principal,
            parsed,
            opts,
            max_depth=settings.lineage_max_depth,
            base_url=settings.base_url,
        )

    return router


openapi_router = source_router(
    "openapi",
    parse_openapi,
    "OpenAPI document",
    {
        "application/json": {"type": "object", "description": "OpenAPI 3.0/3.1 document"},
        "application/yaml": {"type": "string", "description": "OpenAPI 3.0/3.1 document"},
    },
)

graphql_router = source_router(
    "graphql",
    parse_graphql,
    "GraphQL schema",
    {
        "application/graphql": {"type": "string", "description": "GraphQL SDL"},
        "application/json": {"type": "object", "description": "GraphQL introspection result"},
    },
)

sqlmesh_router = source_router(
    "sqlmesh",
    parse_sqlmesh,
    "SQLMesh assets document",
    {"application/json": {"type": "object", "description": "source-neutral assets (docs/sqlmesh.md)"}},
)
