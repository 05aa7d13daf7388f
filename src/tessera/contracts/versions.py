"""Writing a new contract version (and retiring an asset): the last step of every publish path."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.audit.service import record
from tessera.auth.principal import Principal
from tessera.contracts import repository
from tessera.contracts.evaluation import Evaluated
from tessera.db.base import utcnow
from tessera.db.models import Asset, Contract, Proposal, Registration
from tessera.enums import ContractStatus, ProposalStatus
from tessera.errors import Conflict
from tessera.notifications.payloads import (
    ContractDeprecated,
    ContractPublished,
    ContractRef,
    PublishedContract,
    TeamRef,
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


@dataclass(frozen=True, slots=True)
class FirstVersion:
    """The first contract of an asset that has none: its evaluated request and version."""

    asset: Asset
    ev: Evaluated
    version: str
    proposal_id: uuid.UUID | None = None
    forced_reason: str | None = None


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
    if active is None:
        first = FirstVersion(asset, ev, version, proposal_id, forced_reason)
        (contract_id,) = await publish_first_versions(session, principal, [first])
        written = await repository.get(session, contract_id)
        assert written is not None
        return written
    # Later versions are checked (the unique constraint is the backstop).
    if await repository.by_version(session, asset.id, version) is not None:
        raise Conflict(
            f"Version {version} of '{asset.fqn}' already exists; choose a higher version.",
            code="version_exists",
        )
    now = utcnow()
    active.status = ContractStatus.DEPRECATED
    active.deprecated_at = now
    # Flush the deprecation first: the partial unique index allows one active contract per asset.
    await session.flush()
    contract = Contract(**_contract_fields(principal, asset, ev, version, proposal_id, forced_reason, now))
    session.add(contract)
    await _record_published(session, principal, contract.id, asset, active, ev, version, forced_reason)
    regs = await registrations_repo.for_asset(session, asset.id)
    await _flag_missing_columns(session, principal, asset, version, contract.schema_def, regs)
    teams = await payloads.team_refs(session, [asset.owner_team_id, *(r.consumer_team_id for r in regs)])
    event = _published_event(
        asset,
        teams,
        regs,
        active,
        contract.id,
        contract.changes,
        version,
        contract.bump,
        forced_reason,
        proposal_id,
    )
    await emit(session, event)
    await emit(session, _deprecated_event(asset, teams, active, superseded_by=version))
    return contract


async def publish_first_versions(
    session: AsyncSession, principal: Principal, firsts: Sequence[FirstVersion]
) -> list[uuid.UUID]:
    """Write the first contract of each asset (none has one yet), with the audit and outbox events of
    :func:`publish_version`; returns the new contracts' ids, in order.

    The contracts go in as plain rows in one multi-row INSERT (a big first sync publishes thousands, and
    each ORM object cost more than its row). A first version cannot collide with an earlier one.
    """
    now = utcnow()
    # Consumers hear about new versions of what they read. An asset created in this same transaction (a
    # sync's new nodes) cannot have any yet; an older asset without a contract may (a team registered
    # before the first publish), and its declared columns are checked against this first version too.
    brand_new = session.info.get(NEW_ASSETS, ())
    older = [f.asset.id for f in firsts if f.asset.id not in brand_new]
    regs = await registrations_repo.for_assets(session, older) if older else {}
    teams = await payloads.team_refs(
        session,
        [
            *(f.asset.owner_team_id for f in firsts),
            *(r.consumer_team_id for found in regs.values() for r in found),
        ],
    )
    rows: list[dict[str, Any]] = []
    for first in firsts:
        asset, ev, version = first.asset, first.ev, first.version
        row = _contract_fields(principal, asset, ev, version, first.proposal_id, first.forced_reason, now)
        rows.append(row)
        await _record_published(session, principal, row["id"], asset, None, ev, version, first.forced_reason)
        asset_regs = regs.get(asset.id, [])
        await _flag_missing_columns(session, principal, asset, version, row["schema_def"], asset_regs)
        event = _published_event(
            asset,
            teams,
            asset_regs,
            None,
            row["id"],
            row["changes"],
            version,
            row["bump"],
            first.forced_reason,
            first.proposal_id,
        )
        await emit(session, event)
    await repository.insert_rows(session, rows)
    return [row["id"] for row in rows]


def _contract_fields(
    principal: Principal,
    asset: Asset,
    ev: Evaluated,
    version: str,
    proposal_id: uuid.UUID | None,
    forced_reason: str | None,
    now: datetime,
) -> dict[str, Any]:
    """The new active contract's columns (attribute names)."""
    return {
        "id": uuid.uuid4(),
        "asset_id": asset.id,
        "version": version,
        "status": ContractStatus.ACTIVE,
        "schema_def": ev.schema,
        "schema_fingerprint": ev.schema_fp,
        "guarantees": ev.guarantees,
        "guarantees_fingerprint": ev.guarantees_fp,
        "content_hash": ev.content_hash,
        "changes": ev.changes + [dict(g, category="guarantee") for g in ev.guarantee_changes],
        "bump": _bump(ev),
        "forced": forced_reason is not None,
        "force_reason": forced_reason,
        "proposal_id": proposal_id,
        "published_by_team_id": principal.team_id or asset.owner_team_id,
        "published_by_user_id": principal.user_id,
        "published_at": now,
        "deprecated_at": None,
    }


