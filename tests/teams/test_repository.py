"""Team contacts: the one query every notification path uses to reach a team."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.db.base import utcnow
from tessera.db.models import Team, TeamMember, User
from tessera.teams import repository


@contextmanager
def count_statements(session: AsyncSession) -> Iterator[list[str]]:
    """Every SQL statement the session's engine runs inside the block."""
    statements: list[str] = []
    engine = session.bind.sync_engine  # type: ignore[union-attr]

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)


async def _team(session: AsyncSession, name: str, members: list[User], **kw: Any) -> Team:
    team = Team(name=name, **kw)
    session.add(team)
    await session.flush()
    session.add_all([TeamMember(team_id=team.id, user_id=u.id) for u in members])
    await session.flush()
    return team


async def test_contacts_leave_out_deleted_teams_and_deactivated_users(session: AsyncSession) -> None:
    ana = User(email="ana@corp.example", name="Ana", slack_member_id="U2")
    bo = User(email="bo@corp.example", name="Bo", slack_member_id="U1")
    gone = User(email="gone@corp.example", name="Gone", slack_member_id="U9", deactivated_at=utcnow())
    quiet = User(email="quiet@corp.example", name="Quiet")
    session.add_all([ana, bo, gone, quiet])
    await session.flush()
    live = await _team(session, "live", [ana, bo, gone, quiet], slack_webhook_url="https://hooks/live")
    deleted = await _team(
        session, "deleted", [ana], slack_webhook_url="https://hooks/deleted", deleted_at=utcnow()
    )
    unknown = uuid.uuid4()

    found = await repository.contacts(session, [live.id, deleted.id, unknown])

    assert list(found) == [live.id]
    contact = found[live.id]
    assert contact.name == "live" and contact.slack_webhook_url == "https://hooks/live"
    assert contact.emails == ["ana@corp.example", "bo@corp.example", "quiet@corp.example"]
    assert contact.slack_member_ids == ["U1", "U2"]


async def test_contacts_take_two_queries_whatever_the_number_of_teams(session: AsyncSession) -> None:
    user = User(email="m@corp.example", name="M")
    session.add(user)
    await session.flush()
    teams = [await _team(session, f"t{i}", [user]) for i in range(6)]

    with count_statements(session) as one:
        await repository.contacts(session, [teams[0].id])
    with count_statements(session) as six:
        found = await repository.contacts(session, [t.id for t in teams])

    assert len(one) == len(six) == 2
    assert all(c.emails == ["m@corp.example"] for c in found.values()) and len(found) == 6
    assert await repository.contacts(session, []) == {}
