"""FastAPI dependencies shared by every router: the request's session and the acting principal.

The session dependency runs with ``scope="function"``: it commits right after the path function returns
and *before* the response is sent, so a 2xx always means the change is committed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.auth.authentication import KeyAuthenticator
from tessera.auth.principal import Principal
from tessera.config import Settings
from tessera.enums import Scope
from tessera.errors import Forbidden, TesseraError, ValidationFailed


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One session per request; a change commits before the response goes out.

    ``GET``/``HEAD`` requests read through the read engine (autocommit, writes refused): nothing to
    commit or roll back.
    """
    state = request.app.state
    if request.method in ("GET", "HEAD"):
        async with state.read_session_factory() as session:
            yield session
        return
    async with state.session_factory() as session:
        try:
            yield session
            await session.commit()
        except TesseraError as exc:
            await (session.commit() if exc.commit else session.rollback())
            raise
        except BaseException:
            await session.rollback()
            raise


async def get_principal(request: Request) -> Principal:
    """Authenticate the caller and count the request against its rate limit."""
    state = request.app.state
    request_id: str | None = getattr(request.state, "request_id", None)
    settings: Settings = state.settings
    if settings.auth_disabled:
        return Principal(
            None, None, "dev", frozenset({Scope.ADMIN}), kind="development", request_id=request_id
        )
    raw = request.headers.get("x-api-key")
    auth = request.headers.get("authorization")
    if raw is None and auth and auth.lower().startswith("bearer "):
        raw = auth[7:].strip()
    authenticator: KeyAuthenticator = state.authenticator
    principal = await authenticator.authenticate(raw)
    limit = settings.rate_limit_per_minute
    if limit:
        await state.rate_limiter.hit(principal.key_id or "anonymous", limit)
    return principal.with_request(request_id)


def require(scope: Scope) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """A dependency that authenticates and demands at least ``scope``."""

    async def dependency(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.has_scope(scope):
            raise Forbidden(
                f"This action needs an API key with the '{scope.value}' scope.", code="insufficient_scope"
            )
        return principal

    return dependency


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
ReadPrincipal = Annotated[Principal, Depends(require(Scope.READ))]
WritePrincipal = Annotated[Principal, Depends(require(Scope.WRITE))]
AdminPrincipal = Annotated[Principal, Depends(require(Scope.ADMIN))]


@dataclass(frozen=True, slots=True)
class Page:
    """limit/offset pagination parameters."""

    limit: int
    offset: int


async def page_params(limit: int = 50, offset: int = 0) -> Page:
    """Validated pagination: 1..500 items from ``offset``.

    ``async`` on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, which costs more
    than the check itself.
    """
    if not 1 <= limit <= 500:
        raise ValidationFailed("limit must be between 1 and 500.", code="invalid_limit")
    if offset < 0:
        raise ValidationFailed("offset must be 0 or more.", code="invalid_offset")
    return Page(limit, offset)


PageDep = Annotated[Page, Depends(page_params)]