def _bump(ev: Evaluated) -> str:
    return ev.evaluation.suggested_bump.value if ev.evaluation else "major"


async def _record_published(
    session: AsyncSession,
    principal: Principal,
    contract_id: uuid.UUID,
    asset: Asset,
    active: Contract | None,
    ev: Evaluated,
    version: str,
    forced_reason: str | None,
) -> None:
    details: dict[str, Any] = {
        "asset_id": str(asset.id),
        "version": version,
        "previous_version": active.version if active else None,
        "bump": _bump(ev),
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
        contract_id,
        details,
    )


def _deprecated_event(
    asset: Asset, teams: Mapping[uuid.UUID, TeamRef], active: Contract, *, superseded_by: str | None
) -> ContractDeprecated:
    """The event for ``active`` leaving service: replaced by ``superseded_by``, or the asset retired."""
    return ContractDeprecated(
        asset=payloads.asset_ref(asset, teams),
        contract=ContractRef(id=active.id, version=active.version),
        superseded_by=superseded_by,
        links=payloads.links(asset),
    )


def _published_event(
    asset: Asset,
    teams: Mapping[uuid.UUID, TeamRef],
    regs: Sequence[Registration],
    active: Contract | None,
    contract_id: uuid.UUID,
    changes: list[dict[str, Any]],
    version: str,
    bump: str,
    forced_reason: str | None,
    proposal_id: uuid.UUID | None,
) -> ContractPublished:
    consumers = dict.fromkeys(r.consumer_team_id for r in regs)
    return ContractPublished(
        asset=payloads.asset_ref(asset, teams),
        contract=PublishedContract(
            id=contract_id,
            version=version,
            bump=bump,
            forced=forced_reason is not None,
            proposal_id=proposal_id,
        ),
        previous_version=active.version if active else None,
        links=payloads.links(asset),
        changes=payloads.changes(changes),
        consumer_teams=[teams[t] for t in consumers],
    )


def missing_columns(declared: list[Any], schema: Any) -> list[str]:
    """The declared columns a contract schema does not have (none when it names no top-level columns)."""
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not declared or not isinstance(properties, dict):
        return []
    known = {str(name).lower() for name in properties}
    return sorted({str(c).lower() for c in declared} - known)


async def _flag_missing_columns(
    session: AsyncSession,
    principal: Principal,
    asset: Asset,
    version: str,
    schema: dict[str, Any],
    regs: Sequence[Registration],
) -> None:
    """Keep each registration's declared columns true to the new contract: flag the ones it dropped.

    The registration keeps what the team declared (a renamed column may come back, or the team updates
    its columns); ``missing_columns`` says which are gone, and an audit event on the asset tells the team.
    """
    for reg in regs:
        missing = missing_columns(list(reg.columns or []), schema)
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
                    "version": version,
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
        await emit(session, _deprecated_event(asset, teams, active, superseded_by=None))
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
