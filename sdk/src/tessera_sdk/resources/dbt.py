"""dbt manifests: sync, impact check and pull-request proposals: ``client.dbt``.

The manifest travels as the request body: JSON as is, or gzip-compressed when it is larger than
``GZIP_THRESHOLD`` (dbt manifests compress about tenfold). A file that is already gzip (``manifest.json.gz``)
is sent unchanged.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from tessera_sdk import _base as b
from tessera_sdk.models import DbtImpactResult, SyncResult
from tessera_sdk.resources._resource import AsyncResource, SyncResource

ManifestSource: TypeAlias = bytes | str | os.PathLike[str] | Mapping[str, object]
"""A manifest: raw bytes (JSON or gzip), a file path, or the parsed JSON object."""

GZIP_THRESHOLD = 256 * 1024
GZIP_MAGIC = b"\x1f\x8b"
DBT_TIMEOUT = 300.0


@dataclass(frozen=True, slots=True)
class EncodedManifest:
    """A manifest ready to upload: its body and content type."""

    body: bytes
    content_type: str

    @property
    def compressed(self) -> bool:
        """True when the body is gzip."""
        return self.content_type == "application/gzip"


def encode_manifest(manifest: ManifestSource, *, gzip_threshold: int = GZIP_THRESHOLD) -> EncodedManifest:
    """Read ``manifest`` and gzip it when it is large and not compressed yet.

    Raises ``OSError`` for an unreadable path and ``TypeError`` for an unsupported value.
    """
    if isinstance(manifest, Mapping):
        raw = json.dumps(manifest, separators=(",", ":")).encode()
    elif isinstance(manifest, bytes | bytearray):
        raw = bytes(manifest)
    elif isinstance(manifest, str | os.PathLike):
        raw = Path(manifest).read_bytes()
    else:
        raise TypeError(f"manifest must be bytes, a path or a mapping, not {type(manifest).__name__}")
    if raw.startswith(GZIP_MAGIC):
        return EncodedManifest(raw, "application/gzip")
    if len(raw) > gzip_threshold:
        return EncodedManifest(gzip.compress(raw, compresslevel=6), "application/gzip")
    return EncodedManifest(raw, "application/json")


def _upload(
    path: str,
    manifest: ManifestSource,
    params: dict[str, b.QueryValue],
    model: type[b.M],
    *,
    idempotent: bool,
    progress: b.ProgressCallback | None,
    timeout: float,
) -> b.Call[b.M]:
    encoded = encode_manifest(manifest)
    return b.Call(
        "POST",
        path,
        b.parse_model(model),
        params=params,
        content=encoded.body,
        headers={"Content-Type": encoded.content_type},
        idempotent=idempotent,
        progress=progress,
        timeout=timeout,
    )


def _sync(
    manifest: ManifestSource,
    owner_team_id: b.Id | None,
    environment: str,
    include_packages: bool,
    progress: b.ProgressCallback | None,
    timeout: float,
) -> b.Call[SyncResult]:
    params: dict[str, b.QueryValue] = {
        "owner_team_id": owner_team_id,
        "environment": environment,
        "include_packages": include_packages,
    }
    return _upload(
        "/sync/dbt", manifest, params, SyncResult, idempotent=False, progress=progress, timeout=timeout
    )


def _impact(
    manifest: ManifestSource,
    environment: str,
    include_packages: bool,
    source_ref: str | None,
    progress: b.ProgressCallback | None,
    timeout: float,
) -> b.Call[DbtImpactResult]:
    params: dict[str, b.QueryValue] = {
        "environment": environment,
        "include_packages": include_packages,
        "source_ref": source_ref,
    }
    # The impact check writes nothing: retry it like a GET.
    return _upload(
        "/sync/dbt/impact",
        manifest,
        params,
        DbtImpactResult,
        idempotent=True,
        progress=progress,
        timeout=timeout,
    )


def _propose(
    manifest: ManifestSource,
    source_ref: str,
    owner_team_id: b.Id | None,
    environment: str,
    include_packages: bool,
    progress: b.ProgressCallback | None,
    timeout: float,
) -> b.Call[DbtImpactResult]:
    params: dict[str, b.QueryValue] = {
        "owner_team_id": owner_team_id,
        "environment": environment,
        "include_packages": include_packages,
        "source_ref": source_ref,
    }
    return _upload(
        "/sync/dbt/propose",
        manifest,
        params,
        DbtImpactResult,
        idempotent=False,
        progress=progress,
        timeout=timeout,
    )


class Dbt(SyncResource):
    """Send a dbt ``manifest.json`` to Tessera.

    * ``sync``: after merge, create/update assets and publish compatible changes; breaking changes open
      proposals; contracts covered by approved pull-request proposals are published.
    * ``impact``: in CI, what the manifest would break, per model (writes nothing).
    * ``propose``: in CI, open proposals for the breaking changes now, so consumers answer before merge.
    """

    def sync(
        self,
        manifest: ManifestSource,
        *,
        owner_team_id: b.Id | None = None,
        environment: str = "production",
        include_packages: bool = False,
        progress: b.ProgressCallback | None = None,
        timeout: float = DBT_TIMEOUT,
    ) -> SyncResult:
        """Sync a manifest (write scope)."""
        return self._x.run(_sync(manifest, owner_team_id, environment, include_packages, progress, timeout))

    def impact(
        self,
        manifest: ManifestSource,
        *,
        environment: str = "production",
        include_packages: bool = False,
        source_ref: str | None = None,
        progress: b.ProgressCallback | None = None,
        timeout: float = DBT_TIMEOUT,
    ) -> DbtImpactResult:
        """What the manifest's changes break; ``verdict`` is "fail" when a breaking change is unanswered."""
        return self._x.run(_impact(manifest, environment, include_packages, source_ref, progress, timeout))

    def propose(
        self,
        manifest: ManifestSource,
        *,
        source_ref: str,
        owner_team_id: b.Id | None = None,
        environment: str = "production",
        include_packages: bool = False,
        progress: b.ProgressCallback | None = None,
        timeout: float = DBT_TIMEOUT,
    ) -> DbtImpactResult:
        """Open (or replace, for the same ``source_ref``) pull-request proposals; nothing is published."""
        call = _propose(manifest, source_ref, owner_team_id, environment, include_packages, progress, timeout)
        return self._x.run(call)


