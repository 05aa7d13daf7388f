"""The committed dbt result artifacts (scripts/regenerate_dbt_results.py) and upload helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from tessera.db.models import GuaranteeState, OutboxMessage, QualityRun
from tessera.resources import app_resources

RESULTS = Path(__file__).resolve().parent.parent / "fixtures" / "dbt" / "results"
MANIFEST = RESULTS / "build" / "manifest.json.gz"
BUILD = RESULTS / "build" / "run_results.json"
TEST = RESULTS / "test" / "run_results.json"
SOURCES = RESULTS / "freshness" / "sources.json"
API = "/api/v1"


async def upload_run_results(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    results: bytes | Path = BUILD,
    manifest: bytes | Path = MANIFEST,
    **params: str,
) -> httpx.Response:
    """POST run_results.json + manifest.json as multipart files."""
    files = {"run_results": _bytes(results), "manifest": _bytes(manifest)}
    return await client.post(f"{API}/quality/dbt/run-results", files=files, headers=headers, params=params)


async def upload_sources(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    sources: bytes | Path = SOURCES,
    manifest: bytes | Path = MANIFEST,
) -> httpx.Response:
    """POST sources.json + manifest.json as multipart files."""
    files = {"sources": _bytes(sources), "manifest": _bytes(manifest)}
    return await client.post(f"{API}/quality/dbt/freshness", files=files, headers=headers)


def _bytes(value: bytes | Path) -> bytes:
    return value.read_bytes() if isinstance(value, Path) else value


async def stored(application: FastAPI) -> dict[str, Any]:
    """How many runs and states are stored, and the event types in the outbox, in order."""
    async with app_resources(application).read_session_factory() as session:
        runs = (await session.execute(sa.select(sa.func.count()).select_from(QualityRun))).scalar_one()
        states = (await session.execute(sa.select(sa.func.count()).select_from(GuaranteeState))).scalar_one()
        events = (
            await session.execute(
                sa.select(OutboxMessage.event_type, OutboxMessage.payload).order_by(
                    OutboxMessage.created_at, OutboxMessage.id
                )
            )
        ).all()
    guarantee_events = [(t, p["data"]) for t, p in events if t.startswith("guarantee.")]
    return {"runs": runs, "states": states, "events": guarantee_events}
