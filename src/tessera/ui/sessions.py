"""Rules of web UI sessions: an API key proven once at sign-in, re-checked by id on every request.

The cookie carries a random token; the table stores only its keyed hash, the key's id and the CSRF token.
The principal is rebuilt on each request by the same authenticator the API uses, so a page shows and
allows exactly what the key would through the API, and a revoked or expired key ends the session at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.auth.keys import hash_secret
from tessera.auth.principal import Principal
from tessera.db.base import utcnow
from tessera.db.models import UiSession
from tessera.errors import Unauthenticated
from tessera.resources import AppResources
from tessera.ui import repository
from tessera.ui.security import new_token

_Change = Callable[[AsyncSession], Awaitable[None]]
# last_seen_at is written at most this often, so browsing is not a write per page.
_TOUCH_EVERY = timedelta(minutes=5)


class SignInRequired(Unauthenticated):
    """The browser has no valid session: the UI sends it to the sign-in page."""

    code = "signin_required"


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """A resolved session: the acting principal and the session's CSRF token."""

    id: uuid.UUID
    principal: Principal
    csrf_token: str


async def start(
    session: AsyncSession, resources: AppResources, principal: Principal
) -> tuple[str, UiSession]:
    """A new session for an authenticated ``principal``: the cookie token (returned once) and the row."""
    now = utcnow()
    await repository.delete_expired(session, now)
    token = new_token()
    row = UiSession(
        token_hash=hash_secret(token, resources.server_key),
        key_id=principal.key_id or principal.kind,
        csrf_token=new_token(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=resources.settings.ui_session_hours),
    )
    session.add(row)
    await session.flush()
    return token, row


async def resolve(resources: AppResources, token: str | None) -> ActiveSession:
    """The session behind a cookie token, with a freshly checked principal; :class:`SignInRequired`
    otherwise (and a session whose key stopped working is deleted)."""
    if not token:
        raise SignInRequired("Sign in to continue.")
    now = utcnow()
    async with resources.read_session_factory() as read:
        row = await repository.live_session(read, hash_secret(token, resources.server_key), now)
    if row is None:
        raise SignInRequired("Your session has ended; sign in again.")
    try:
        principal = await resources.authenticator.principal_for_key_id(row.key_id)
    except Unauthenticated as exc:
        await _write(resources, lambda s: repository.delete(s, row.id))
        raise SignInRequired(f"Your session has ended: {exc.message}") from exc
    if now - row.last_seen_at > _TOUCH_EVERY:
        await _write(resources, lambda s: repository.touch(s, row.id, now))
    return ActiveSession(row.id, principal, row.csrf_token)


async def end(session: AsyncSession, resources: AppResources, token: str | None) -> None:
    """Sign out: delete the session behind ``token`` (nothing to do without one)."""
    if not token:
        return
    row = await repository.live_session(session, hash_secret(token, resources.server_key), utcnow())
    if row is not None:
        await repository.delete(session, row.id)


async def _write(resources: AppResources, change: _Change) -> None:
    """A small bookkeeping write in its own transaction (the page itself reads on the read engine)."""
    async with resources.session_factory() as session, session.begin():
        await change(session)
