"""Sources other than dbt: ``client.openapi``, ``client.graphql`` (any source at ``/sync/<source>``).

The document travels as the request body, as written (JSON or YAML, SDL or introspection JSON); a mapping
is sent as JSON.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TypeAlias

from tessera_sdk import _base as b
from tessera_sdk.models import DbtImpactResult, SyncResult
from tessera_sdk.resources._resource import AsyncResource, SyncResource

DocumentSource: TypeAlias = bytes | str | os.PathLike[str] | Mapping[str, object]
"""A document: raw bytes, a file path, or the parsed JSON object."""

SOURCE_TIMEOUT = 300.0


def read_document(document: DocumentSource) -> tuple[bytes, str]:
    """``(body, content type)`` of a document; ``OSError`` for an unreadable path."""
    if isinstance(document, Mapping):
        return json.dumps(document, separators=(",", ":")).encode(), "application/json"
    if isinstance(document, bytes | bytearray):
        raw = bytes(document)
    elif isinstance(document, str | os.PathLike):
        raw = Path(document).read_bytes()
    else:
        raise TypeError(f"document must be bytes, a path or a mapping, not {type(document).__name__}")
    kind = "application/json" if raw.lstrip()[:1] in (b"{", b"[") else "text/plain"
    return raw, kind


def _call(
    path: str,
    document: DocumentSource,
    params: dict[str, b.QueryValue],
    model: type[b.M],
    *,
    idempotent: bool,
    timeout: float,
) -> b.Call[b.M]:
    body, content_type = read_document(document)
    return b.Call(
        "POST",
        path,
        b.parse_model(model),
        params=params,
        content=body,
        headers={"Content-Type": content_type},
        idempotent=idempotent,
        timeout=timeout,
    )


def _sync(
    source: str,
    document: DocumentSource,
    owner_team_id: b.Id | None,
    environment: str,
    project: str | None,
    timeout: float,
) -> b.Call[SyncResult]:
    params: dict[str, b.QueryValue] = {
        "owner_team_id": owner_team_id,
        "environment": environment,
        "project": project,
    }
    return _call(f"/sync/{source}", document, params, SyncResult, idempotent=False, timeout=timeout)


def _check(
    source: str,
    step: str,
    document: DocumentSource,
    environment: str,
    project: str | None,
    source_ref: str | None,
    timeout: float,
) -> b.Call[DbtImpactResult]:
    """``/sync/{source}/impact`` (writes nothing, so it is retried like a GET) or ``/propose``."""
    params: dict[str, b.QueryValue] = {
        "environment": environment,
        "project": project,
        "source_ref": source_ref,
    }
    return _call(
        f"/sync/{source}/{step}",
        document,
        params,
        DbtImpactResult,
        idempotent=step == "impact",
        timeout=timeout,
    )


class Source(SyncResource):
    """Sync a source's document (``sync``, after merge), check what it would break (``impact``, in CI) or
    open proposals for its breaking changes before merge (``propose``, in CI).

    ``project`` names the project (default: derived from the document, e.g. an API's ``info.title``).
    """

    source = ""

    def sync(
        self,
        document: DocumentSource,
        *,
        owner_team_id: b.Id | None = None,
        environment: str = "production",
        project: str | None = None,
        timeout: float = SOURCE_TIMEOUT,
    ) -> SyncResult:
        """Sync the document (write scope): compatible changes publish, breaking ones open proposals."""
        return self._x.run(_sync(self.source, document, owner_team_id, environment, project, timeout))

    def impact(
        self,
        document: DocumentSource,
        *,
        environment: str = "production",
        project: str | None = None,
        source_ref: str | None = None,
        timeout: float = SOURCE_TIMEOUT,
    ) -> DbtImpactResult:
        """What the document's changes break; ``verdict`` is "fail" when a breaking change is unanswered."""
        return self._x.run(_check(self.source, "impact", document, environment, project, source_ref, timeout))

    def propose(
        self,
        document: DocumentSource,
        *,
        source_ref: str,
        environment: str = "production",
        project: str | None = None,
        timeout: float = SOURCE_TIMEOUT,
    ) -> DbtImpactResult:
        """In CI: open proposals for the breaking changes now (write scope); nothing is published."""
        return self._x.run(
            _check(self.source, "propose", document, environment, project, source_ref, timeout)
        )


class AsyncSource(AsyncResource):
    """Sync a source's document or check what it would break (see :class:`Source`)."""

    source = ""

    async def sync(
        self,
        document: DocumentSource,
        *,
        owner_team_id: b.Id | None = None,
        environment: str = "production",
        project: str | None = None,
        timeout: float = SOURCE_TIMEOUT,  # noqa: ASYNC109 - per-request HTTP timeout
    ) -> SyncResult:
        """Sync the document (write scope): compatible changes publish, breaking ones open proposals."""
        return await self._x.run(_sync(self.source, document, owner_team_id, environment, project, timeout))

    async def impact(
        self,
        document: DocumentSource,
        *,
        environment: str = "production",
        project: str | None = None,
        source_ref: str | None = None,
        timeout: float = SOURCE_TIMEOUT,  # noqa: ASYNC109
    ) -> DbtImpactResult:
        """What the document's changes break; ``verdict`` is "fail" when a breaking change is unanswered."""
        return await self._x.run(
            _check(self.source, "impact", document, environment, project, source_ref, timeout)
        )

    async def propose(
        self,
        document: DocumentSource,
        *,
        source_ref: str,
        environment: str = "production",
        project: str | None = None,
        timeout: float = SOURCE_TIMEOUT,  # noqa: ASYNC109
    ) -> DbtImpactResult:
        """In CI: open proposals for the breaking changes now (write scope); nothing is published."""
        return await self._x.run(
            _check(self.source, "propose", document, environment, project, source_ref, timeout)
        )


class OpenApi(Source):
    """OpenAPI 3.0/3.1 documents (JSON or YAML): ``client.openapi``."""

    source = "openapi"


class AsyncOpenApi(AsyncSource):
    """OpenAPI 3.0/3.1 documents (JSON or YAML): ``client.openapi``."""

    source = "openapi"


class GraphQl(Source):
    """GraphQL schemas (SDL or introspection JSON): ``client.graphql``."""

    source = "graphql"


class AsyncGraphQl(AsyncSource):
    """GraphQL schemas (SDL or introspection JSON): ``client.graphql``."""

    source = "graphql"


class SqlMesh(Source):
    """A SQLMesh project as source-neutral assets (a mapping or its JSON): ``client.sqlmesh``."""

    source = "sqlmesh"


class AsyncSqlMesh(AsyncSource):
    """A SQLMesh project as source-neutral assets (a mapping or its JSON): ``client.sqlmesh``."""

    source = "sqlmesh"
