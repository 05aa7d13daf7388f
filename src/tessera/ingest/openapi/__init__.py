"""The OpenAPI adapter: an OpenAPI 3.0/3.1 document -> a :class:`SourceProject` (see ``docs/openapi.md``).

Each operation yields up to three kinds of assets, named ``<api>.<method>:<path>.<part>``:

* ``parameters``: its path, query, header and cookie parameters as one object (``in:name`` fields;
  required parameters are required fields), data clients send;
* ``request.<media type>``: its request body per media type, data clients send;
* ``response.<status>.<media type>``: each response body per status code and media type, data the API
  produces.

Every asset starts in mode ``backward`` (see the docs for why that fits both directions). A removed
operation removes its assets, which the sync treats like a removed dbt model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tessera.core import CoreError, validate_schema
from tessera.ingest.dbt.owners import OwnerError, owner_from_value
from tessera.ingest.openapi.loading import load_document
from tessera.ingest.openapi.schemas import Direction, SchemaConverter, deref
from tessera.ingest.source import (
    DOCUMENT,
    InvalidSourceError,
    OwnerRef,
    SourceAsset,
    SourceProject,
    SourceWarning,
)

__all__ = ["METHODS", "parse_openapi", "project_slug"]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SLUG = re.compile(r"[^a-z0-9_-]+")
_WHITESPACE = re.compile(r"\s+")


def project_slug(title: str) -> str:
    """The project name derived from ``info.title``: lower case, ``[a-z0-9_-]``, e.g. ``swagger-petstore``."""
    return _SLUG.sub("-", title.lower()).strip("-") or "api"


def parse_openapi(raw: bytes, project_name: str | None = None) -> SourceProject:
    """Parse and validate ``raw``; :class:`InvalidSourceError` for an unusable document."""
    document = load_document(raw)
    info = document.get("info") or {}
    name = project_slug(project_name or str(info.get("title") or "api"))
    warnings: list[SourceWarning] = []
    default_owner = _owner(info.get("x-owner"), DOCUMENT, warnings)
    contact = info.get("contact") or {}
    email = contact.get("email") if isinstance(contact, Mapping) else None
    builder = _Builder(document, name, default_owner, email if isinstance(email, str) else None, warnings)
    builder.tag_owners = _tag_owners(document.get("tags"), warnings)
    for path, item in (document.get("paths") or {}).items():
        item = deref(document, item)
        if not isinstance(item, Mapping):
            continue
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, Mapping):
                builder.operation(path, method, item, operation)
    return SourceProject(
        source="openapi",
        project_name=name,
        assets=dict(sorted(builder.assets.items())),
        warnings=tuple(sorted(set(warnings), key=lambda w: (w.node, w.code, w.message))),
        version=str(info.get("version")) if info.get("version") is not None else None,
    )


def promised(schema: Any) -> dict[str, Any]:
    """A response's top-level fields that are required and not nullable, as ``not_null`` guarantees.

    What a client may rely on being present: making such a field optional or nullable removes the
    guarantee, which blocks under the asset's (strict) guarantee mode, although the schema change alone
    is a loosening one that mode ``backward`` allows.
    """
    if not isinstance(schema, Mapping) or not isinstance(schema.get("properties"), Mapping):
        return {}
    props = schema["properties"]
    columns = {
        name: {"not_null": True}
        for name in schema.get("required") or []
        if isinstance(name, str) and name in props and not _nullable(props[name])
    }
    return {"columns": columns} if columns else {}


def _nullable(schema: Any) -> bool:
    if not isinstance(schema, Mapping):
        return schema is True
    kind = schema.get("type")
    if schema.get("nullable") is True or kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    branches = [*(schema.get("anyOf") or []), *(schema.get("oneOf") or [])]
    return any(_nullable(b) for b in branches) or (
        isinstance(schema.get("enum"), list) and None in schema["enum"]
    )


def _owner(value: object, node: str, warnings: list[SourceWarning]) -> OwnerRef | None:
    try:
        return owner_from_value(value)
    except OwnerError as exc:
        warnings.append(SourceWarning(node, "invalid_owner", str(exc).replace("meta.owner", "x-owner")))
        return None


def _tag_owners(tags: object, warnings: list[SourceWarning]) -> dict[str, OwnerRef]:
    """Owners named by ``x-owner`` on the document's tag objects (``tags: [{name, x-owner}]``)."""
    owners: dict[str, OwnerRef] = {}
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, Mapping) and isinstance(tag.get("name"), str) and "x-owner" in tag:
            owner = _owner(tag["x-owner"], f"tag:{tag['name']}", warnings)
            if owner is not None:
                owners[tag["name"]] = owner
    return owners


