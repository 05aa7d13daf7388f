"""Turning a presented API key into a :class:`Principal`, in microseconds on the hot path."""

from __future__ import annotations

import hmac
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tessera.api_keys import repository
from tessera.auth.keys import parse_key, secrets_match
from tessera.auth.principal import Principal
from tessera.db.base import utcnow
from tessera.db.commit_hooks import after_commit
from tessera.enums import Scope
from tessera.errors import Unauthenticated


@dataclass(frozen=True, slots=True)
class _CachedKey:
    secret_hash: str
    team_id: uuid.UUID
    user_id: uuid.UUID | None
    scopes: frozenset[Scope]
    expires_at: datetime | None
    loaded_at: float


class KeyAuthenticator:
    """Verifies keys against the database, caching valid key records for a short time.

    The cache holds only the stored hash (never a secret); revocation through this process evicts as soon
    as it commits, other replicas notice within ``ttl_seconds``.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        server_key: str,
        *,
        bootstrap_key: str | None,
        ttl_seconds: float = 30.0,
        unknown_ttl_seconds: float = 5.0,
    ) -> None:
        self._session_factory = session_factory
        self._server_key = server_key
        self._bootstrap_key = bootstrap_key
        self._ttl = ttl_seconds
        self._cache: dict[str, _CachedKey] = {}
        # Key ids found unknown (or revoked) a moment ago: a guessed key costs no second query. Ids are
        # random, so no key created later is hidden by this; a revoked one stays refused anyway.
        self._unknown_ttl = unknown_ttl_seconds
        self._unknown: dict[str, float] = {}

    def forget_after_commit(
        self,
        session: AsyncSession,
        *,
        key_id: str | None = None,
        team_id: uuid.UUID | None = None,
        user_id: uuid.UUID | None = None,
    ) -> None:
        """Forget a key, or every key of a team or user, once ``session``'s change (a revocation, a
        deactivation) commits. Forgotten earlier, a concurrent request could read the still-valid key and
        cache it again."""
        after_commit(session, lambda: self._forget(key_id, team_id, user_id))

    def _forget(self, key_id: str | None, team_id: uuid.UUID | None, user_id: uuid.UUID | None) -> None:
        for cached_id, cached in list(self._cache.items()):
            if (
                cached_id == key_id
                or (team_id is not None and cached.team_id == team_id)
                or (user_id is not None and cached.user_id == user_id)
            ):
                self._cache.pop(cached_id, None)

    async def authenticate(self, raw_key: str | None) -> Principal:
        """The principal for ``raw_key``; :class:`Unauthenticated` with a helpful message otherwise."""
        if not raw_key:
            raise Unauthenticated(
                "Missing API key: send 'Authorization: Bearer <key>' (or the X-API-Key header).",
                code="missing_api_key",
            )
        if self._bootstrap_key and hmac.compare_digest(raw_key.encode(), self._bootstrap_key.encode()):
            return Principal(None, None, "bootstrap", frozenset({Scope.ADMIN}), kind="bootstrap")
        parsed = parse_key(raw_key)
        if parsed is None:
            raise Unauthenticated(
                "The API key is malformed; keys look like 'tess_<id>_<secret>'.", code="invalid_api_key"
            )
        record = await self._lookup(parsed.key_id)
        if record is None or not secrets_match(parsed.secret, record.secret_hash, self._server_key):
            raise Unauthenticated("The API key is unknown or revoked.", code="invalid_api_key")
        if record.expires_at is not None and record.expires_at <= utcnow():
            raise Unauthenticated("The API key has expired; create a new one.", code="expired_api_key")
        return Principal(record.team_id, record.user_id, parsed.key_id, record.scopes)

    async def principal_for_key_id(self, key_id: str) -> Principal:
        """The principal of a key already proven at sign-in, re-checked by id alone (web UI sessions).

        The same checks as :meth:`authenticate` except the secret: a revoked, expired or unknown key (or
        the bootstrap key once it is no longer configured) is :class:`Unauthenticated`.
        """
        if key_id == "bootstrap":
            if not self._bootstrap_key:
                raise Unauthenticated("The bootstrap key is no longer configured.", code="invalid_api_key")
            return Principal(None, None, "bootstrap", frozenset({Scope.ADMIN}), kind="bootstrap")
        record = await self._lookup(key_id)
        if record is None:
            raise Unauthenticated("The API key is unknown or revoked.", code="invalid_api_key")
        if record.expires_at is not None and record.expires_at <= utcnow():
            raise Unauthenticated("The API key has expired; create a new one.", code="expired_api_key")
        return Principal(record.team_id, record.user_id, key_id, record.scopes)

    async def _lookup(self, key_id: str) -> _CachedKey | None:
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is not None and now - cached.loaded_at < self._ttl:
            return cached
        missed = self._unknown.get(key_id)
        if missed is not None and now - missed < self._unknown_ttl:
            return None
        async with self._session_factory() as session:
            row = await repository.usable_key(session, key_id)
        if row is None:
            self._cache.pop(key_id, None)
            if len(self._unknown) > 50_000:
                self._unknown.clear()
            self._unknown[key_id] = now
            return None
        record = _CachedKey(row[0], row[1], row[2], frozenset(Scope(s) for s in row[3]), row[4], now)
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[key_id] = record
        return record
