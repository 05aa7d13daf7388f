"""The key cache forgets revoked keys only once the revocation commits."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.auth.authentication import KeyAuthenticator, _CachedKey
from tessera.db.engine import create_session_factory
from tessera.enums import Scope

TEAM, OTHER_TEAM, USER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def cached(authenticator: KeyAuthenticator) -> set[str]:
    return set(authenticator._cache)


def authenticator_with_keys(session: AsyncSession) -> KeyAuthenticator:
    authenticator = KeyAuthenticator(create_session_factory(session.bind), "secret", bootstrap_key=None)  # type: ignore[arg-type]
    for key_id, team, user in [("k1", TEAM, None), ("k2", TEAM, USER), ("k3", OTHER_TEAM, None)]:
        authenticator._cache[key_id] = _CachedKey("hash", team, user, frozenset({Scope.READ}), None, 0.0)
    return authenticator


@pytest.mark.parametrize(
    ("forget", "left"),
    [
        ({"key_id": "k1"}, {"k2", "k3"}),
        ({"team_id": TEAM}, {"k3"}),
        ({"user_id": USER}, {"k1", "k3"}),
    ],
)
async def test_keys_are_forgotten_when_the_change_commits(
    session: AsyncSession, forget: dict[str, object], left: set[str]
) -> None:
    authenticator = authenticator_with_keys(session)
    await session.connection()
    authenticator.forget_after_commit(session, **forget)  # type: ignore[arg-type]
    assert cached(authenticator) == {"k1", "k2", "k3"}  # not before the commit
    await session.commit()
    assert cached(authenticator) == left


async def test_a_rolled_back_revocation_forgets_nothing(session: AsyncSession) -> None:
    authenticator = authenticator_with_keys(session)
    await session.connection()
    authenticator.forget_after_commit(session, team_id=TEAM)
    await session.rollback()
    await session.connection()
    await session.commit()
    assert cached(authenticator) == {"k1", "k2", "k3"}
