"""Writing a new contract version (and retiring an asset): the last step of every publish path."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.audit.service import record
from tessera.auth.principal import Principal
from tessera.contracts import repository
from tessera.contracts.evaluation import Evaluated
from tessera.db.base import utcnow
from tessera.db.models import Asset, Contract, Proposal
from tessera.enums import ContractStatus, ProposalStatus
from tessera.errors import Conflict
from tessera.notifications.payloads import (
    ContractDeprecated,
    ContractPublished,
    ContractRef,
    PublishedContract,
)
from tessera.outbox import payloads
from tessera.outbox.service import emit
from tessera.registrations import repository as registrations_repo

#: ``session.info`` key: the ids of assets created in this transaction (see :func:`mark_new_asset`).
NEW_ASSETS = "tessera.new_assets"


def mark_new_asset(session: AsyncSession, asset_id: uuid.UUID) -> None:
    """Note that ``asset_id`` was created in this transaction: nobody can be registered on it yet, so its
    first publish skips the registrations query (thousands of them in a big first sync)."""
    session.info.setdefault(NEW_ASSETS, set()).add(asset_id)


async def publish_version(
    session: AsyncSession,
    principal: Principal,
    asset: Asset,
    active: Contract | None,
    ev: Evaluated,
    version: str,
    *,
    proposal_id: uuid.UUID | None = None,
    forced_reason: str | None = None,
) -> Contract:
    """Deprecate the active contract and write ``version`` as the new active one, with audit and events."""
    # A first version cannot collide; later ones are checked (the unique constraint is the backstop).
    if active is not None and await repository.by_version(session, asset.id, version) is not None:
        raise Conflict(
            f"Version {version} of '{asset.fqn}' already exists; choose a higher version.",
            code="version_exists",
        )
    now = utcnow()
    if active is not None:
        active.status = ContractStatus.DEPRECATED
        active.deprecated_at = now
        # Flush the deprecation first: the partial unique index allows one active contract per asset.
        await session.flush()
    bump = ev.evaluation.suggested_bump.value if ev.evaluation else "major"
    contract = Contract(
        id=uuid.uuid4(),
        asset_id=asset.id,
        version=version,
        status=ContractStatus.ACTIVE,
        schema_def=ev.schema,
        schema_fingerprint=ev.schema_fp,
        guarantees=ev.guarantees,
        guarantees_fingerprint=ev.guarantees_fp,
        content_hash=ev.content_hash,
        changes=ev.changes + [dict(g, category="guarantee") for g in ev.guarantee_changes],
        bump=bump,
        forced=forced_reason is not None,
        force_reason=forced_reason,
        proposal_id=proposal_id,
        published_by_team_id=principal.team_id or asset.owner_team_id,
        published_by_user_id=principal.user_id,
        published_at=now,
    )
    session.add(contract)
    details: dict[str, Any] = {
        "asset_id": str(asset.id),
        "version": version,
        "previous_version": active.version if active else None,
        "bump": bump,
        "breaking_changes": len(ev.breaking),
    }
    if forced_reason is not None:
        details["forced"] = True
        details["reason"] = forced_reason
    await record(
        session,
        principal,
        "contract.force_published" if forced_reason is not None else "contract.published",
        "contract",
        contract.id,
        details,
    )
    # Consumers hear about new versions of what they read. An asset created in this same transaction (a
    # sync's new nodes) cannot have any yet; an older asset without a contract may (a team registered
    # before the first publish), and its declared columns are checked against this first version too.
    brand_new = asset.id in session.info.get(NEW_ASSETS, ())
    regs = [] if brand_new else await registrations_repo.for_asset(session, asset.id)
    consumers = [r.consumer_team_id for r in regs]
    await _flag_missing_columns(session, principal, asset, contract, regs)
    teams = await payloads.team_refs(session, [asset.owner_team_id, *consumers])
    asset_ref = payloads.asset_ref(asset, teams)
    links = payloads.links(asset)
    await emit(
        session,
        ContractPublished(
            asset=asset_ref,
            contract=PublishedContract(
                id=contract.id,
                version=version,
                bump=bump,
                forced=forced_reason is not None,
                proposal_id=proposal_id,
            ),
            previous_version=active.version if active else None,
            links=links,
            changes=payloads.changes(contract.changes),
            consumer_teams=[teams[t] for t in dict.fromkeys(consumers)],
        ),
    )
    if active is not None:
        await emit(
            session,
            ContractDeprecated(
                asset=asset_ref,
                contract=ContractRef(id=active.id, version=active.version),
                superseded_by=version,
                links=links,
            ),
        )
    return contract


def missing_columns(declared: list[Any], schema: Any) -> list[str]:
    """The declared columns a contract schema does not have (none when it names no top-level columns)."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not declared or not isinstance(properties, dict):
        return []
    known = {str(name).lower() for name in properties}
    return sorted({str(c).lower() for c in declared} - known)


async def _flag_missing_columns(
    session: AsyncSession, principal: Principal, asset: Asset, contract: Contract, regs: list[Any]
) -> None:
    """Keep each registration's declared columns true to the new contract: flag the ones it dropped.

    The registration keeps what the team declared (a renamed column may come back, or the team updates
    its columns); ``missing_columns`` says which are gone, and an audit event on the asset tells the team.
    """
    for reg in regs:
        missing = missing_columns(list(reg.columns or []), contract.schema_def)
        if missing == list(reg.missing_columns or []):
            continue
        newly = sorted(set(missing) - set(reg.missing_columns or []))
        reg.missing_columns = missing
        if newly:
            await record(
                session,
                principal,
                "registration.columns_missing",
                "registration",
                reg.id,
                {
                    "asset_id": str(asset.id),
                    "team_id": str(reg.consumer_team_id),
                    "version": contract.version,
                    "missing": newly,
                },
                asset_id=asset.id,
            )


async def retire_asset(
    session: AsyncSession, principal: Principal, asset: Asset, proposal: Proposal | None
) -> None:
    """Soft-delete an asset whose removal went through, deprecating its active contract."""
    active = await repository.active_for(session, asset.id)
    now = utcnow()
    if active is not None:
        active.status = ContractStatus.DEPRECATED
        active.deprecated_at = now
        teams = await payloads.team_refs(session, [asset.owner_team_id])
        await emit(
            session,
            ContractDeprecated(
                asset=payloads.asset_ref(asset, teams),
                contract=ContractRef(id=active.id, version=active.version),
                superseded_by=None,
                links=payloads.links(asset),
            ),
        )
    asset.deleted_at = now
    if proposal is not None:
        proposal.status = ProposalStatus.PUBLISHED
    await session.flush()
    await record(
        session,
        principal,
        "asset.removed",
        "asset",
        asset.id,
        {"proposal_id": str(proposal.id) if proposal else None},
    )
