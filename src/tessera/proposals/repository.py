"""SQL for proposals and acknowledgments."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import Acknowledgment, Asset, Proposal
from tessera.db.paging import fetch_page
from tessera.enums import ProposalStatus


async def get(session: AsyncSession, proposal_id: uuid.UUID) -> Proposal | None:
    """A proposal by id."""
    return await session.get(Proposal, proposal_id)


async def get_for_update(session: AsyncSession, proposal_id: uuid.UUID) -> Proposal | None:
    """A proposal, row-locked and re-read from the database."""
    return (
        await session.execute(
            sa.select(Proposal)
            .where(Proposal.id == proposal_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()


async def open_for_asset(session: AsyncSession, asset_id: uuid.UUID) -> Proposal | None:
    """The asset's open proposal, if any."""
    return (
        await session.execute(
            sa.select(Proposal)
            .where(Proposal.asset_id == asset_id, Proposal.status == ProposalStatus.OPEN)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()


async def approved_for_source(session: AsyncSession, asset_id: uuid.UUID, source_ref: str) -> Proposal | None:
    """The asset's approved, not yet published proposal from one pull request, if any."""
    return (
        await session.execute(
            sa.select(Proposal)
            .where(
                Proposal.asset_id == asset_id,
                Proposal.source_ref == source_ref,
                Proposal.status.in_((ProposalStatus.APPROVED, ProposalStatus.FORCE_APPROVED)),
            )
            .order_by(Proposal.created_at.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def latest_for_assets(
    session: AsyncSession, asset_ids: Iterable[uuid.UUID], statuses: Sequence[ProposalStatus]
) -> dict[uuid.UUID, Proposal]:
    """The newest proposal in one of ``statuses`` for each asset, in one query."""
    ids = set(asset_ids)
    if not ids:
        return {}
    rows = await session.execute(
        sa.select(Proposal)
        .where(Proposal.asset_id.in_(ids), Proposal.status.in_(statuses))
        .order_by(Proposal.created_at.desc())
    )
    out: dict[uuid.UUID, Proposal] = {}
    for p in rows.scalars():
        out.setdefault(p.asset_id, p)
    return out


async def acknowledgments(
    session: AsyncSession, proposal_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Acknowledgment]]:
    """Answers per proposal, in one query."""
    ids = set(proposal_ids)
    out: dict[uuid.UUID, list[Acknowledgment]] = {i: [] for i in ids}
    if ids:
        rows = await session.execute(
            sa.select(Acknowledgment)
            .where(Acknowledgment.proposal_id.in_(ids))
            .order_by(Acknowledgment.created_at, Acknowledgment.team_id)
            .execution_options(populate_existing=True)
        )
        for ack in rows.scalars():
            out[ack.proposal_id].append(ack)
    return out


PROPOSAL_SORTS: dict[str, sa.ColumnElement[Any]] = {
    "created_at": Proposal.__table__.c.created_at,
    "expires_at": Proposal.__table__.c.expires_at,
    "status": Proposal.__table__.c.status,
}
"""Sort keys of :func:`list_proposals`."""


async def list_proposals(
    session: AsyncSession,
    *,
    asset_id: uuid.UUID | None,
    status: ProposalStatus | None,
    awaiting_team_id: uuid.UUID | None,
    proposed_by_team_id: uuid.UUID | None,
    source_ref: str | None,
    limit: int,
    offset: int,
    cursor: str | None = None,
    asset_q: str | None = None,
    sort: str = "created_at",
    descending: bool = True,
) -> tuple[Sequence[Proposal], int]:
    """Proposals, newest first unless ``sort`` (a key of :data:`PROPOSAL_SORTS`) says otherwise.

    ``asset_q`` keeps those whose asset name contains it. Proposals
    without a deadline sort after those with one, whatever the direction.
    """
    stmt = _list_statement(
        session,
        sa.select(Proposal),
        asset_id=asset_id,
        status=status,
        awaiting_team_id=awaiting_team_id,
        proposed_by_team_id=proposed_by_team_id,
        source_ref=source_ref,
        asset_q=asset_q,
        sort=sort,
        descending=descending,
    )
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor)


JSON_COLUMNS = ("schema", "guarantees", "changes", "breaking_changes")
"""Columns :func:`list_proposal_rows` hands over as their JSON text, unparsed."""


async def list_proposal_rows(
    session: AsyncSession,
    *,
    asset_id: uuid.UUID | None,
    status: ProposalStatus | None,
    awaiting_team_id: uuid.UUID | None,
    proposed_by_team_id: uuid.UUID | None,
    source_ref: str | None,
    limit: int,
    offset: int,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The API's page of :func:`list_proposals` (newest first) as plain rows by column name, with the
    columns of :data:`JSON_COLUMNS` as their stored JSON text: a page writes them out again unchanged,
    so parsing 200 documents per page into Python objects would be wasted work."""
    table = Proposal.__table__
    columns = [
        sa.cast(c, sa.Text).label(c.name) if c.name in JSON_COLUMNS else c
        for c in table.c
        if c.name not in ("updated_at", "guarantees_fingerprint", "change_signature")
    ]
    stmt = _list_statement(
        session,
        sa.select(*columns),
        asset_id=asset_id,
        status=status,
        awaiting_team_id=awaiting_team_id,
        proposed_by_team_id=proposed_by_team_id,
        source_ref=source_ref,
        asset_q=None,
        sort="created_at",
        descending=True,
    )
    return await fetch_page(session, stmt, limit=limit, offset=offset, cursor=cursor, as_dicts=True)


def _list_statement(
    session: AsyncSession,
    select: sa.Select[Any],
    *,
    asset_id: uuid.UUID | None,
    status: ProposalStatus | None,
    awaiting_team_id: uuid.UUID | None,
    proposed_by_team_id: uuid.UUID | None,
    source_ref: str | None,
    asset_q: str | None,
    sort: str,
    descending: bool,
) -> sa.Select[Any]:
    """``select`` filtered and ordered as :func:`list_proposals` says."""
    conds: list[sa.ColumnElement[bool]] = []
    if asset_q:
        conds.append(
            Proposal.asset_id.in_(sa.select(Asset.id).where(Asset.fqn.contains(asset_q, autoescape=True)))
        )
    if asset_id:
        conds.append(Proposal.asset_id == asset_id)
    if status:
        conds.append(Proposal.status == status)
    if proposed_by_team_id:
        conds.append(Proposal.proposed_by_team_id == proposed_by_team_id)
    if source_ref:
        conds.append(Proposal.source_ref == source_ref)
    if awaiting_team_id:
        # Only an open proposal still waits for answers; a resolved one keeps its pending rows.
        conds.append(Proposal.status == ProposalStatus.OPEN)
        conds.append(_awaiting(session, awaiting_team_id))
    column = PROPOSAL_SORTS[sort]
    order: list[sa.ColumnElement[Any]] = [column.desc() if descending else column.asc()]
    if sort == "expires_at":
        order.insert(0, column.is_(None))  # only the deadline is nullable; see the docstring
    if sort != "created_at":
        order.append(Proposal.created_at.desc())
    order.append(Proposal.id.desc() if descending or sort != "created_at" else Proposal.id.asc())
    return select.where(*conds).order_by(*order)


def _awaiting(session: AsyncSession, team_id: uuid.UUID) -> sa.ColumnElement[bool]:
    """Proposals with a required, unanswered acknowledgment of ``team_id``.

    On PostgreSQL the team's pending answers (few, read from ``ix_acknowledgments_team_id_response``)
    are gathered first into an array and the proposals fetched by primary key. Written as ``IN
    (subquery)`` the planner hash-joins them against every open proposal instead (4,000 wide rows read
    for 200 answers: 28 ms of a 30 ms budget, without autovacuum; bench/bench_large_lists.py).
    """
    pending = sa.select(Acknowledgment.proposal_id).where(
        Acknowledgment.team_id == team_id,
        Acknowledgment.response == "pending",
        Acknowledgment.required.is_(True),
    )
    if session.get_bind().dialect.name == "postgresql":
        return Proposal.id == sa.func.any(sa.func.array(pending.scalar_subquery()))
    return Proposal.id.in_(pending)


async def due_for_expiry(session: AsyncSession, now: datetime, limit: int = 100) -> list[uuid.UUID]:
    """Open proposals past their deadline."""
    rows = await session.execute(
        sa.select(Proposal.id)
        .where(
            Proposal.status == ProposalStatus.OPEN,
            Proposal.expires_at.is_not(None),
            Proposal.expires_at <= now,
        )
        .limit(limit)
    )
    return [r for (r,) in rows]


async def asset_fqns(session: AsyncSession, asset_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """FQNs of assets (deleted included), for display."""
    ids = set(asset_ids)
    if not ids:
        return {}
    stmt = sa.select(Asset.id, Asset.fqn).where(Asset.id.in_(ids)).execution_options(include_deleted=True)
    return dict((await session.execute(stmt)).all())
