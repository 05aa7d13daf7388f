"""The UI's request dependency: who is signed in, their CSRF token, and the CSRF check itself.

Every UI route declares :data:`UiDep` (signed-in pages) next to its one session dependency. With
``AUTH_DISABLED=true`` there is no sign-in: the principal is the API's development principal and the CSRF
token is the double-submit cookie's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response

from tessera.auth.principal import Principal
from tessera.deps import ResourcesDep
from tessera.enums import Scope
from tessera.errors import Forbidden
from tessera.resources import AppResources
from tessera.teams import repository as teams_repo
from tessera.ui import sessions
from tessera.ui.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    UNSAFE_METHODS,
    new_token,
    secure_cookies,
    tokens_match,
)


class CsrfRefused(Forbidden):
    """An unsafe UI request without the page's CSRF token (a forged or stale form)."""

    code = "csrf_refused"


@dataclass(frozen=True, slots=True)
class UiContext:
    """What every page knows about the request: the principal, the CSRF token, the team's name."""

    principal: Principal
    csrf_token: str
    signed_in: bool
    team_name: str | None
    secure: bool
    set_csrf_cookie: bool = False

    @property
    def scopes(self) -> list[str]:
        """The key's scopes, for display."""
        return sorted(s.value for s in self.principal.scopes)

    @property
    def is_admin(self) -> bool:
        """Admin pages (API keys) are shown to admin keys only."""
        return self.principal.is_admin

    @property
    def can_write(self) -> bool:
        """Whether write actions (buttons, forms) are shown; the services still decide per action."""
        return self.principal.has_scope(Scope.WRITE)

    def apply_csrf_cookie(self, response: Response) -> None:
        """Set the double-submit cookie carrying :attr:`csrf_token` (sign-in form, AUTH_DISABLED)."""
        set_csrf_cookie(response, self.csrf_token, secure=self.secure)


def set_csrf_cookie(response: Response, token: str, *, secure: bool) -> None:
    """The pre-session CSRF cookie (double submit): readable only by the server, sent same-site."""
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure, path="/")


async def presented_csrf(request: Request) -> str | None:
    """The token an unsafe request carries: the ``X-CSRF-Token`` header (htmx) or the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def check_csrf(request: Request, expected: str) -> None:
    """Refuse an unsafe request whose token is missing or wrong (403, state unchanged)."""
    if request.method in UNSAFE_METHODS and not tokens_match(await presented_csrf(request), expected):
        raise CsrfRefused(
            "This form has expired or did not come from this site; reload the page and try again."
        )


async def _team_name(resources: AppResources, principal: Principal) -> str | None:
    if principal.team_id is None:
        return None
    async with resources.read_session_factory() as read:
        team = await teams_repo.get(read, principal.team_id)
    return None if team is None else team.name


async def ui_context(request: Request, resources: ResourcesDep) -> UiContext:
    """The signed-in context (or the development one); :class:`SignInRequired` sends the browser to
    /signin. Unsafe methods are checked against the CSRF token here, before the route runs."""
    request_id: str | None = getattr(request.state, "request_id", None)
    secure = secure_cookies(request, resources.settings)
    if resources.settings.auth_disabled:
        principal = Principal(
            None, None, "dev", frozenset({Scope.ADMIN}), kind="development", request_id=request_id
        )
        cookie = request.cookies.get(CSRF_COOKIE)
        await check_csrf(request, cookie or "")
        return UiContext(principal, cookie or new_token(), False, None, secure, set_csrf_cookie=not cookie)
    active = await sessions.resolve(resources, request.cookies.get(SESSION_COOKIE))
    await check_csrf(request, active.csrf_token)
    principal = active.principal.with_request(request_id)
    return UiContext(principal, active.csrf_token, True, await _team_name(resources, principal), secure)


UiDep = Annotated[UiContext, Depends(ui_context)]
