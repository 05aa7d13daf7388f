"""Rules for users: admins create and deactivate; users may edit themselves."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.audit.service import record
from tessera.auth.key_cache import KeyCache
from tessera.auth.principal import Principal
from tessera.db.base import utcnow
from tessera.db.models import TeamMember, User
from tessera.errors import Conflict, Forbidden, not_found
from tessera.teams import repository as teams_repo
from tessera.users import repository
from tessera.users.schemas import UserCreate, UserRead, UserUpdate


async def require_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    """A user (active or deactivated) or ``user_not_found``."""
    user = await repository.get(session, user_id)
    if user is None:
        raise not_found("user", user_id)
    return user


async def to_read(session: AsyncSession, users: list[User]) -> list[UserRead]:
    """API views of users with their team ids, in one extra query."""
    teams = await repository.team_ids_of(session, (u.id for u in users))
    return [
        UserRead(
            id=u.id,
            email=u.email,
            name=u.name,
            github_username=u.github_username,
            gitlab_username=u.gitlab_username,
            slack_member_id=u.slack_member_id,
            team_ids=sorted(teams.get(u.id, []), key=str),
            active=u.deactivated_at is None,
            created_at=u.created_at,
            deactivated_at=u.deactivated_at,
        )
        for u in users
    ]


async def create_user(session: AsyncSession, principal: Principal, data: UserCreate) -> User:
    """Create a user (admin, or a team adding a member to itself)."""
    if not principal.is_admin and (
        not data.team_ids or any(not principal.acts_for(t) for t in data.team_ids)
    ):
        raise Forbidden(
            "Only an admin, or a team adding users to itself, may create users.", code="admin_required"
        )
    if await repository.get_by_email(session, data.email) is not None:
        raise Conflict(f"A user with email '{data.email}' already exists.", code="user_exists")
    teams = await teams_repo.get_many(session, data.team_ids)
    missing = [str(t) for t in data.team_ids if t not in teams]
    if missing:
        raise not_found("team", ", ".join(missing))
    user = User(
        email=data.email,
        name=data.name.strip(),
        github_username=data.github_username,
        gitlab_username=data.gitlab_username,
        slack_member_id=data.slack_member_id,
    )
    session.add(user)
    await session.flush()
    for team_id in dict.fromkeys(data.team_ids):
        session.add(TeamMember(team_id=team_id, user_id=user.id))
    await session.flush()
    await record(session, principal, "user.created", "user", user.id, {"email": data.email})
    return user


async def update_user(
    session: AsyncSession, principal: Principal, user_id: uuid.UUID, data: UserUpdate
) -> User:
    """Update a user (the user's own key or an admin)."""
    user = await require_user(session, user_id)
    if not (principal.is_admin or principal.user_id == user.id):
        raise Forbidden("Only the user themselves or an admin may change this user.", code="not_self")
    changes = data.model_dump(exclude_unset=True)
    new_email = changes.get("email")
    if (
        new_email
        and new_email.lower() != user.email.lower()
        and await repository.get_by_email(session, new_email)
    ):
        raise Conflict(f"A user with email '{changes['email']}' already exists.", code="user_exists")
    for field, value in changes.items():
        if field in ("email", "name") and value is None:
            continue
        setattr(user, field, value)
    await session.flush()
    await record(session, principal, "user.updated", "user", user.id, {"fields": sorted(changes)})
    return user


async def deactivate_user(
    session: AsyncSession, principal: Principal, user_id: uuid.UUID, keys: KeyCache
) -> User:
    """Deactivate a user (admin); their teams keep owning what they owned. The user's own keys stop
    working once the change commits."""
    if not principal.is_admin:
        raise Forbidden("Only an admin key may deactivate users.", code="admin_required")
    user = await require_user(session, user_id)
    if user.deactivated_at is None:
        user.deactivated_at = utcnow()
        await session.flush()
        await record(session, principal, "user.deactivated", "user", user.id, {})
    keys.forget_after_commit(session, user_id=user.id)
    return user
