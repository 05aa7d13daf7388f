"""HTTP routes for the dbt integration."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from fastapi import APIRouter, Request

from tessera.deps import ReadPrincipal, ReadSessionDep, SettingsDep, WritePrincipal, WriteSessionDep
from tessera.errors import BadRequest, PayloadTooLarge
from tessera.ingest.dbt import DbtProject, parse_manifest
from tessera.perf import await_without_cyclic_gc
from tessera.request_guard import size_text
from tessera.sync import impact, service
from tessera.sync.schemas import DbtImpactResult, SyncResult
from tessera.sync.service import SyncOptions

router = APIRouter(prefix="/sync/dbt", tags=["dbt"])

WARM_POOL_BYTES = 2 * 1024 * 1024
"""A manifest upload this big (or of unknown size) may hold a project the analysis pool works on."""
_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object", "description": "dbt manifest.json"}},
            "application/gzip": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"manifest": {"type": "string", "format": "binary"}},
                }
            },
        },
    }
}


async def read_manifest(
    request: Request, include_packages: bool, max_bytes: int, *, compact: bool = False
) -> DbtProject:
    """The manifest from the body (JSON, gzip or a multipart ``manifest`` file), parsed in a thread.

    ``max_bytes`` is the upload limit (``Settings.max_upload_bytes``), the one the request edge enforces.
    ``compact``: see :func:`~tessera.ingest.dbt.parse_manifest` (for the sync, whose memory peaks late).
    """
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_part_size=max_bytes)
        upload = form.get("manifest")
        if upload is None or isinstance(upload, str):
            raise BadRequest(
                "Upload the manifest as a file in the 'manifest' form field.", code="manifest_missing"
            )
        raw: bytes | bytearray = await upload.read()
    else:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise PayloadTooLarge(f"The manifest is larger than the limit of {size_text(max_bytes)}.")
        raw = await _body(request, max_bytes)
    if not raw:
        raise BadRequest("The request body is empty; send the dbt manifest.json.", code="manifest_missing")
    # Parsing a 40 MB manifest takes a while: do it in a thread so the server keeps answering.
    return await asyncio.to_thread(parse_manifest, raw, include_packages=include_packages, compact=compact)


async def _body(request: Request, max_bytes: int) -> bytearray:
    """The request body in a buffer the parse empties once it has decoded it.

    Not ``request.body()``: Starlette keeps that on the request until the response is sent, which held
    a 47 MB manifest's bytes through the whole sync.
    """
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise PayloadTooLarge(f"The manifest is larger than the limit of {size_text(max_bytes)}.")
    return body


@router.post("", response_model=SyncResult, openapi_extra=_BODY_DOC)
async def sync_dbt(
    request: Request,
    session: WriteSessionDep,
    principal: WritePrincipal,
    settings: SettingsDep,
    owner_team_id: uuid.UUID | None = None,
    environment: str = "production",
    include_packages: bool = False,
) -> SyncResult:
    """Sync a dbt manifest: assets, contracts, owners, lineage and consumer registrations."""
    _warm_analysis_pool(request, settings.lineage_workers)
    project = await read_manifest(request, include_packages, settings.max_upload_bytes, compact=True)
    opts = SyncOptions(
        environment=environment, owner_team_id=owner_team_id, include_packages=include_packages
    )
    # Imported on the first sync, not at start-up: the SQL parser (sqlglot) is a tenth of the server's
    # import time and most requests never need it (docs/benchmarks.md, start-up).
    from tessera.ingest.dbt.column_lineage import analyse_project

    # The schema fingerprints go to the workers first (the contract decisions need them soon).
    fingerprints = _fingerprints_in_pool(project, settings.lineage_workers)
    # The SQL analysis is CPU work (worker processes for a big project): it starts now, in a thread, and
    # runs while the sync decides the contracts; the sync awaits it when it first needs it.
    analysis = asyncio.ensure_future(
        asyncio.to_thread(analyse_project, project, workers=settings.lineage_workers)
    )
    try:
        work = service.sync_manifest(session, principal, project, opts, analysis, fingerprints)
        return await await_without_cyclic_gc(work, enabled=settings.sync_pause_gc)
    finally:
        for pending in (analysis, fingerprints):
            if pending is not None and not pending.done():
                # The sync failed first: nobody awaits it, so collect its outcome when it ends.
                pending.add_done_callback(_collect)


def _warm_analysis_pool(request: Request, workers: int | None) -> None:
    """Start the lineage workers while the manifest is read and parsed, when it may be a big project.

    A worker's start (a fork of the preloaded server, or a spawn importing sqlglot) then overlaps the
    parse instead of delaying the analysis; a pool that is already up costs nothing here.
    """
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) < WARM_POOL_BYTES:
        return
    # Imported on first use, not at start-up: it loads the SQL parser (sqlglot).
    from tessera.ingest.dbt import lineage_pool

    if lineage_pool.worker_count(workers, lineage_pool.PARALLEL_MIN_MODELS) > 1:
        asyncio.ensure_future(asyncio.to_thread(lineage_pool.warm_pool, workers)).add_done_callback(_collect)


def _fingerprints_in_pool(project: DbtProject, workers: int | None) -> asyncio.Future[dict[str, str]] | None:
    """The schema fingerprints of a big project's nodes, computed by the lineage workers (``None``: the
    project is analysed in this process, so its fingerprints are computed here too, as they are needed).

    A fingerprint the workers could not compute (or a pool that broke) is left out: the sync computes it.
    """
    from tessera.ingest.dbt import lineage_pool

    count = lineage_pool.worker_count(workers, len(project.assets))
    if count <= 1:
        return None
    uids = list(project.assets)
    try:
        parts = lineage_pool.fingerprints_in_pool([project.assets[uid].schema for uid in uids], count)
    except BrokenProcessPool:
        return None

    async def gathered() -> dict[str, str]:
        try:
            chunks = await asyncio.gather(*(asyncio.wrap_future(part) for part in parts))
        except Exception:  # a broken pool: the sync fingerprints the schemas itself
            return {}
        found = (fp for chunk in chunks for fp in chunk)
        return {uid: fp for uid, fp in zip(uids, found, strict=True) if fp is not None}

    return asyncio.ensure_future(gathered())


def _collect(task: asyncio.Future[Any]) -> None:
    """Retrieve a finished background task's outcome, so an error is not reported as never retrieved."""
    if not task.cancelled():
        task.exception()


