"""Source-neutral assets sent as JSON: how a project read on the client side reaches the server.

A tool whose own library cannot run inside the server (SQLMesh pins a sqlglot the server cannot share) is
read where it lives, by a client-side extractor, and sent as this document::

    {"project_name": "shop",
     "assets": [{"unique_id": "shop.orders", "fqn": "warehouse.shop.orders", "resource_type": "model",
                 "schema": {...JSON Schema...}, "guarantees": {...}, "owner": "Team <t@x>",
                 "depends_on": ["shop.raw_orders"], "description": "", "tags": [], "meta": {}}]}

Each asset's schema and guarantees are checked with the core's own validation; an asset that fails is
skipped with a warning (never synced as empty). Dependencies on unknown assets are dropped.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tessera.core import CoreError, validate_schema
from tessera.core.guarantees import Guarantees
from tessera.ingest.dbt.owners import OwnerError, owner_from_value
from tessera.ingest.lineage import ColumnSource, NodeLineage, ProjectLineage
from tessera.ingest.openapi import project_slug
from tessera.ingest.source import (
    InvalidSourceError,
    OwnerRef,
    SourceAsset,
    SourceProject,
    SourceWarning,
)

MAX_ASSETS = 100_000


class NeutralLineage(BaseModel):
    """An asset's column lineage (see :mod:`tessera.ingest.lineage`): what it reads of each asset it depends
    on (``null``: every column, ``fallback_reason`` says why), and what each of its columns derives from."""

    model_config = ConfigDict(extra="forbid")

    reads: dict[str, list[str] | None] = Field(default_factory=dict)
    derives: dict[str, list[tuple[str, str]]] = Field(default_factory=dict)
    definitions: dict[str, str] = Field(default_factory=dict)
    fallback_reason: str | None = Field(default=None, max_length=2000)


class NeutralAsset(BaseModel):
    """One asset as the client-side extractor sends it."""

    model_config = ConfigDict(extra="forbid")

    unique_id: str = Field(min_length=1, max_length=500)
    fqn: str = Field(min_length=1, max_length=500, pattern=r"^\S+$")
    resource_type: str = Field(default="model", max_length=64)
    name: str | None = None
    description: str = ""
    schema_: dict[str, Any] = Field(alias="schema")
    guarantees: dict[str, Any] = Field(default_factory=dict)
    owner: str | None = None
    contact: str | None = None
    tags: list[str] = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict)
    lineage: NeutralLineage | None = None
    """Column lineage; without it the asset's readers register with unknown columns."""


class NeutralProject(BaseModel):
    """The document: a project name, its tool's version and its assets."""

    model_config = ConfigDict(extra="forbid")

    project_name: str = Field(min_length=1, max_length=200)
    version: str | None = None
    assets: list[NeutralAsset] = Field(max_length=MAX_ASSETS)
    unreadable: list[str] = Field(default_factory=list, max_length=MAX_ASSETS)
    """Assets the project has but the extractor could not read: never taken for removed."""


def parse_neutral(raw: bytes, source: str, project_name: str | None = None) -> SourceProject:
    """The project a neutral document describes; :class:`InvalidSourceError` naming the first problem."""
    try:
        doc = NeutralProject.model_validate(orjson.loads(raw))
    except orjson.JSONDecodeError as exc:
        raise InvalidSourceError("invalid_json", f"Not valid JSON: {exc}.") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(str(p) for p in first["loc"])
        raise InvalidSourceError(
            "invalid_assets", f"Invalid assets document at {where}: {first['msg']}."
        ) from None
    warnings: list[SourceWarning] = []
    ids = {a.unique_id for a in doc.assets}
    if len(ids) != len(doc.assets):
        raise InvalidSourceError("invalid_assets", "Two assets share a unique_id; each must be unique.")
    assets: dict[str, SourceAsset] = {}
    for uid in sorted(set(doc.unreadable) - ids):
        warnings.append(SourceWarning(uid, "unreadable_node", "skipped: its columns could not be read"))
    lineage: dict[str, NodeLineage] = {}
    for item in doc.assets:
        asset = _asset(item, ids, warnings)
        if asset is not None:
            assets[item.unique_id] = asset
            if item.lineage is not None:
                lineage[item.unique_id] = _lineage(item.unique_id, item.lineage, set(asset.depends_on), ids)
    return SourceProject(
        source=source,
        project_name=project_slug(project_name or doc.project_name),
        assets=dict(sorted(assets.items())),
        warnings=tuple(sorted(set(warnings), key=lambda w: (w.node, w.code, w.message))),
        version=doc.version,
        # Listed but skipped (unreadable, or a contract that failed validation): never taken for removed.
        unreadable=frozenset(doc.unreadable).union(ids) - set(assets),
        lineage=ProjectLineage(dict(sorted(lineage.items()))) if lineage else None,
    )


def _lineage(uid: str, item: NeutralLineage, parents: set[str], ids: set[str]) -> NodeLineage:
    """The document's lineage of one asset, kept to the assets it depends on (lower-case columns)."""
    reads: dict[str, frozenset[str] | None] = {
        parent: None if cols is None else frozenset(c.lower() for c in cols)
        for parent, cols in sorted(item.reads.items())
        if parent in parents
    }
    derives = {
        column.lower(): frozenset(ColumnSource(node, col.lower()) for node, col in sources if node in ids)
        for column, sources in item.derives.items()
    }
    fallback = item.fallback_reason
    if fallback is None and any(cols is None for cols in reads.values()):
        fallback = "reads every column"
    return NodeLineage(
        node=uid,
        reads=reads,
        derives={c: d for c, d in derives.items() if d},
        definitions={c.lower(): fp for c, fp in item.definitions.items()},
        fallback_reason=fallback if any(cols is None for cols in reads.values()) else None,
    )


def _asset(item: NeutralAsset, ids: set[str], warnings: list[SourceWarning]) -> SourceAsset | None:
    uid = item.unique_id
    try:
        schema = validate_schema(item.schema_, label=uid)
        Guarantees.parse(item.guarantees)
    except CoreError as exc:
        warnings.append(SourceWarning(uid, "unreadable_contract", f"skipped: {exc}"[:400]))
        return None
    owner: OwnerRef | None = None
    try:
        owner = owner_from_value(item.owner)
    except OwnerError as exc:
        warnings.append(SourceWarning(uid, "invalid_owner", str(exc).replace("meta.owner", "owner")))
    return SourceAsset(
        unique_id=uid,
        name=item.name or uid,
        resource_type=item.resource_type,
        fqn=item.fqn,
        description=item.description,
        schema=schema,  # type: ignore[arg-type]
        guarantees=item.guarantees,
        owner=owner,
        contact=item.contact,
        tags=tuple(sorted(set(item.tags))),
        depends_on=tuple(sorted({d for d in item.depends_on if d in ids and d != uid})),
        meta=item.meta,
    )


def parse_sqlmesh(raw: bytes, project_name: str | None = None) -> SourceProject:
    """A SQLMesh project, as its client-side extractor sends it (see docs/sqlmesh.md)."""
    return parse_neutral(raw, "sqlmesh", project_name)
