"""Contracts: publish, list, read, diff and change guarantees: ``client.contracts``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import datetime

from tessera_sdk import _base as b
from tessera_sdk.models import Contract, ContractDiff, Page, PublishResult
from tessera_sdk.resources._resource import DEFAULT_PAGE_SIZE, AsyncResource, SyncResource


def _publish(
    asset_id: b.Id, schema: Mapping[str, object], fields: dict[str, object]
) -> b.Call[PublishResult]:
    body = b.without_none(schema=dict(schema), **fields)
    if body.get("force") is False:
        del body["force"]
    return b.send_json("POST", f"/assets/{b.path_id(asset_id)}/contracts", PublishResult, body)


def _list(asset_id: b.Id, limit: int, offset: int) -> b.Call[Page[Contract]]:
    return b.get_page(f"/assets/{b.path_id(asset_id)}/contracts", Contract, None, limit, offset)


def _diff(asset_id: b.Id, from_version: str, to_version: str) -> b.Call[ContractDiff]:
    params = {"from_version": from_version, "to_version": to_version}
    return b.get(f"/assets/{b.path_id(asset_id)}/contracts/diff", ContractDiff, params)


def _patch(
    contract_id: b.Id, guarantees: Mapping[str, object], fields: dict[str, object]
) -> b.Call[PublishResult]:
    body = b.without_none(guarantees=dict(guarantees), **fields)
    if body.get("force") is False:
        del body["force"]
    return b.send_json("PATCH", f"/contracts/{b.path_id(contract_id)}/guarantees", PublishResult, body)


class Contracts(SyncResource):
    """Versioned contracts of an asset.

    ``publish`` answers with a :class:`PublishResult` whose ``outcome`` is ``published`` (new version),
    ``proposed`` (breaking: a proposal was opened for the consumers) or ``unchanged``.
    """

    def publish(
        self,
        asset_id: b.Id,
        schema: Mapping[str, object],
        *,
        guarantees: Mapping[str, object] | None = None,
        version: str | None = None,
        force: bool = False,
        reason: str | None = None,
        expires_at: datetime | None = None,
        source_ref: str | None = None,
    ) -> PublishResult:
        """Publish a JSON Schema (and guarantees) as the asset's next contract version."""
        fields: dict[str, object] = {
            "guarantees": dict(guarantees) if guarantees is not None else None,
            "version": version,
            "force": force,
            "reason": reason,
            "expires_at": expires_at,
            "source_ref": source_ref,
        }
        return self._x.run(_publish(asset_id, schema, fields))

    def list(self, asset_id: b.Id, *, limit: int = 50, offset: int = 0) -> Page[Contract]:
        """One page of an asset's contract versions, newest first."""
        return self._x.run(_list(asset_id, limit, offset))

    def iter_all(self, asset_id: b.Id, *, page_size: int = DEFAULT_PAGE_SIZE) -> Iterator[Contract]:
        """Every contract version of an asset, newest first."""
        return self._x.paginate(lambda lim, off: _list(asset_id, lim, off), page_size)

    def get(self, contract_id: b.Id) -> Contract:
        """One contract version by id."""
        return self._x.run(b.get(f"/contracts/{b.path_id(contract_id)}", Contract))

    def diff(self, asset_id: b.Id, from_version: str, to_version: str) -> ContractDiff:
        """What changed between two published versions of an asset."""
        return self._x.run(_diff(asset_id, from_version, to_version))

    def patch_guarantees(
        self,
        contract_id: b.Id,
        guarantees: Mapping[str, object],
        *,
        version: str | None = None,
        force: bool = False,
        reason: str | None = None,
        expires_at: datetime | None = None,
    ) -> PublishResult:
        """Change the guarantees of the active contract, through the same rules as a publish."""
        fields: dict[str, object] = {
            "version": version,
            "force": force,
            "reason": reason,
            "expires_at": expires_at,
        }
        return self._x.run(_patch(contract_id, guarantees, fields))


class AsyncContracts(AsyncResource):
    """Versioned contracts of an asset (see :class:`Contracts`)."""

    async def publish(
        self,
        asset_id: b.Id,
        schema: Mapping[str, object],
        *,
        guarantees: Mapping[str, object] | None = None,
        version: str | None = None,
        force: bool = False,
        reason: str | None = None,
        expires_at: datetime | None = None,
        source_ref: str | None = None,
    ) -> PublishResult:
        """Publish a JSON Schema (and guarantees) as the asset's next contract version."""
        fields: dict[str, object] = {
            "guarantees": dict(guarantees) if guarantees is not None else None,
            "version": version,
            "force": force,
            "reason": reason,
            "expires_at": expires_at,
            "source_ref": source_ref,
        }
        return await self._x.run(_publish(asset_id, schema, fields))

    async def list(self, asset_id: b.Id, *, limit: int = 50, offset: int = 0) -> Page[Contract]:
        """One page of an asset's contract versions, newest first."""
        return await self._x.run(_list(asset_id, limit, offset))

    def iter_all(self, asset_id: b.Id, *, page_size: int = DEFAULT_PAGE_SIZE) -> AsyncIterator[Contract]:
        """Every contract version of an asset, newest first."""
        return self._x.paginate(lambda lim, off: _list(asset_id, lim, off), page_size)

    async def get(self, contract_id: b.Id) -> Contract:
        """One contract version by id."""
        return await self._x.run(b.get(f"/contracts/{b.path_id(contract_id)}", Contract))

    async def diff(self, asset_id: b.Id, from_version: str, to_version: str) -> ContractDiff:
        """What changed between two published versions of an asset."""
        return await self._x.run(_diff(asset_id, from_version, to_version))

    async def patch_guarantees(
        self,
        contract_id: b.Id,
        guarantees: Mapping[str, object],
        *,
        version: str | None = None,
        force: bool = False,
        reason: str | None = None,
        expires_at: datetime | None = None,
    ) -> PublishResult:
        """Change the guarantees of the active contract, through the same rules as a publish."""
        fields: dict[str, object] = {
            "version": version,
            "force": force,
            "reason": reason,
            "expires_at": expires_at,
        }
        return await self._x.run(_patch(contract_id, guarantees, fields))
