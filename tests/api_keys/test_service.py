"""API-key rules below HTTP: who may list and revoke, and the cache eviction a revocation asks for."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.api_keys import repository, service
from tessera.api_keys.schemas import ApiKeyCreate
from tessera.enums import Scope
from tessera.errors import Forbidden
from tessera.notifications.ssrf import UrlPolicy
from tessera.teams.schemas import TeamCreate
from tessera.teams.service import create_team
from tests.fakes import ADMIN, FakeKeyCache, team_key


async def _team_with_key(session: AsyncSession) -> tuple[uuid.UUID, uuid.UUID, str]:
    team = await create_team(session, ADMIN, TeamCreate(name=f"team-{uuid.uuid4().hex[:6]}"), UrlPolicy())
    key = await service.create_key(
        session, ADMIN, ApiKeyCreate(name="ci", team_id=team.id, scopes=[Scope.WRITE]), "server-key"
    )
    return team.id, key.id, key.key_id


async def test_revoking_forgets_the_key_once_the_change_commits(session: AsyncSession) -> None:
    team_id, key_pk, key_id = await _team_with_key(session)
    keys = FakeKeyCache()
    revoked = await service.revoke_key(session, team_key(team_id), key_pk, keys)
    assert revoked.revoked_at is not None
    assert keys.forgotten == []  # not before the commit: a concurrent request could cache it again
    await session.commit()
    assert keys.forgotten == [(key_id, None, None)]


async def test_another_team_may_not_revoke_and_nothing_is_forgotten(session: AsyncSession) -> None:
    team_id, key_pk, _ = await _team_with_key(session)
    other_id, _, _ = await _team_with_key(session)
    await session.commit()
    keys = FakeKeyCache()
    with pytest.raises(Forbidden) as refused:
        await service.revoke_key(session, team_key(other_id), key_pk, keys)
    assert refused.value.code == "not_team_member"
    await session.rollback()
    assert keys.forgotten == []
    key = await repository.get(session, key_pk)
    assert key is not None and key.revoked_at is None


async def test_a_team_lists_only_its_own_keys(session: AsyncSession) -> None:
    team_id, key_pk, _ = await _team_with_key(session)
    other_id, other_pk, _ = await _team_with_key(session)
    rows, total = await service.list_keys(
        session, team_key(team_id, Scope.READ), team_id=None, include_revoked=False, limit=50, offset=0
    )
    assert ([k.id for k in rows], total) == ([key_pk], 1)
    with pytest.raises(Forbidden) as refused:
        await service.list_keys(
            session,
            team_key(team_id, Scope.READ),
            team_id=other_id,
            include_revoked=False,
            limit=50,
            offset=0,
        )
    assert refused.value.code == "not_team_member"
    everyone, _ = await service.list_keys(
        session, ADMIN, team_id=None, include_revoked=False, limit=50, offset=0
    )
    assert {key_pk, other_pk} <= {k.id for k in everyone}
