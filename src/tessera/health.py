"""Liveness and readiness probes (cheap: no table scans)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tessera.db.engine import ping
from tessera.db.migrate import SchemaState, schema_state
from tessera.deps import ResourcesDep

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/health/ready", response_model=None)
async def ready(resources: ResourcesDep) -> JSONResponse | dict[str, object]:
    """The database answers and its schema is migrated to this code's head (Redis is reported, not required).

    A database behind the code (``tessera db upgrade`` not run yet) is not ready: requests would fail on
    missing tables or columns. A database a later release already migrated is ready: during a rolling
    upgrade the previous replicas keep serving until they are replaced.
    """
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
    if ok:
        try:
            state = await schema_state(resources.engine)
            checks["migrations"] = _describe(state)
            ok = state.at_head or state.newer
        except Exception as exc:
            ok = False
            checks["migrations"] = f"error: {type(exc).__name__}"
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


def _describe(state: SchemaState) -> str:
    if state.at_head:
        return "ok"
    found = ", ".join(sorted(state.database)) or "none"
    if state.newer:
        return f"newer: database at {found}"
    expected = ", ".join(sorted(state.expected))
    return f"behind: database at {found}, this release needs {expected}; run 'tessera db upgrade'"
