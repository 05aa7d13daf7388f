"""The key cache forgets revoked keys only once the revocation commits."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.app import create_app
from tessera.auth.authentication import KeyAuthenticator, _CachedKey
from tessera.auth.keys import generate_key
from tessera.config import Settings
from tessera.db.engine import create_session_factory
from tessera.enums import Scope
from tessera.errors import Unauthenticated
from tests.helpers import ADMIN, API, auth

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


async def test_an_unknown_key_id_is_looked_up_once_per_moment(session: AsyncSession) -> None:
    factory = create_session_factory(session.bind)  # type: ignore[arg-type]
    opened: list[int] = []

    def counting_factory() -> AsyncSession:
        opened.append(1)
        return factory()

    authenticator = KeyAuthenticator(counting_factory, "secret", bootstrap_key=None)  # type: ignore[arg-type]
    raw, _ = generate_key()  # well formed, never stored
    for _ in range(5):
        with pytest.raises(Unauthenticated):
            await authenticator.authenticate(raw)
    assert len(opened) == 1


async def test_an_address_presenting_bad_keys_is_refused_before_lookup(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"failed_auth_per_minute": 3}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://tessera.test") as client:
            bad = auth(generate_key()[0])
            codes = [(await client.get(f"{API}/teams", headers=bad)).status_code for _ in range(4)]
            assert codes == [401, 401, 401, 429]
            refused = await client.get(f"{API}/teams", headers=ADMIN)  # the whole address waits
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        other = httpx.ASGITransport(app=app, client=("10.9.9.9", 5555))
        async with httpx.AsyncClient(transport=other, base_url="http://tessera.test") as client:
            assert (await client.get(f"{API}/teams", headers=ADMIN)).status_code == 200
