"""FastAPI dependencies shared by every router: the app's resources, the request's session and the
acting principal.

Every endpoint declares how it uses the database: :data:`ReadSessionDep` (the read engine: autocommit,
writes refused) or :data:`WriteSessionDep` (the write engine: one transaction). The choice is the
endpoint's, never guessed from the HTTP method, so a read-only ``POST`` such as an impact analysis does
not hold SQLite's write lock. Both run with ``scope="function"``: the write session commits right after
the path function returns and *before* the response is sent, so a 2xx always means the change is
committed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from tessera.auth.authentication import KeyAuthenticator
from tessera.auth.principal import Principal
from tessera.config import Settings
from tessera.enums import Scope
from tessera.errors import Forbidden, TesseraError, Unauthenticated, ValidationFailed
from tessera.notifications.ssrf import UrlPolicy
from tessera.resources import AppResources, app_resources
from tessera.schemas import MAX_OFFSET


async def get_resources(request: Request) -> AppResources:
    """The running app's typed resources."""
    return app_resources(request.app)


ResourcesDep = Annotated[AppResources, Depends(get_resources)]


async def app_settings(resources: ResourcesDep) -> Settings:
    """The app's settings."""
    return resources.settings


async def get_authenticator(resources: ResourcesDep) -> KeyAuthenticator:
    """The API-key authenticator (and its cache)."""
    return resources.authenticator


async def get_url_policy(resources: ResourcesDep) -> UrlPolicy:
    """The SSRF policy webhook targets are checked against."""
    return resources.url_policy


async def get_server_key(resources: ResourcesDep) -> str:
    """The key API-key hashes are computed with."""
    return resources.server_key


SettingsDep = Annotated[Settings, Depends(app_settings)]
AuthenticatorDep = Annotated[KeyAuthenticator, Depends(get_authenticator)]
UrlPolicyDep = Annotated[UrlPolicy, Depends(get_url_policy)]
ServerKeyDep = Annotated[str, Depends(get_server_key)]


async def read_session(resources: ResourcesDep) -> AsyncIterator[AsyncSession]:
    """A session on the read engine (autocommit, writes refused): nothing to commit or roll back."""
    async with resources.read_session_factory() as session:
        yield session


async def write_session(resources: ResourcesDep) -> AsyncIterator[AsyncSession]:
    """One transaction on the write engine; it commits before the response goes out.

    An error rolls the change back, unless it is a :class:`TesseraError` that asks for a commit (e.g. a
    proposal found expired is recorded as expired even though the request fails).
    """
    async with resources.session_factory() as session:
        try:
            yield session
            await session.commit()
        except TesseraError as exc:
            await (session.commit() if exc.commit else session.rollback())
            raise
        except BaseException:
            await session.rollback()
            raise


ReadSessionDep = Annotated[AsyncSession, Depends(read_session, scope="function")]
WriteSessionDep = Annotated[AsyncSession, Depends(write_session, scope="function")]


async def get_principal(request: Request, resources: ResourcesDep) -> Principal:
    """Authenticate the caller and count the request against its rate limit."""
    request_id: str | None = getattr(request.state, "request_id", None)
    settings = resources.settings
    if settings.auth_disabled:
        return Principal(
            None, None, "dev", frozenset({Scope.ADMIN}), kind="development", request_id=request_id
        )
    raw = request.headers.get("x-api-key")
    auth = request.headers.get("authorization")
    if raw is None and auth and auth.lower().startswith("bearer "):
        raw = auth[7:].strip()
    # An address that keeps presenting bad keys is refused before its next key costs a lookup.
    address = request.client.host if request.client else "unknown"
    resources.failed_auth.check(address)
    try:
        principal = await resources.authenticator.authenticate(raw)
    except Unauthenticated:
        if raw:  # a missing key costs nothing to refuse; a wrong one may have cost a lookup
            resources.failed_auth.failed(address)
        raise
    limit = settings.rate_limit_per_minute
    if limit:
        await resources.rate_limiter.hit(principal.key_id or "anonymous", limit)
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


ReadPrincipal = Annotated[Principal, Depends(require(Scope.READ))]
WritePrincipal = Annotated[Principal, Depends(require(Scope.WRITE))]
AdminPrincipal = Annotated[Principal, Depends(require(Scope.ADMIN))]


@dataclass(frozen=True, slots=True)
class Page:
    """Pagination parameters: ``limit`` rows from ``offset``, or after ``cursor`` (a previous page's
    ``next_cursor``); ``url`` is the request's, to link the next page."""

    limit: int
    offset: int
    cursor: str | None = None
    url: str = ""

    def next_url(self, cursor: str) -> str:
        """This request's path and query with ``cursor`` set and ``offset`` dropped."""
        split = urlsplit(self.url)
        query = [
            (k, v) for k, v in parse_qsl(split.query, keep_blank_values=True) if k not in ("cursor", "offset")
        ]
        query.append(("cursor", cursor))
        return urlunsplit(("", "", split.path, urlencode(query), ""))


async def page_params(request: Request, limit: int = 50, offset: int = 0, cursor: str | None = None) -> Page:
    """Validated pagination: 1..500 items from ``offset`` or after ``cursor`` (checked by the paginator,
    which knows the list's order).

    ``async`` on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, which costs more
    than the check itself.
    """
    if not 1 <= limit <= 500:
        raise ValidationFailed("limit must be between 1 and 500.", code="invalid_limit")
    if not 0 <= offset <= MAX_OFFSET:
        # Above 64 bits no database takes it; far below that no list has that many rows.
        raise ValidationFailed(f"offset must be between 0 and {MAX_OFFSET}.", code="invalid_offset")
    if cursor is not None and offset:
        raise ValidationFailed("Pass either cursor or offset, not both.", code="invalid_cursor")
    url = request.url.path + ("?" + request.url.query if request.url.query else "")
    return Page(limit, offset, cursor or None, url)


PageDep = Annotated[Page, Depends(page_params)]
