"""Liveness and readiness probes (cheap: no table scans)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tessera.db.engine import ping
from tessera.deps import ResourcesDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/health/ready", response_model=None)
async def ready(resources: ResourcesDep) -> JSONResponse | dict[str, object]:
    """The database answers (and Redis, when configured)."""
    checks: dict[str, str] = {}
    ok = True
    try:
        # Both pools: the write engine, and the read-only one that serves the read endpoints.
        for engine in (resources.engine, resources.read_engine):
            await ping(engine)
        checks["database"] = "ok"
    except Exception as exc:
        ok = False
        checks["database"] = f"error: {type(exc).__name__}"
    redis = resources.redis
    if redis is not None:
        try:
            await redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"degraded: {type(exc).__name__}"
    body: dict[str, object] = {"status": "ok" if ok else "unavailable", "checks": checks}
    if not ok:
        return JSONResponse(body, status_code=503)
    return body
