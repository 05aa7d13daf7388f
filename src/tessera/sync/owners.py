"""Resolving dbt ``meta.owner`` values to Tessera teams (and steward users), in one batch.

Matching order, documented in docs/dbt.md: exact user email -> that user (steward) and their team; exact
user name -> same; team name -> that team. No match: the fallback owner team, with a warning.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.models import User
from tessera.ingest.dbt import OwnerRef
from tessera.sync import repository
from tessera.sync.schemas import SyncWarning


@dataclass(frozen=True, slots=True)
class ResolvedOwner:
    """The owner team (and steward) of a node."""

    team_id: uuid.UUID
    steward_user_id: uuid.UUID | None


async def resolve_owners(
    session: AsyncSession,
    owners: dict[str, OwnerRef | None],
    fallback_team_id: uuid.UUID,
    warnings: list[SyncWarning],
) -> dict[str, ResolvedOwner]:
    """An owner per node id; unmatched owners fall back with a warning naming the node."""
    emails = {o.email.lower() for o in owners.values() if o and o.email}
    names = {n.lower() for o in owners.values() if o for n in (o.name, o.raw) if n}
    users, teams, memberships = await repository.owner_candidates(session, emails, names)
    by_email = {u.email.lower(): u for u in users}
    by_name: dict[str, list[uuid.UUID]] = {}
    for u in users:
        by_name.setdefault(u.name.lower(), []).append(u.id)
    team_by_name = {t.name.lower(): t.id for t in teams}
    cache: dict[OwnerRef, tuple[ResolvedOwner, SyncWarning | None]] = {}
    out: dict[str, ResolvedOwner] = {}
    for node, ref in owners.items():
        if ref is None:
            out[node] = ResolvedOwner(fallback_team_id, None)
            continue
        if ref not in cache:
            cache[ref] = _resolve(ref, by_email, by_name, team_by_name, memberships, fallback_team_id)
        resolved, warning = cache[ref]
        if warning is not None:
            warnings.append(SyncWarning(node=node, code=warning.code, message=warning.message))
        out[node] = resolved
    return out


def _resolve(
    ref: OwnerRef,
    by_email: dict[str, User],
    by_name: dict[str, list[uuid.UUID]],
    team_by_name: dict[str, uuid.UUID],
    memberships: dict[uuid.UUID, list[uuid.UUID]],
    fallback: uuid.UUID,
) -> tuple[ResolvedOwner, SyncWarning | None]:
    user_id: uuid.UUID | None = None
    if ref.email and ref.email.lower() in by_email:
        user_id = by_email[ref.email.lower()].id
    elif ref.name and len(by_name.get(ref.name.lower(), [])) == 1:
        user_id = by_name[ref.name.lower()][0]
    if user_id is not None:
        teams = memberships.get(user_id, [])
        if not teams:
            return ResolvedOwner(fallback, user_id), SyncWarning(
                node="",
                code="owner_without_team",
                message=f"Owner '{ref.raw}' is a user in no team; "
                "the fallback team owns the asset, the user stewards it.",
            )
        team = fallback if fallback in teams else teams[0]
        warning = None
        if len(teams) > 1 and fallback not in teams:
            warning = SyncWarning(
                node="",
                code="ambiguous_owner_team",
                message=f"Owner '{ref.raw}' belongs to several teams; the first by name was chosen.",
            )
        return ResolvedOwner(team, user_id), warning
    for candidate in (ref.name, ref.raw):
        if candidate and candidate.lower() in team_by_name:
            return ResolvedOwner(team_by_name[candidate.lower()], None), None
    return ResolvedOwner(fallback, None), SyncWarning(
        node="",
        code="unknown_owner",
        message=f"Owner '{ref.raw}' matches no user email, user name or team name; "
        "the fallback team owns it.",
    )
