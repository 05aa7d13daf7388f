"""Soft deletion is applied by the session to every ORM SELECT; ``include_deleted`` opts one statement out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.base import Base, SoftDeleteMixin, not_deleted, utcnow
from tessera.db.models import Asset, AssetDependency, Registration, Team, TeamMember, User, Webhook
from tessera.db.paging import fetch_page


@dataclass
class World:
    """One live and one soft-deleted row of every soft-deletable model."""

    live: dict[type[SoftDeleteMixin], uuid.UUID]
    gone: dict[type[SoftDeleteMixin], uuid.UUID]


async def _world(session: AsyncSession) -> World:
    now = utcnow()
    team, gone_team = Team(name="live"), Team(name="gone", deleted_at=now)
    session.add_all([team, gone_team])
    await session.flush()
    asset = Asset(fqn="db.s.live", owner_team_id=team.id)
    gone_asset = Asset(fqn="db.s.gone", owner_team_id=team.id, deleted_at=now)
    session.add_all([asset, gone_asset])
    await session.flush()
    reg = Registration(asset_id=asset.id, consumer_team_id=team.id)
    gone_reg = Registration(asset_id=asset.id, consumer_team_id=gone_team.id, deleted_at=now)
    hook = Webhook(team_id=team.id, url="https://example.com/a", secret="s")
    gone_hook = Webhook(team_id=team.id, url="https://example.com/b", secret="s", deleted_at=now)
    user = User(email="u@example.com", name="U")
    session.add_all([reg, gone_reg, hook, gone_hook, user])
    await session.flush()
    session.add_all(
        [
            TeamMember(team_id=team.id, user_id=user.id),
            TeamMember(team_id=gone_team.id, user_id=user.id),
            AssetDependency(downstream_asset_id=asset.id, upstream_asset_id=gone_asset.id, kind="manual"),
        ]
    )
    await session.flush()
    session.expunge_all()  # nothing answered from the identity map
    return World(
        live={Team: team.id, Asset: asset.id, Registration: reg.id, Webhook: hook.id},
        gone={Team: gone_team.id, Asset: gone_asset.id, Registration: gone_reg.id, Webhook: gone_hook.id},
    )


def test_every_soft_deletable_model_is_covered_here() -> None:
    """A new soft-deletable model must be added to the world above (and so to these checks)."""
    models = {m.class_ for m in Base.registry.mappers if issubclass(m.class_, SoftDeleteMixin)}
    assert models == {Team, Asset, Registration, Webhook}


@pytest.mark.parametrize("model", [Team, Asset, Registration, Webhook])
async def test_entity_and_column_selects_leave_deleted_rows_out(
    session: AsyncSession, model: type[SoftDeleteMixin]
) -> None:
    world = await _world(session)
    entity = model.id  # type: ignore[attr-defined]
    ids = {world.live[model], world.gone[model]}
    assert [r.id for r in (await session.execute(sa.select(model))).scalars()] == [world.live[model]]  # type: ignore[attr-defined]
    assert set((await session.execute(sa.select(entity).where(entity.in_(ids)))).scalars()) == {
        world.live[model]
    }
    assert await session.get(model, world.gone[model]) is None
    assert (await session.execute(sa.select(sa.func.count()).select_from(model))).scalar_one() == 1
    rows, total = await fetch_page(session, sa.select(model), limit=10, offset=0)
    assert total == 1 and [r.id for r in rows] == [world.live[model]]  # type: ignore[attr-defined]


@pytest.mark.parametrize("model", [Team, Asset, Registration, Webhook])
async def test_include_deleted_opts_one_statement_out(
    session: AsyncSession, model: type[SoftDeleteMixin]
) -> None:
    world = await _world(session)
    stmt = sa.select(model.id).execution_options(include_deleted=True)  # type: ignore[attr-defined]
    assert set((await session.execute(stmt)).scalars()) == {world.live[model], world.gone[model]}
    # The option holds for that statement only.
    assert set((await session.execute(sa.select(model.id))).scalars()) == {world.live[model]}  # type: ignore[attr-defined]


async def test_joins_leave_deleted_rows_out(session: AsyncSession) -> None:
    world = await _world(session)
    teams_of_user = (
        await session.execute(sa.select(TeamMember.team_id).join(Team, Team.id == TeamMember.team_id))
    ).scalars()
    assert list(teams_of_user) == [world.live[Team]]
    upstream = (
        await session.execute(
            sa.select(AssetDependency.id).join(Asset, Asset.id == AssetDependency.upstream_asset_id)
        )
    ).scalars()
    assert list(upstream) == []  # the edge's upstream asset is deleted
    regs = (
        await session.execute(sa.select(Registration.id).join(Team, Team.id == Registration.consumer_team_id))
    ).scalars()
    assert list(regs) == [world.live[Registration]]


async def test_refreshing_a_loaded_row_after_deleting_it_still_works(session: AsyncSession) -> None:
    world = await _world(session)
    team = await session.get(Team, world.live[Team])
    assert team is not None
    team.deleted_at = utcnow()
    await session.flush()
    await session.refresh(team)  # a column load: not filtered, the object stays usable
    assert team.deleted_at is not None
    assert list((await session.execute(sa.select(Team.id))).scalars()) == []


async def test_core_rows_on_the_connection_need_the_helper(session: AsyncSession) -> None:
    """Statements run on the connection bypass the session: they add ``not_deleted`` themselves."""
    world = await _world(session)
    assets = Asset.__table__
    everything, total = await fetch_page(session, sa.select(assets.c.id), limit=10, offset=0, as_dicts=True)
    assert {r["id"] for r in everything} == {world.live[Asset], world.gone[Asset]} and total == 2
    stmt = sa.select(assets.c.id).where(not_deleted(Asset))
    live, total = await fetch_page(session, stmt, limit=10, offset=0, as_dicts=True)
    assert [r["id"] for r in live] == [world.live[Asset]] and total == 1
