"""The OpenAPI document as clients read it, and the self-hosted /docs and /redoc pages.

FastAPI's generated document is completed here: the bearer-key security scheme (so Swagger's Authorize
button works), the one error shape (``{"error": {...}}``) for every error status an operation can answer
with (replacing FastAPI's own 422 schema) listing the stable codes per status, an example request and
response for every operation, summaries taken from the route's docstring, and described tags. The Swagger
UI and ReDoc files are the pinned copies under ``/static/vendor`` (see scripts/vendor_ui.py), so the pages
work without internet access.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse

from tessera import errors as error_module
from tessera.openapi_examples import example_for

SECURITY_SCHEME = "bearerAuth"
ERROR_SCHEMA = "ErrorResponse"
STATUS_TEXT = {
    400: "The request asks for something invalid",
    401: "No valid API key was sent",
    403: "The key may not do this (scope or team)",
    404: "Not found",
    409: "Conflicts with the current state",
    412: "A precondition does not hold",
    413: "The body is too large",
    422: "A value is not acceptable",
    429: "Rate limited: retry after `Retry-After` seconds",
    503: "The database is busy or unavailable: retry shortly",
}
TAGS = [
    ("teams", "Teams that own and consume data assets."),
    ("users", "People, their teams and notification settings."),
    ("assets", "Warehouse tables and views, their modes, owners and lineage."),
    ("contracts", "Published schema and guarantee versions of an asset."),
    ("registrations", "Which team reads which asset (and which columns)."),
    ("proposals", "Breaking changes waiting for the answers of the teams that read them."),
    ("impact", "What a schema would break, before publishing it."),
    ("data quality", "Results of data tests run against published guarantees."),
    ("audit", "The append-only log of who changed what."),
    ("api-keys", "Keys for programs and CI, with scopes."),
    ("dbt", "dbt manifests: sync after merge, check and propose in pull requests."),
    ("openapi", "OpenAPI 3.0/3.1 documents: sync after merge, check and propose in pull requests."),
    ("graphql", "GraphQL schemas (SDL or introspection): sync, check and propose."),
    (
        "sqlmesh",
        "SQLMesh projects, sent as source-neutral assets by `tessera sqlmesh`: sync, check, propose.",
    ),
    ("webhooks", "Signed event deliveries to your endpoints."),
    ("health", "Liveness and readiness probes (no key needed)."),
]
_SRC = Path(__file__).parent
_WRITES = {"post", "put", "patch", "delete"}
_VENDOR = "/static/vendor"


def _error_classes() -> list[type[error_module.TesseraError]]:
    """Every error class the API can raise (the UI's own, rendered as pages, excluded)."""
    out: list[type[error_module.TesseraError]] = []
    todo = [error_module.TesseraError]
    while todo:
        cls = todo.pop()
        if not cls.__module__.startswith("tessera.ui"):
            out.append(cls)
        todo += cls.__subclasses__()
    return out


@cache
def error_catalog() -> dict[int, tuple[str, ...]]:
    """Every error code the API can answer with, by HTTP status, read from the source once.

    Codes come from the exception classes (``code = "..."``), from ``code="..."`` given when one is
    raised (the status is that of the class named in the call) and from ``not_found("kind", ...)`` calls
    (``kind_not_found``). Call it after the routers are imported, so every error class is known.
    """
    classes = _error_classes()
    statuses = {cls.__name__: cls.status_code for cls in classes}
    found: dict[int, set[str]] = {}
    for cls in classes:
        found.setdefault(cls.status_code, set()).add(cls.code)
    for path in sorted(_SRC.rglob("*.py")):
        if path.is_relative_to(_SRC / "ui"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            first = node.args[0] if node.args else None
            if name == "not_found" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.setdefault(404, set()).add(f"{first.value}_not_found")
            for kw in node.keywords:
                if kw.arg == "code" and isinstance(kw.value, ast.Constant) and name in statuses:
                    found.setdefault(statuses[name], set()).add(str(kw.value.value))
    return {s: tuple(sorted(codes)) for s, codes in sorted(found.items())}


def _summary(op: dict[str, Any]) -> str | None:
    """The first clause of the route's docstring: "Publish a contract", not "Publish Contract"."""
    text = (op.get("description") or "").strip()
    if not text:
        return None
    first = re.split(r"(?<=[.!?])\s|\n\n|: |; | \(", text, maxsplit=1)[0].rstrip(".").replace("``", "`")
    if len(first) > 80:  # at a word boundary, never mid-word
        first = first[:79].rsplit(" ", 1)[0] + "…"
    return first or None


def _error_response(status: int, codes: tuple[str, ...]) -> dict[str, Any]:
    code = codes[0] if codes else "bad_request"
    details: dict[str, Any] = {"retry_after": 30} if status == 429 else {}
    listed = ", ".join(f"`{c}`" for c in codes)
    return {
        "description": f"{STATUS_TEXT[status]}. Codes: {listed}.",
        "content": {
            "application/json": {
                "schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"},
                "example": {
                    "error": {
                        "code": code,
                        "message": f"{STATUS_TEXT[status]}.",
                        "details": details,
                        "request_id": "9f1c2a7b3e4d4c5f8a6b7c8d9e0f1a2b",
                    }
                },
            }
        },
    }


def _statuses(path: str, method: str, public: bool) -> list[int]:
    out = [400, 422, 503]
    if not public:
        out += [401, 403, 429]
    if "{" in path:
        out.append(404)
    if method in _WRITES:
        out += [409, 412]
    if method in {"post", "put", "patch"}:
        out.append(413)
    return sorted(set(out))


def _add_examples(content: dict[str, Any], components: dict[str, Any]) -> None:
    for media in content.values():
        if "example" not in media and "examples" not in media and "schema" in media:
            media["example"] = example_for(media["schema"], components)


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The completed document (cached on the app like FastAPI's own)."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=[{"name": n, "description": d} for n, d in TAGS],
    )
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas[ERROR_SCHEMA] = _error_schema()
    components["securitySchemes"] = {
        SECURITY_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key (`tsk_...`) sent as `Authorization: Bearer <key>`; "
            "the `X-API-Key` header works too.",
        }
    }
    doc["security"] = [{SECURITY_SCHEME: []}]
    catalog = error_catalog()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            public = not path.startswith("/api/")
            if public:
                op["security"] = []
            op["summary"] = _summary(op) or op.get("summary")
            responses = op.setdefault("responses", {})
            for status in _statuses(path, method, public):
                responses[str(status)] = _error_response(status, catalog.get(status, ()))
            if "requestBody" in op:
                _add_examples(op["requestBody"].get("content", {}), components)
            for status, response in responses.items():
                if status.startswith("2"):
                    _add_examples(response.get("content", {}), components)
    app.openapi_schema = doc
    return doc