@router.post("/impact", response_model=DbtImpactResult, openapi_extra=_BODY_DOC)
async def dbt_impact(
    request: Request,
    session: ReadSessionDep,
    _: ReadPrincipal,
    settings: SettingsDep,
    environment: str = "production",
    include_packages: bool = False,
    source_ref: str | None = None,
) -> DbtImpactResult:
    """Check a dbt manifest for a pull request: what it would break, for whom; writes nothing."""
    project = await read_manifest(request, include_packages, settings.max_upload_bytes)
    opts = SyncOptions(environment=environment, include_packages=include_packages, source_ref=source_ref)
    work = impact.check(
        session, project, opts, max_depth=settings.lineage_max_depth, base_url=settings.base_url
    )
    return await await_without_cyclic_gc(work, enabled=settings.sync_pause_gc)


@router.post("/propose", response_model=DbtImpactResult, openapi_extra=_BODY_DOC)
async def dbt_propose(
    request: Request,
    session: WriteSessionDep,
    principal: WritePrincipal,
    settings: SettingsDep,
    source_ref: str,
    environment: str = "production",
    include_packages: bool = False,
) -> DbtImpactResult:
    """Open pull-request proposals for the manifest's breaking changes (published after the merged sync)."""
    project = await read_manifest(request, include_packages, settings.max_upload_bytes)
    opts = SyncOptions(environment=environment, include_packages=include_packages, source_ref=source_ref)
    return await impact.propose(
        session,
        principal,
        project,
        opts,
        max_depth=settings.lineage_max_depth,
        base_url=settings.base_url,
    )
