"""Sign-in and sign-out routes: an API key exchanged for a server-side session."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from tessera.deps import ReadSessionDep, ResourcesDep, WriteSessionDep
from tessera.errors import Unauthenticated
from tessera.ui import sessions
from tessera.ui.deps import CsrfRefused, UiDep, set_csrf_cookie
from tessera.ui.render import redirect, render
from tessera.ui.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    new_token,
    safe_next,
    secure_cookies,
    tokens_match,
)

router = APIRouter(include_in_schema=False)


def _form_page(
    request: Request, resources: ResourcesDep, next_url: str, error: str | None, status: int
) -> Response:
    """The sign-in form with a fresh double-submit CSRF token (cookie + hidden field)."""
    token = request.cookies.get(CSRF_COOKIE) or new_token()
    response = render(
        request,
        "signin.html",
        {"ui": None, "csrf_token": token, "next": next_url, "error": error},
        status_code=status,
    )
    set_csrf_cookie(response, token, secure=secure_cookies(request, resources.settings))
    return response


@router.get("/signin")
async def signin_form(
    request: Request, resources: ResourcesDep, _: ReadSessionDep, next: str | None = None
) -> Response:
    """The sign-in page (straight to ``next`` when sign-in is off)."""
    if resources.settings.auth_disabled:
        return redirect(safe_next(next))
    return _form_page(request, resources, safe_next(next), None, 200)


@router.post("/signin")
async def signin(
    request: Request,
    resources: ResourcesDep,
    session: WriteSessionDep,
    api_key: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the key with the API's authenticator; on success start a session and go to ``next``."""
    if resources.settings.auth_disabled:
        return redirect(safe_next(next))
    if not tokens_match(csrf_token, request.cookies.get(CSRF_COOKIE)):
        raise CsrfRefused("The sign-in form has expired; reload the page and sign in again.")
    limit = resources.settings.ui_signin_per_minute
    if limit:
        client = request.client.host if request.client else "unknown"
        await resources.rate_limiter.hit(f"ui-signin:{client}", limit)
    target = safe_next(next)
    try:
        principal = await resources.authenticator.authenticate(api_key.strip())
    except Unauthenticated as exc:
        return _form_page(request, resources, target, exc.message, 401)
    token, _row = await sessions.start(session, resources, principal)
    response = redirect(target)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(resources.settings.ui_session_hours * 3600),
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request, resources.settings),
        path="/",
    )
    return response


@router.post("/signout")
async def signout(request: Request, ui: UiDep, resources: ResourcesDep, session: WriteSessionDep) -> Response:
    """Delete the session (the CSRF check ran in :data:`UiDep`) and return to the sign-in page."""
    await sessions.end(session, resources, request.cookies.get(SESSION_COOKIE))
    response = redirect("/signin" if ui.signed_in else "/", request=request, flash="You have signed out.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
