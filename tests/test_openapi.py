"""The OpenAPI document is valid, complete for clients, and /docs and /redoc work without internet access."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from tessera.app import create_app
from tessera.errors import TesseraError

SRC = Path(__file__).parents[1] / "src" / "tessera"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    document: dict[str, Any] = create_app().openapi()
    return document


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, ops in doc["paths"].items() for m, op in ops.items() if m in METHODS]


def test_the_document_is_valid_openapi(doc: dict[str, Any]) -> None:
    validate(doc)  # type: ignore[arg-type]


def test_bearer_keys_are_the_security_scheme_of_every_api_operation(doc: dict[str, Any]) -> None:
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert doc["security"] == [{"bearerAuth": []}]
    for path, _, op in _operations(doc):
        assert ("security" in op and op["security"] == []) == (not path.startswith("/api/")), path


def test_every_operation_has_a_summary_a_tag_examples_and_the_error_shape(doc: dict[str, Any]) -> None:
    text = json.dumps(doc)
    assert "HTTPValidationError" not in text
    described = {t["name"] for t in doc["tags"] if t.get("description")}
    for path, method, op in _operations(doc):
        where = f"{method.upper()} {path}"
        assert op.get("tags") and op.get("summary"), where
        assert op["summary"][0].isupper() and not op["summary"].endswith("."), (where, op["summary"])
        assert len(op["summary"]) <= 80 and not op["summary"].endswith("…"), (where, op["summary"])
        assert set(op["tags"]) <= described, (where, op["tags"])
        for media in op.get("requestBody", {}).get("content", {}).values():
            assert "example" in media, f"{where}: no request example"
        ok = {s: r for s, r in op["responses"].items() if s.startswith("2")}
        assert ok, where
        for status, response in ok.items():
            for media in response.get("content", {}).values():
                assert media.get("example") is not None or status == "204", f"{where}: no {status} example"
        for status in ("400", "422") + (("401", "403", "429") if path.startswith("/api/") else ()):
            error = op["responses"][status]["content"]["application/json"]
            assert error["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}, (where, status)
            assert set(error["example"]["error"]) == {"code", "message", "details", "request_id"}
        if "{" in path:
            assert "404" in op["responses"], where
        if method in {"post", "put", "patch"}:
            assert {"409", "412", "413"} <= op["responses"].keys(), where


def _raised_codes() -> set[str]:
    """Codes the API's code can raise, read independently of the document: class codes, ``code=`` given to
    an error class, ``not_found("kind")``."""
    classes: dict[str, type[TesseraError]] = {}
    todo: list[type[TesseraError]] = [TesseraError]
    while todo:
        cls = todo.pop()
        if not cls.__module__.startswith("tessera.ui"):
            classes[cls.__name__] = cls
        todo += cls.__subclasses__()
    codes = {cls.code for cls in classes.values()}
    for path in SRC.rglob("*.py"):
        if "ui" in path.relative_to(SRC).parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name == "not_found" and node.args and isinstance(node.args[0], ast.Constant):
                    codes.add(f"{node.args[0].value}_not_found")
                if name in classes:
                    codes |= {
                        str(kw.value.value)
                        for kw in node.keywords
                        if kw.arg == "code" and isinstance(kw.value, ast.Constant)
                    }
    return codes


def test_every_error_code_the_api_can_raise_is_documented(doc: dict[str, Any]) -> None:
    codes = _raised_codes()
    assert {"asset_not_found", "validation_error", "insufficient_scope", "url_refused"} <= codes
    text = json.dumps(doc)
    missing = sorted(c for c in codes if f"`{c}`" not in text)
    assert not missing, f"error codes not in the OpenAPI document: {missing}"


async def test_docs_and_redoc_load_their_files_from_this_server(client: httpx.AsyncClient) -> None:
    for page, assets in (
        ("/docs", ["swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css"]),
        ("/redoc", ["redoc/redoc.standalone.js"]),
    ):
        resp = await client.get(page)
        assert resp.status_code == 200
        assert "cdn.jsdelivr.net" not in resp.text and "fonts.googleapis.com" not in resp.text
        # Nothing from elsewhere either (ReDoc's menu would fetch a logo from cdn.redoc.ly).
        assert "default-src 'self'" in resp.headers["content-security-policy"]
        assert "img-src 'self' data:;" in resp.headers["content-security-policy"]
        for asset in assets:
            assert f"/static/vendor/{asset}" in resp.text
            assert (await client.get(f"/static/vendor/{asset}")).status_code == 200
    served = (await client.get("/openapi.json")).json()
    assert "bearerAuth" in served["components"]["securitySchemes"]