def _error_schema() -> dict[str, Any]:
    return {
        "title": ERROR_SCHEMA,
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details", "request_id"],
                "properties": {
                    "code": {"type": "string", "description": "Stable, machine-readable"},
                    "message": {"type": "string", "description": "What went wrong and what to fix"},
                    "details": {"type": "object", "description": "Structured context (e.g. `errors`)"},
                    "request_id": {"type": ["string", "null"], "description": "The X-Request-ID"},
                },
            }
        },
    }


# /docs and /redoc: every file from this server, nothing from elsewhere (ReDoc's menu would fetch its
# vendor's logo from cdn.redoc.ly). Both pages carry inline code and styles of their own; ReDoc's search
# runs in a blob: worker.
DOCS_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)


def _self_contained(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = DOCS_CONTENT_SECURITY_POLICY
    return page


def install_docs(app: FastAPI) -> None:
    """Serve /docs and /redoc from the vendored files, and the completed document at /openapi.json."""
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return _self_contained(
            get_swagger_ui_html(
                openapi_url="/openapi.json",
                title=f"{app.title} API",
                swagger_js_url=f"{_VENDOR}/swagger-ui/swagger-ui-bundle.js",
                swagger_css_url=f"{_VENDOR}/swagger-ui/swagger-ui.css",
                swagger_favicon_url=f"{_VENDOR}/swagger-ui/favicon-32x32.png",
                swagger_ui_parameters={"persistAuthorization": True},
            )
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return _self_contained(
            get_redoc_html(
                openapi_url="/openapi.json",
                title=f"{app.title} API",
                redoc_js_url=f"{_VENDOR}/redoc/redoc.standalone.js",
                redoc_favicon_url=f"{_VENDOR}/swagger-ui/favicon-32x32.png",
                with_google_fonts=False,
            )
        )
