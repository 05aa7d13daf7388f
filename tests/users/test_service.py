"""User rules below HTTP: deactivating a user forgets the user's keys, only after the commit."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.errors import Forbidden
from tessera.notifications.ssrf import UrlPolicy
from tessera.teams.schemas import TeamCreate
from tessera.teams.service import create_team
from tessera.users import service
from tessera.users.schemas import UserCreate
from tests.fakes import ADMIN, FakeKeyCache, team_key


async def _user(session: AsyncSession) -> tuple[uuid.UUID, uuid.UUID]:
    team = await create_team(session, ADMIN, TeamCreate(name=f"team-{uuid.uuid4().hex[:6]}"), UrlPolicy())
    user = await service.create_user(
        session, ADMIN, UserCreate(email=f"{uuid.uuid4().hex[:8]}@corp.example", name="U", team_ids=[team.id])
    )
    return team.id, user.id


async def test_deactivating_a_user_forgets_their_keys_after_the_commit(session: AsyncSession) -> None:
    _, user_id = await _user(session)
    keys = FakeKeyCache()
    user = await service.deactivate_user(session, ADMIN, user_id, keys)
    assert user.deactivated_at is not None
    assert keys.forgotten == []
    await session.commit()
    assert keys.forgotten == [(None, None, user_id)]


async def test_a_team_key_may_not_deactivate_and_nothing_is_forgotten(session: AsyncSession) -> None:
    team_id, user_id = await _user(session)
    await session.commit()
    keys = FakeKeyCache()
    with pytest.raises(Forbidden) as refused:
        await service.deactivate_user(session, team_key(team_id), user_id, keys)
    assert refused.value.code == "admin_required"
    await session.rollback()
    assert keys.forgotten == []
    assert (await service.require_user(session, user_id)).deactivated_at is None
