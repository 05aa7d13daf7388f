"""The demo's contract changes and data-quality history (see :mod:`tessera.demo.seed` for the story).

Each function acts as the given teams' principals through the publishing, proposal and quality services.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.auth.principal import Principal
from tessera.contracts import repository as contracts_repo
from tessera.contracts.evaluation import PublishCommand
from tessera.contracts.publishing import publish
from tessera.enums import AckResponse, QualityStatus
from tessera.proposals.schemas import AcknowledgeRequest
from tessera.proposals.service import acknowledge
from tessera.quality.schemas import GuaranteeResult, QualityRunCreate
from tessera.quality.service import record_run

ORDERS = "model.shop.fct_orders"
CUSTOMERS = "model.shop.dim_customers"
REVENUE = "model.shop.finance_revenue"
STG_ORDERS = "model.shop.stg_orders"


async def _schema(session: AsyncSession, asset_id: uuid.UUID) -> dict[str, Any]:
    """A deep copy of the asset's active schema, to edit."""
    active = await contracts_repo.active_for(session, asset_id)
    if active is None:
        raise RuntimeError("the demo manifest synced an asset without a contract")
    return copy.deepcopy(dict(active.schema_def))


def _drop(schema: dict[str, Any], column: str) -> dict[str, Any]:
    schema["properties"].pop(column)
    if column in schema.get("required", []):
        schema["required"] = [c for c in schema["required"] if c != column]
    return schema


async def propose(
    session: AsyncSession, who: Mapping[str, Principal], assets: Mapping[str, uuid.UUID], now: datetime
) -> dict[str, uuid.UUID]:
    """The open, approved and blocked proposals (their ids by name), and one compatible publish."""
    proposals: dict[str, uuid.UUID] = {}
    deadline = now + timedelta(days=14)
    orders = _drop(await _schema(session, assets[ORDERS]), "status")
    orders["properties"]["order_state"] = {
        "type": ["string", "null"],
        "description": "Replaces status: placed, shipped, returned or cancelled.",
    }
    opened = await publish(
        session, who["analytics"], assets[ORDERS], PublishCommand(schema=orders, expires_at=deadline)
    )
    proposals["open"] = _proposal_id(opened.proposal)
    await acknowledge(
        session,
        who["marketing"],
        proposals["open"],
        AcknowledgeRequest(
            response=AckResponse.MIGRATING,
            migration_deadline=now + timedelta(days=10),
            reason="Moving the attribution job to order_state this sprint.",
        ),
    )

    customers = _drop(await _schema(session, assets[CUSTOMERS]), "email")
    approved = await publish(
        session,
        who["analytics"],
        assets[CUSTOMERS],
        PublishCommand(schema=customers, expires_at=deadline, reason="Stop exposing raw e-mail (PII)."),
    )
    proposals["approved"] = _proposal_id(approved.proposal)
    for team in ("finance", "marketing"):
        await acknowledge(
            session, who[team], proposals["approved"], AcknowledgeRequest(response=AckResponse.APPROVED)
        )

    stg = await _schema(session, assets[STG_ORDERS])
    stg["properties"]["amount"] = {"type": "integer", "description": "Amount in cents."}
    blocked = await publish(
        session,
        who["data-platform"],
        assets[STG_ORDERS],
        PublishCommand(schema=stg, expires_at=deadline),
    )
    proposals["blocked"] = _proposal_id(blocked.proposal)
    await acknowledge(
        session,
        who["analytics"],
        proposals["blocked"],
        AcknowledgeRequest(
            response=AckResponse.BLOCKED,
            reason="fct_orders sums amount as a decimal; integer cents would break revenue. "
            "Add amount_cents beside it instead.",
        ),
    )

    revenue = await _schema(session, assets[REVENUE])
    revenue["properties"]["refunded"] = {"type": ["number", "null"], "description": "Refunds of the day."}
    await publish(session, who["finance"], assets[REVENUE], PublishCommand(schema=revenue))
    return proposals


def _proposal_id(proposal: Any) -> uuid.UUID:
    if proposal is None:
        raise RuntimeError("the demo's breaking change did not open a proposal")
    return uuid.UUID(str(proposal.id))


# (asset, owner team, checks, days on which the run failed: 0 = today)
QUALITY: tuple[tuple[str, str, tuple[str, ...], frozenset[int]], ...] = (
    (ORDERS, "analytics", ("not_null:order_id", "accepted_values:status", "expression"), frozenset({2})),
    (CUSTOMERS, "analytics", ("not_null:customer_id", "unique:customer_id"), frozenset()),
    (REVENUE, "finance", ("not_null:issued_on", "unique:issued_on"), frozenset({0, 1})),
    (STG_ORDERS, "data-platform", ("not_null:order_id", "unique:order_id"), frozenset({5})),
)
QUALITY_DAYS = 7


async def record_quality(
    session: AsyncSession, who: Mapping[str, Principal], assets: Mapping[str, uuid.UUID], now: datetime
) -> None:
    """One nightly dbt test run per asset for a week; the failing days fail their last check."""
    for unique_id, team, checks, failing_days in QUALITY:
        for day in range(QUALITY_DAYS - 1, -1, -1):
            failed = day in failing_days
            results = [
                GuaranteeResult(
                    guarantee=check,
                    status=QualityStatus.FAILED if failed and i == len(checks) - 1 else QualityStatus.PASSED,
                    failing_rows=12 if failed and i == len(checks) - 1 else 0,
                )
                for i, check in enumerate(checks)
            ]
            await record_run(
                session,
                who[team],
                assets[unique_id],
                QualityRunCreate(
                    status=QualityStatus.FAILED if failed else QualityStatus.PASSED,
                    results=results,
                    run_id=f"nightly-{(now - timedelta(days=day)):%Y%m%d}",
                    triggered_by="dbt_test",
                    run_at=now - timedelta(days=day, hours=2),
                ),
            )
