"""The one publishing service: every caller (API publish, guarantees patch, approval, dbt sync) goes here.

For a request to publish a contract on an asset it decides, under the asset's own modes:

1. no contract yet            -> publish (1.0.0 unless a version is given);
2. nothing changed            -> ``unchanged`` (idempotent: no version, no audit, no event);
3. compatible change          -> publish, deprecate the previous active contract;
4. breaking change            -> open a proposal (nothing is published) that waits for the consumer
                                 teams reading an affected column (tessera.impact.gating); with no
                                 such team it publishes at once and the others are informed; unless
5. ``force`` (admin scope, reason required) -> publish anyway, audit-logged.

Everything happens in the caller's transaction with the asset row locked, so the new contract, the
deprecation, the audit event and the outbox events commit together or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets import repository as assets_repo
from tessera.auth.principal import Principal
from tessera.contracts import repository
from tessera.contracts.evaluation import Evaluated, PublishCommand, check_version, evaluate
from tessera.contracts.versions import FirstVersion, publish_first_versions, publish_version
from tessera.core import Bump
from tessera.core.guarantee_health import broken_now
from tessera.db.base import utcnow
from tessera.db.models import Asset, Contract, Proposal
from tessera.enums import ProposalStatus, PublishOutcome, QualityStatus
from tessera.errors import Forbidden, PreconditionFailed, ValidationFailed, not_found
from tessera.proposals.lifecycle import open_proposal
from tessera.quality import repository as quality_repo

__all__ = [
    "PublishCommand",
    "PublishOutput",
    "apply_decision",
    "authorize_publish",
    "check_quality_gate",
    "first_version",
    "publish",
    "publish_first_contracts",
]


@dataclass(slots=True)
class PublishOutput:
    """The decision and what it produced."""

    outcome: PublishOutcome
    message: str
    contract: Contract | None = None
    proposal: Proposal | None = None
    suggested_version: str | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)
    breaking_changes: list[dict[str, Any]] = field(default_factory=list)
    guarantee_changes: list[dict[str, Any]] = field(default_factory=list)
    contract_id: uuid.UUID | None = None
    """The contract published (``contract`` may be left unloaded by a bulk publish)."""
    version: str | None = None
    """The version published."""


def authorize_publish(principal: Principal, asset: Asset, cmd: PublishCommand) -> None:
    """Only the owner team (or an admin) publishes; ``force`` needs admin scope and a reason."""
    if not principal.acts_for(asset.owner_team_id):
        raise Forbidden(
            f"Only the owner team of '{asset.fqn}' (or an admin) may publish to it.", code="not_asset_owner"
        )
    if cmd.force:
        if not principal.is_admin:
            raise Forbidden("force needs an API key with the 'admin' scope.", code="admin_required")
        if not (cmd.reason and cmd.reason.strip()):
            raise ValidationFailed(
                "force needs a reason (it is written to the audit log).", code="reason_required"
            )


async def check_quality_gate(session: AsyncSession, asset: Asset) -> None:
    """Write-audit-publish: an asset may require that its latest data-quality run passed and that none of
    its checked guarantees is failing now (412 otherwise).

    The guarantees' states matter beside the latest run because runs come from several tools: a passing
    source-freshness upload must not open the gate while the last dbt test of a column still fails.
    """
    if not asset.require_passing_audit:
        return
    latest = await quality_repo.latest_run(session, asset.id)
    if latest is None or latest.status is not QualityStatus.PASSED:
        state = (
            "no data-quality run recorded"
            if latest is None
            else "the latest run failed"
            if latest.status is QualityStatus.FAILED
            else "the latest run ended in error (a check errored, or every check was skipped)"
        )
        raise PreconditionFailed(
            f"'{asset.fqn}' requires a passing data-quality run before publishing; {state}. "
            f"Record a passing run with POST /api/v1/assets/{asset.id}/audit.",
            code="audit_not_passing",
        )
    failing = broken_now(await quality_repo.states_of(session, asset.id))
    if failing:
        shown = ", ".join(failing[:5]) + (f" and {len(failing) - 5} more" if len(failing) > 5 else "")
        raise PreconditionFailed(
            f"'{asset.fqn}' requires its guarantees to pass before publishing; failing now: {shown}. "
            "Record runs in which they pass (dbt test results, Great Expectations, or "
            f"POST /api/v1/assets/{asset.id}/audit).",
            code="audit_not_passing",
        )


async def publish(
    session: AsyncSession, principal: Principal, asset_id: uuid.UUID, cmd: PublishCommand
) -> PublishOutput:
    """Decide and carry out a publish request (see the module docstring)."""
    asset = await assets_repo.get_for_update(session, asset_id)
    if asset is None:
        raise not_found("asset", asset_id)
    authorize_publish(principal, asset, cmd)
    if cmd.expires_at is not None and cmd.expires_at <= utcnow():
        raise ValidationFailed("expires_at must be in the future.", code="invalid_expiry")
    await check_quality_gate(session, asset)
    active = await repository.active_for(session, asset.id)
    ev = await evaluate(session, asset, active, cmd)
    return await apply_decision(session, principal, asset, active, ev, cmd)


def first_version(ev: Evaluated) -> str:
    """The version of an asset's first contract (decision 1), checked (422 for an invalid one)."""
    check_version(None, ev.suggested_version, Bump.MAJOR)
    return ev.suggested_version


