"""Webhook rules below HTTP: a team lists only its own subscriptions."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.enums import Scope
from tessera.errors import Forbidden
from tessera.notifications.ssrf import UrlPolicy, parse_allowlist
from tessera.teams.schemas import TeamCreate
from tessera.teams.service import create_team
from tessera.webhooks import service
from tessera.webhooks.schemas import WebhookCreate
from tests.fakes import ADMIN, team_key

POLICY = UrlPolicy(allowlist=parse_allowlist("127.0.0.1/32"))


async def _team_with_hook(session: AsyncSession) -> tuple[uuid.UUID, uuid.UUID]:
    team = await create_team(session, ADMIN, TeamCreate(name=f"team-{uuid.uuid4().hex[:6]}"), UrlPolicy())
    hook = await service.create(
        session, team_key(team.id), WebhookCreate(url="http://127.0.0.1:9/hook"), POLICY
    )
    return team.id, hook.id


async def test_a_team_lists_only_its_own_webhooks(session: AsyncSession) -> None:
    team_id, hook_id = await _team_with_hook(session)
    other_id, other_hook = await _team_with_hook(session)
    reader = team_key(team_id, Scope.READ)
    rows, total = await service.list_webhooks(session, reader, team_id=None, limit=50, offset=0)
    assert ([w.id for w in rows], total) == ([hook_id], 1)
    with pytest.raises(Forbidden) as refused:
        await service.list_webhooks(session, reader, team_id=other_id, limit=50, offset=0)
    assert refused.value.code == "not_team_member"
    theirs, _ = await service.list_webhooks(session, ADMIN, team_id=other_id, limit=50, offset=0)
    assert [w.id for w in theirs] == [other_hook]
