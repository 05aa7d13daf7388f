"""create_app(): routers, middleware, error handlers, and the resources the app owns."""

from __future__ import annotations

import asyncio
import logging
import re
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tessera import __version__
from tessera.api_keys.router import router as api_keys_router
from tessera.assets.router import router as assets_router
from tessera.audit.router import router as audit_router
from tessera.config import Settings, get_settings
from tessera.contracts.router import router as contracts_router
from tessera.errors import TesseraError
from tessera.health import router as health_router
from tessera.impact.router import router as impact_router
from tessera.links import API_PREFIX
from tessera.openapi import install_docs
from tessera.perf import frozen_startup_heap, resumed_after_startup
from tessera.proposals.router import router as proposals_router
from tessera.quality.router import router as quality_router
from tessera.registrations.router import router as registrations_router
from tessera.request_guard import RequestGuardMiddleware
from tessera.resources import open_resources
from tessera.sync.router import router as sync_router
from tessera.sync.sources import graphql_router, openapi_router, sqlmesh_router
from tessera.teams.router import router as teams_router
from tessera.ui.errors import ui_error_response
from tessera.ui.render import STATIC_DIR
from tessera.ui.router import router as ui_router
from tessera.ui.security import SecurityHeadersMiddleware, is_ui_path
from tessera.ui.static_files import CompressedStaticFiles
from tessera.users.router import router as users_router
from tessera.webhooks.router import router as webhooks_router

log = logging.getLogger("tessera")

_REQUEST_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


class RequestIdMiddleware:
    """Tags each request with an id (the caller's ``X-Request-ID`` when it is 1-64 letters, digits and
    ``._:-``, else a new one) and echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = None
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                # Stored in the audit log and echoed in headers: only a short token is taken as given.
                if _REQUEST_ID.fullmatch(value) is not None:
                    request_id = value.decode("ascii")
                break
        request_id = request_id or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        await self.app(scope, receive, send_with_id)


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The one error body shape; on UI paths the same code and message as a readable page."""
    if is_ui_path(request.url.path):
        return ui_error_response(request, status, code, message, headers)
    body = {
        "error": {
            "code": code,
            "message": message,
            "details": details or {},
            "request_id": getattr(request.state, "request_id", None),
        }
    }
    return JSONResponse(body, status_code=status, headers=headers)


def _validation_message(errors: list[Any]) -> str:
    parts = []
    for err in errors[:5]:
        if err.get("type") == "json_invalid":
            # The location of a JSON syntax error is a character offset, not a field.
            offset = err.get("loc", ["body", "?"])[-1]
            parts.append(f"the body is not valid JSON (error near character {offset})")
            continue
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body",))
        # pydantic prefixes the messages of our own validators with "Value error, ": not the user's words.
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        parts.append(f"{loc or 'body'}: {msg}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "Invalid request: " + "; ".join(parts) + more


def _allowed_methods(request: Request) -> list[str]:
    """The methods some route accepts on the request's path."""
    routes = request.app.router.routes
    return [
        method
        for method in ("DELETE", "GET", "PATCH", "POST", "PUT")
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    ]


def install_error_handlers(app: FastAPI) -> None:
    """Render every error (ours, validation, routing, rate limits, the unexpected) in one JSON shape."""

    @app.exception_handler(TesseraError)
    async def _tessera(request: Request, exc: TesseraError) -> Response:
        headers = {"Retry-After": str(exc.details["retry_after"])} if exc.status_code == 429 else None
        return error_response(request, exc.status_code, exc.code, exc.message, dict(exc.details), headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()
        ]
        return error_response(
            request, 422, "validation_error", _validation_message(errors), {"errors": errors}
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
        code = codes.get(exc.status_code, "http_error")
        message = str(exc.detail)
        headers = getattr(exc, "headers", None)
        if exc.status_code == 404 and message == "Not Found":
            message = f"No route {request.method} {request.url.path}; see /docs for the API."
        elif exc.status_code == 405:
            # Starlette names only the first route matching the path; every route of the path counts.
            allowed = ", ".join(_allowed_methods(request))
            headers = {**(headers or {}), "Allow": allowed}
            message = f"{request.method} is not allowed on {request.url.path}; use {allowed}."
        return error_response(request, exc.status_code, code, message, headers=headers)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        # A uniqueness race lost against a concurrent request: the client may retry.
        log.info("integrity conflict: %s", type(exc.orig).__name__)
        return error_response(
            request, 409, "conflict", "The request conflicts with a concurrent change; retry it."
        )

    @app.exception_handler(OperationalError)
    async def _operational(request: Request, exc: OperationalError) -> Response:
        log.warning("database unavailable: %s", type(exc.orig).__name__)
        return error_response(
            request, 503, "service_unavailable", "The database is busy or unavailable; retry shortly."
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        return error_response(
            request,
            500,
            "internal_error",
            "Unexpected server error; the request id identifies it in the logs.",
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    """The Tessera ASGI application."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_resources(settings) as resources:
            app.state.resources = resources
            from tessera.db.statistics import refresh_stale_in_background

            refresh_stale_in_background(resources.engine)  # tables loaded behind the server's back
            worker = None
            if settings.worker_enabled:
                from tessera.worker.runner import start_background_worker

                worker = await start_background_worker(resources)
            try:
                with (
                    resumed_after_startup(),
                    frozen_startup_heap() if settings.gc_freeze_startup else nullcontext(),
                ):
                    yield
            finally:
                if worker is not None:
                    await worker.stop()
                from tessera.db.statistics import settled

                await settled()  # an ANALYZE still running needs the engine open
                del app.state.resources
                # The lineage workers, if a big sync started them (the module loads the SQL parser: not
                # imported just to find nothing to stop). Left running, they outlived the server.
                pool = sys.modules.get("tessera.ingest.dbt.lineage_pool")
                if pool is not None:
                    await asyncio.to_thread(pool.shutdown_pool)

    app = FastAPI(
        title="Tessera",
        version=__version__,
        description="Tessera coordinates data contracts between the teams that produce warehouse tables "
        "and the teams that consume them.",
        lifespan=lifespan,
        # /docs and /redoc are served from the vendored Swagger UI and ReDoc (tessera.openapi).
        docs_url=None,
        redoc_url=None,
    )
    install_docs(app)
    app.add_middleware(SecurityHeadersMiddleware)
    # Inside the request id middleware: a refused request's error body carries its id.
    app.add_middleware(
        RequestGuardMiddleware,
        render=error_response,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    app.include_router(health_router)
    for router in (
        teams_router,
        users_router,
        assets_router,
        contracts_router,
        registrations_router,
        proposals_router,
        impact_router,
        quality_router,
        audit_router,
        api_keys_router,
        sync_router,
        openapi_router,
        graphql_router,
        sqlmesh_router,
        webhooks_router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    # The web UI: pages at the root, their static files (vendored libraries included) at /static.
    app.include_router(ui_router)
    app.mount("/static", CompressedStaticFiles(directory=STATIC_DIR), name="static")
    return app
