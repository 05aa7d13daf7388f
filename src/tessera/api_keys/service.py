"""Rules for API keys: admins issue and revoke; a team may list and revoke its own."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.api_keys import repository
from tessera.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from tessera.audit.service import record
from tessera.auth.key_cache import KeyCache
from tessera.auth.keys import generate_key, hash_secret
from tessera.auth.principal import Principal, own_team_filter
from tessera.db.base import utcnow
from tessera.db.models import ApiKey
from tessera.errors import Forbidden, ValidationFailed, not_found
from tessera.teams import repository as teams_repo
from tessera.teams.service import require_team
from tessera.users import repository as users_repo


async def create_key(
    session: AsyncSession, principal: Principal, data: ApiKeyCreate, server_key: str
) -> ApiKeyCreated:
    """Issue a key (admin only); the secret is returned once and only its hash is stored."""
    if not principal.is_admin:
        raise Forbidden("Only an admin key may create API keys.", code="admin_required")
    await require_team(session, data.team_id)
    if data.user_id is not None:
        user = await users_repo.get(session, data.user_id)
        if user is None or user.deactivated_at is not None:
            raise not_found("user", data.user_id)
        if not await teams_repo.is_member(session, data.team_id, data.user_id):
            raise ValidationFailed("The user is not a member of that team.", code="user_not_in_team")
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise ValidationFailed("expires_at must be in the future.", code="invalid_expiry")
    full, parsed = generate_key()
    key = ApiKey(
        key_id=parsed.key_id,
        secret_hash=hash_secret(parsed.secret, server_key),
        name=data.name,
        team_id=data.team_id,
        user_id=data.user_id,
        scopes=sorted({s.value for s in data.scopes}),
        expires_at=data.expires_at,
    )
    session.add(key)
    await session.flush()
    await record(
        session, principal, "api_key.created", "api_key", key.id, {"key_id": key.key_id, "scopes": key.scopes}
    )
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), key=full)


async def list_keys(
    session: AsyncSession,
    principal: Principal,
    *,
    team_id: uuid.UUID | None,
    include_revoked: bool,
    limit: int,
    offset: int,
    cursor: str | None = None,
    name: str | None = None,
    sort: str = "created_at",
    descending: bool = True,
) -> tuple[Sequence[ApiKey], int]:
    """Keys of the caller's team (an admin may list any team's, or all); see
    :func:`repository.list_keys` for ``name`` and ``sort``."""
    team_id = own_team_filter(principal, team_id, what="keys")
    return await repository.list_keys(
        session,
        team_id=team_id,
        include_revoked=include_revoked,
        limit=limit,
        offset=offset,
        cursor=cursor,
        name=name,
        sort=sort,
        descending=descending,
    )


async def require_key(session: AsyncSession, principal: Principal, key_pk: uuid.UUID) -> ApiKey:
    """A key the principal may manage (its own team's, or any for an admin); ``api_key_not_found``
    otherwise, so a foreign key's existence is not revealed."""
    key = await repository.get(session, key_pk)
    if key is None or not principal.acts_for(key.team_id):
        raise not_found("api_key", key_pk)
    return key


async def revoke_key(
    session: AsyncSession, principal: Principal, key_pk: uuid.UUID, keys: KeyCache
) -> ApiKey:
    """Revoke a key (admin, or the owning team); it stops working on this server once the change commits."""
    key = await repository.get(session, key_pk)
    if key is None:
        raise not_found("api_key", key_pk)
    if not principal.acts_for(key.team_id):
        raise Forbidden("Only the key's team or an admin may revoke it.", code="not_team_member")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        await session.flush()
        await record(session, principal, "api_key.revoked", "api_key", key.id, {"key_id": key.key_id})
    keys.forget_after_commit(session, key_id=key.key_id)
    return key