class AsyncDbt(AsyncResource):
    """Send a dbt ``manifest.json`` to Tessera (see :class:`Dbt`)."""

    async def sync(
        self,
        manifest: ManifestSource,
        *,
        owner_team_id: b.Id | None = None,
        environment: str = "production",
        include_packages: bool = False,
        progress: b.ProgressCallback | None = None,
        timeout: float = DBT_TIMEOUT,  # noqa: ASYNC109 - per-request HTTP timeout
    ) -> SyncResult:
        """Sync a manifest (write scope)."""
        return await self._x.run(
            _sync(manifest, owner_team_id, environment, include_packages, progress, timeout)
        )

    async def impact(
        self,
        manifest: ManifestSource,
        *,
        environment: str = "production",
        include_packages: bool = False,
        source_ref: str | None = None,
        progress: b.ProgressCallback | None = None,
        timeout: float = DBT_TIMEOUT,  # noqa: ASYNC109
    ) -> DbtImpactResult:
        """What the manifest's changes break; ``verdict`` is "fail" when a breaking change is unanswered."""
        return await self._x.run(
            _impact(manifest, environment, include_packages, source_ref, progress, timeout)
        )

    async def propose(
        self,
        manifest: ManifestSource,
        *,
        source_ref: str,
        owner_team_id: b.Id | None = None,
        environment: str = "production",
        include_packages: bool = False,
        progress: b.ProgressCallback | None = None,
        timeout: float = DBT_TIMEOUT,  # noqa: ASYNC109
    ) -> DbtImpactResult:
        """Open (or replace, for the same ``source_ref``) pull-request proposals; nothing is published."""
        call = _propose(manifest, source_ref, owner_team_id, environment, include_packages, progress, timeout)
        return await self._x.run(call)
