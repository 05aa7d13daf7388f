"""Rules for teams: admins create and remove them; a team may edit its own details."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.audit.service import record
from tessera.auth.key_cache import KeyCache
from tessera.auth.principal import Principal
from tessera.db.base import utcnow
from tessera.db.models import Team
from tessera.errors import Conflict, Forbidden, not_found
from tessera.notifications.ssrf import UrlPolicy, UrlRefused
from tessera.teams import repository
from tessera.teams.schemas import TeamCreate, TeamUpdate
from tessera.users import repository as users_repo


async def require_team(session: AsyncSession, team_id: uuid.UUID) -> Team:
    """An active team or ``team_not_found``."""
    team = await repository.get(session, team_id)
    if team is None:
        raise not_found("team", team_id)
    return team


async def create_team(
    session: AsyncSession, principal: Principal, data: TeamCreate, policy: UrlPolicy
) -> Team:
    """Create a team (admin only); names are unique, case-insensitively; a Slack URL must pass the same
    URL policy as webhooks (``policy``)."""
    _require_admin(principal, "create teams")
    slack_url = _checked_slack_url(data.slack_webhook_url, policy)
    name = data.name.strip()
    if await repository.get_by_name(session, name) is not None:
        raise Conflict(f"A team named '{name}' already exists.", code="team_exists")
    team = Team(
        name=name,
        description=data.description,
        contact=data.contact,
        slack_webhook_url=slack_url,
    )
    session.add(team)
    await session.flush()
    await record(session, principal, "team.created", "team", team.id, {"name": name})
    return team


async def update_team(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID, data: TeamUpdate, policy: UrlPolicy
) -> Team:
    """Update a team's details (the team itself or an admin); a Slack URL is checked as in create."""
    team = await require_team(session, team_id)
    if not principal.acts_for(team.id):
        raise Forbidden("Only the team itself or an admin may change this team.", code="not_team_member")
    changes = data.model_dump(exclude_unset=True)
    if "name" in changes and changes["name"] is not None:
        name = changes["name"].strip()
        other = await repository.get_by_name(session, name)
        if other is not None and other.id != team.id:
            raise Conflict(f"A team named '{name}' already exists.", code="team_exists")
        team.name = name
    for field in ("description", "contact"):
        if field in changes:
            setattr(team, field, changes[field])
    if "slack_webhook_url" in changes:
        team.slack_webhook_url = _checked_slack_url(data.slack_webhook_url, policy)
    await session.flush()
    await record(session, principal, "team.updated", "team", team.id, {"fields": sorted(changes)})
    return team


def _checked_slack_url(url: object | None, policy: UrlPolicy) -> str | None:
    """The URL as stored, after the SSRF policy's shape check (the worker checks addresses at send time)."""
    if url is None:
        return None
    try:
        policy.validate_url(str(url))
    except UrlRefused as exc:
        raise UrlRefused(exc.reason_code, f"slack_webhook_url: {exc.message}") from None
    return str(url)


async def delete_team(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID, keys: KeyCache
) -> None:
    """Deactivate a team (admin); refused while it still owns assets. Its keys stop working once the
    change commits."""
    _require_admin(principal, "deactivate teams")
    team = await require_team(session, team_id)
    owned = await repository.count_owned_assets(session, team.id)
    if owned:
        raise Conflict(
            f"Team '{team.name}' still owns {owned} asset(s); transfer or delete them first.",
            code="team_owns_assets",
        )
    team.deleted_at = utcnow()
    await session.flush()
    await record(session, principal, "team.deleted", "team", team.id, {"name": team.name})
    keys.forget_after_commit(session, team_id=team.id)


async def add_member(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    """Add a user to a team (the team itself or an admin)."""
    team = await require_team(session, team_id)
    if not principal.acts_for(team.id):
        raise Forbidden("Only the team itself or an admin may change its members.", code="not_team_member")
    user = await users_repo.get(session, user_id)
    if user is None or user.deactivated_at is not None:
        raise not_found("user", user_id)
    if await repository.add_member(session, team.id, user.id):
        await record(session, principal, "team.member_added", "team", team.id, {"user_id": str(user.id)})


async def remove_member(
    session: AsyncSession, principal: Principal, team_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    """Remove a user from a team."""
    team = await require_team(session, team_id)
    if not principal.acts_for(team.id):
        raise Forbidden("Only the team itself or an admin may change its members.", code="not_team_member")
    if not await repository.remove_member(session, team.id, user_id):
        raise not_found("team_member", user_id)
    await record(session, principal, "team.member_removed", "team", team.id, {"user_id": str(user_id)})


def _require_admin(principal: Principal, what: str) -> None:
    if not principal.is_admin:
        raise Forbidden(f"Only an admin key may {what}.", code="admin_required")
