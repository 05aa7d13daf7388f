"""Team rules below HTTP: deactivating a team forgets its keys, only after the commit."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.assets.schemas import AssetCreate
from tessera.assets.service import create_asset
from tessera.errors import Conflict, Forbidden
from tessera.notifications.ssrf import UrlPolicy
from tessera.teams import service
from tessera.teams.schemas import TeamCreate
from tests.fakes import ADMIN, FakeKeyCache, team_key


async def _team(session: AsyncSession) -> uuid.UUID:
    return (
        await service.create_team(
            session, ADMIN, TeamCreate(name=f"team-{uuid.uuid4().hex[:6]}"), UrlPolicy()
        )
    ).id


async def test_deactivating_a_team_forgets_its_keys_after_the_commit(session: AsyncSession) -> None:
    team_id = await _team(session)
    keys = FakeKeyCache()
    await service.delete_team(session, ADMIN, team_id, keys)
    assert keys.forgotten == []
    await session.commit()
    assert keys.forgotten == [(None, team_id, None)]


async def test_a_team_key_may_not_deactivate_and_nothing_is_forgotten(session: AsyncSession) -> None:
    team_id = await _team(session)
    await session.commit()
    keys = FakeKeyCache()
    with pytest.raises(Forbidden) as refused:
        await service.delete_team(session, team_key(team_id), team_id, keys)
    assert refused.value.code == "admin_required"
    await session.rollback()
    assert keys.forgotten == []
    assert (await service.require_team(session, team_id)).deleted_at is None


async def test_a_team_owning_assets_is_kept_with_its_keys(session: AsyncSession) -> None:
    team_id = await _team(session)
    await create_asset(session, ADMIN, AssetCreate(fqn="warehouse.a.orders", owner_team_id=team_id))
    await session.commit()
    keys = FakeKeyCache()
    with pytest.raises(Conflict) as refused:
        await service.delete_team(session, ADMIN, team_id, keys)
    assert refused.value.code == "team_owns_assets"
    await session.rollback()
    assert keys.forgotten == []