class _Builder:
    """Collects the assets of one document's operations."""

    def __init__(
        self,
        document: Mapping[str, Any],
        api: str,
        owner: OwnerRef | None,
        contact: str | None,
        warnings: list[SourceWarning],
    ) -> None:
        self.document = document
        self.api = api
        self.owner = owner
        self.contact = contact
        self.warnings = warnings
        self.converter = SchemaConverter(document)
        self.assets: dict[str, SourceAsset] = {}
        self.tag_owners: dict[str, OwnerRef] = {}

    def operation(self, path: str, method: str, item: Mapping[str, Any], op: Mapping[str, Any]) -> None:
        """Add the parameters, request body and response assets of one operation."""
        base = f"{method}:{_WHITESPACE.sub('%20', path)}"
        tags = tuple(sorted({t for t in op.get("tags") or [] if isinstance(t, str)}))
        # The operation's own x-owner, else that of its first tag that names one, else the document's.
        tagged = next((self.tag_owners[t] for t in op.get("tags") or [] if t in self.tag_owners), None)
        owner = _owner(op.get("x-owner"), base, self.warnings) if "x-owner" in op else tagged or self.owner
        summary = str(op.get("summary") or op.get("description") or "")
        meta = {"method": method, "path": path, "operation_id": op.get("operationId")}

        def add(part: str, kind: str, schema: Any, direction: Direction, extra: dict[str, Any]) -> None:
            uid = f"{base}.{part}"
            try:
                converted = validate_schema(self.converter.convert(schema, direction), label=uid)
            except (CoreError, InvalidSourceError, RecursionError) as exc:
                # Never publish the absence of what could not be read (it would look like a removal).
                self.warnings.append(SourceWarning(uid, "unreadable_schema", f"skipped: {exc}"[:400]))
                return
            self.assets[uid] = SourceAsset(
                unique_id=uid,
                name=uid,
                resource_type=kind,
                fqn=f"{self.api}.{uid}",
                description=summary,
                schema=converted,  # type: ignore[arg-type]
                guarantees=promised(converted) if direction == "response" else {},
                owner=owner,
                contact=self.contact,
                tags=tags,
                depends_on=(),
                meta={**meta, "direction": "input" if direction == "request" else "output", **extra},
                compatibility_mode="backward",
            )

        params = self._parameters(item, op, base)
        if params is not None:
            add("parameters", "parameters", params, "request", {})
        body = deref(self.document, op.get("requestBody"))
        if isinstance(body, Mapping):
            for media, content in sorted((body.get("content") or {}).items()):
                if isinstance(content, Mapping) and "schema" in content:
                    extra = {"media_type": media, "body_required": bool(body.get("required"))}
                    add(f"request.{media}", "request", content["schema"], "request", extra)
        for status, response in sorted((op.get("responses") or {}).items(), key=lambda kv: str(kv[0])):
            response = deref(self.document, response)
            if not isinstance(response, Mapping):
                continue
            for media, content in sorted((response.get("content") or {}).items()):
                if isinstance(content, Mapping) and "schema" in content:
                    extra = {"media_type": media, "status": str(status)}
                    add(f"response.{status}.{media}", "response", content["schema"], "response", extra)

    def _parameters(self, item: Mapping[str, Any], op: Mapping[str, Any], base: str) -> dict[str, Any] | None:
        """Path-level and operation-level parameters (the operation's win) as one object schema."""
        merged: dict[tuple[str, str], Mapping[str, Any]] = {}
        for raw in [*(item.get("parameters") or []), *(op.get("parameters") or [])]:
            param = deref(self.document, raw)
            if isinstance(param, Mapping) and isinstance(param.get("name"), str):
                merged[(str(param.get("in")), param["name"])] = param
        if not merged:
            return None
        properties: dict[str, Any] = {}
        required: list[str] = []
        for (where, name), param in sorted(merged.items()):
            schema = param.get("schema")
            if schema is None:  # ``content``: one media type with a schema
                content: Any = next(iter((param.get("content") or {}).values()), {})
                schema = content.get("schema", {}) if isinstance(content, Mapping) else {}
            key = f"{where}:{name}"
            properties[key] = schema
            if param.get("required") or where == "path":
                required.append(key)
        return {"type": "object", "properties": properties, "required": required}