async def publish_first_contracts(
    session: AsyncSession, principal: Principal, requests: Sequence[tuple[Asset, Evaluated]]
) -> list[PublishOutput]:
    """Decision 1 for assets that have no contract yet, for many at once (a sync's new nodes): each
    request is published as the asset's first version, in bulk (:func:`publish_first_versions`).

    The outputs carry the new contract's id and version but not the contract itself.
    """
    firsts = [FirstVersion(asset, ev, first_version(ev)) for asset, ev in requests]
    ids = await publish_first_versions(session, principal, firsts)
    return [
        PublishOutput(
            PublishOutcome.PUBLISHED,
            f"Published first contract {first.version}.",
            suggested_version=first.ev.suggested_version,
            changes=first.ev.changes,
            breaking_changes=first.ev.breaking,
            guarantee_changes=first.ev.guarantee_changes,
            contract_id=contract_id,
            version=first.version,
        )
        for first, contract_id in zip(firsts, ids, strict=True)
    ]


async def apply_decision(
    session: AsyncSession,
    principal: Principal,
    asset: Asset,
    active: Contract | None,
    ev: Evaluated,
    cmd: PublishCommand,
) -> PublishOutput:
    """The decision every publishing caller shares, on an evaluated request for a locked asset."""
    result = PublishOutput(
        PublishOutcome.UNCHANGED,
        "",
        suggested_version=ev.suggested_version,
        changes=ev.changes,
        breaking_changes=ev.breaking,
        guarantee_changes=ev.guarantee_changes,
    )
    if active is None:
        (first,) = await publish_first_contracts(session, principal, [(asset, ev)])
        assert first.contract_id is not None
        first.contract = await repository.get(session, first.contract_id)
        return first
    if ev.unchanged:
        result.contract = active
        result.message = f"No change: version {active.version} is already active."
        return result
    assert ev.evaluation is not None
    bump = ev.evaluation.suggested_bump
    if not ev.breaking:
        version = cmd.version or ev.suggested_version
        check_version(active.version, version, bump)
        result.contract = await publish_version(session, principal, asset, active, ev, version)
        result.outcome, result.message = (
            PublishOutcome.PUBLISHED,
            f"Published compatible change as {version}.",
        )
        return result
    if cmd.force:
        version = cmd.version or ev.suggested_version
        check_version(active.version, version, bump)
        result.contract = await publish_version(
            session, principal, asset, active, ev, version, forced_reason=cmd.reason
        )
        result.outcome = PublishOutcome.FORCE_PUBLISHED
        result.message = f"Force-published breaking change as {version}."
        return result
    if cmd.version:
        check_version(active.version, cmd.version, bump)
    result.proposal = await open_proposal(session, principal, asset, active, ev, cmd)
    result.outcome = PublishOutcome.PROPOSED
    if result.proposal.status is ProposalStatus.PUBLISHED and result.proposal.published_contract_id:
        result.contract = await repository.get(session, result.proposal.published_contract_id)
        result.outcome = PublishOutcome.PUBLISHED
        result.message = (
            "Breaking change published: no consumer team reads an affected column "
            "(any consumer teams were informed)."
        )
    else:
        result.message = (
            f"Breaking change: proposal {result.proposal.id} waits for the consumer teams' acknowledgment."
        )
    return result
