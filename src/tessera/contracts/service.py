"""Contract reads, version diffs and the guarantees patch (which goes through the publishing service)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets.service import require_asset
from tessera.auth.principal import Principal
from tessera.contracts import repository
from tessera.contracts.evaluation import parse_guarantees
from tessera.contracts.publishing import PublishCommand, PublishOutput, publish
from tessera.contracts.schemas import ContractDiff, ContractRead, GuaranteesPatch, PublishResult
from tessera.core import check_compatibility, diff_guarantees
from tessera.db.models import Asset, Contract
from tessera.enums import ContractStatus
from tessera.errors import Conflict, NotFound, not_found
from tessera.perf import paused_gc
from tessera.proposals.service import to_read as proposals_to_read


async def require_contract(session: AsyncSession, contract_id: uuid.UUID) -> Contract:
    """A contract or ``contract_not_found``."""
    contract = await repository.get(session, contract_id)
    if contract is None:
        raise not_found("contract", contract_id)
    return contract


async def to_result(session: AsyncSession, out: PublishOutput) -> PublishResult:
    """The API view of a publish decision."""
    return PublishResult(
        outcome=out.outcome,
        message=out.message,
        contract=ContractRead.model_validate(out.contract) if out.contract else None,
        proposal=(await proposals_to_read(session, [out.proposal]))[0] if out.proposal else None,
        suggested_version=out.suggested_version,
        changes=out.changes,
        breaking_changes=out.breaking_changes,
        guarantee_changes=out.guarantee_changes,
    )


async def patch_guarantees(
    session: AsyncSession,
    principal: Principal,
    contract_id: uuid.UUID,
    data: GuaranteesPatch,
) -> PublishOutput:
    """New guarantees on the active contract's schema, decided by the same publishing rules."""
    contract = await require_contract(session, contract_id)
    if contract.status is not ContractStatus.ACTIVE:
        raise Conflict(
            f"Contract {contract.version} is not the active version; patch the active contract instead.",
            code="contract_not_active",
        )
    cmd = PublishCommand(
        schema=contract.schema_def,
        guarantees=data.guarantees,
        version=data.version,
        force=data.force,
        reason=data.reason,
        expires_at=data.expires_at,
    )
    return await publish(session, principal, contract.asset_id, cmd)


async def diff_versions(
    session: AsyncSession, asset_id: uuid.UUID, from_version: str, to_version: str
) -> ContractDiff:
    """What changed from ``from_version`` to ``to_version`` (either may be the newer one), under the
    asset's current modes: schema changes judged by its compatibility mode, guarantee changes flagged
    ``blocks`` by its guarantee mode."""
    asset = await require_asset(session, asset_id)
    old = await repository.by_version(session, asset.id, from_version)
    new = await repository.by_version(session, asset.id, to_version)
    for version, contract in ((from_version, old), (to_version, new)):
        if contract is None:
            raise NotFound(
                f"'{asset.fqn}' has no contract version {version!r}; pick one of its published versions.",
                code="contract_version_not_found",
            )
    assert old is not None and new is not None
    # CPU work on wide schemas (the diff, then thousands of change records): in a thread, so the event
    # loop keeps answering meanwhile.
    return await asyncio.to_thread(_diff, asset, old, new, (from_version, to_version))


def _diff(asset: Asset, old: Contract, new: Contract, versions: tuple[str, str]) -> ContractDiff:
    # A full collection over a wide diff's objects holds every thread (the event loop's too) for 0.5 s.
    with paused_gc():
        return _diff_paused(asset, old, new, versions)


def _diff_paused(asset: Asset, old: Contract, new: Contract, versions: tuple[str, str]) -> ContractDiff:
    mode = asset.compatibility_mode
    report = check_compatibility(new.schema_def, [old.schema_def], mode)
    g_changes: list[dict[str, Any]] = [
        g.to_dict(asset.guarantee_mode)
        for g in diff_guarantees(parse_guarantees(old.guarantees), parse_guarantees(new.guarantees))
    ]
    return ContractDiff(
        asset_id=asset.id,
        from_version=versions[0],
        to_version=versions[1],
        compatibility_mode=mode.value,
        compatible=report.compatible,
        suggested_bump=report.suggested_bump.value,
        changes=[c.to_dict(mode) for c in report.changes],
        breaking_changes=[c.to_dict(mode) for c in report.breaking_changes],
        guarantee_changes=g_changes,
    )
