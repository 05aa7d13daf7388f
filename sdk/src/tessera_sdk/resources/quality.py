"""Data-quality results from the tools teams already run: ``client.quality``.

* ``dbt_results``: a ``dbt build`` / ``dbt test`` ``run_results.json`` with the project's ``manifest.json``;
* ``dbt_freshness``: a ``dbt source freshness`` ``sources.json`` with the ``manifest.json``;
* ``gx_results``: a Great Expectations validation result (its JSON) for one asset;
* ``guarantees``: where each checked guarantee of an asset stands.

Artifacts are read from a path, bytes (JSON or gzip) or a parsed JSON object; a large manifest is
gzipped before upload. Uploading the same invocation again records nothing new.
"""

from __future__ import annotations

import httpx

from tessera_sdk import _base as b
from tessera_sdk.models import AssetGuarantees, ResultsIngest
from tessera_sdk.resources._resource import AsyncResource, SyncResource
from tessera_sdk.resources.dbt import DBT_TIMEOUT, ManifestSource, encode_manifest


def _multipart(**files: ManifestSource) -> tuple[bytes, str]:
    """A multipart/form-data body with one file per artifact, and its content type."""
    parts = {name: (f"{name}.json", encode_manifest(value).body) for name, value in files.items()}
    request = httpx.Request("POST", "http://upload.invalid/", files=parts)
    return request.read(), request.headers["Content-Type"]


def _upload(path: str, environment: str, timeout: float, **files: ManifestSource) -> b.Call[ResultsIngest]:
    body, content_type = _multipart(**files)
    return b.Call(
        "POST",
        path,
        b.parse_model(ResultsIngest),
        params={"environment": environment},
        content=body,
        headers={"Content-Type": content_type},
        # The same invocation is recorded once: a retried upload cannot record it twice.
        idempotent=True,
        timeout=timeout,
    )


def _gx(result: ManifestSource, asset_fqn: str, environment: str, timeout: float) -> b.Call[ResultsIngest]:
    encoded = encode_manifest(result)
    return b.Call(
        "POST",
        "/quality/great-expectations/results",
        b.parse_model(ResultsIngest),
        params={"asset_fqn": asset_fqn, "environment": environment},
        content=encoded.body,
        headers={"Content-Type": encoded.content_type},
        idempotent=True,
        timeout=timeout,
    )


def _guarantees(asset_id: b.Id) -> b.Call[AssetGuarantees]:
    return b.Call("GET", f"/assets/{asset_id}/guarantees", b.parse_model(AssetGuarantees))


class Quality(SyncResource):
    """Record data-quality results and read guarantee health (see the module docstring)."""

    def dbt_results(
        self,
        run_results: ManifestSource,
        manifest: ManifestSource,
        *,
        environment: str = "production",
        timeout: float = DBT_TIMEOUT,
    ) -> ResultsIngest:
        """Record a run_results.json (write scope, owner of the assets)."""
        call = _upload(
            "/quality/dbt/run-results", environment, timeout, run_results=run_results, manifest=manifest
        )
        return self._x.run(call)

    def dbt_freshness(
        self,
        sources: ManifestSource,
        manifest: ManifestSource,
        *,
        environment: str = "production",
        timeout: float = DBT_TIMEOUT,
    ) -> ResultsIngest:
        """Record a sources.json from ``dbt source freshness``."""
        return self._x.run(
            _upload("/quality/dbt/freshness", environment, timeout, sources=sources, manifest=manifest)
        )

    def gx_results(
        self,
        result: ManifestSource,
        *,
        asset_fqn: str,
        environment: str = "production",
        timeout: float = DBT_TIMEOUT,
    ) -> ResultsIngest:
        """Record a Great Expectations validation result as a run of ``asset_fqn``."""
        return self._x.run(_gx(result, asset_fqn, environment, timeout))

    def guarantees(self, asset_id: b.Id) -> AssetGuarantees:
        """Each checked guarantee of an asset: status, since when, last runs, reliability."""
        return self._x.run(_guarantees(asset_id))


class AsyncQuality(AsyncResource):
    """Record data-quality results and read guarantee health (see :class:`Quality`)."""

    async def dbt_results(
        self,
        run_results: ManifestSource,
        manifest: ManifestSource,
        *,
        environment: str = "production",
        timeout: float = DBT_TIMEOUT,  # noqa: ASYNC109 - per-request HTTP timeout
    ) -> ResultsIngest:
        """Record a run_results.json (write scope, owner of the assets)."""
        call = _upload(
            "/quality/dbt/run-results", environment, timeout, run_results=run_results, manifest=manifest
        )
        return await self._x.run(call)

    async def dbt_freshness(
        self,
        sources: ManifestSource,
        manifest: ManifestSource,
        *,
        environment: str = "production",
        timeout: float = DBT_TIMEOUT,  # noqa: ASYNC109
    ) -> ResultsIngest:
        """Record a sources.json from ``dbt source freshness``."""
        call = _upload("/quality/dbt/freshness", environment, timeout, sources=sources, manifest=manifest)
        return await self._x.run(call)

    async def gx_results(
        self,
        result: ManifestSource,
        *,
        asset_fqn: str,
        environment: str = "production",
        timeout: float = DBT_TIMEOUT,  # noqa: ASYNC109
    ) -> ResultsIngest:
        """Record a Great Expectations validation result as a run of ``asset_fqn``."""
        return await self._x.run(_gx(result, asset_fqn, environment, timeout))

    async def guarantees(self, asset_id: b.Id) -> AssetGuarantees:
        """Each checked guarantee of an asset: status, since when, last runs, reliability."""
        return await self._x.run(_guarantees(asset_id))
