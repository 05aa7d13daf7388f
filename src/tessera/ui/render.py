"""Rendering pages: one Jinja environment, the context every template gets, partial blocks for htmx."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tessera import __version__

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"
FLASH_COOKIE = "tessera_flash"


def static_url(path: str) -> str:
    """URL of a file under ``static/``; the version query makes browsers refetch after an upgrade."""
    return f"/static/{path}?v={__version__}"


def relative_time(value: datetime | None, now: datetime | None = None) -> str:
    """'3 hours ago' / 'in 2 days' for ``value`` (aware); '' for None."""
    if value is None:
        return ""
    now = now or datetime.now(UTC)
    seconds = (now - value).total_seconds()
    future, seconds = seconds < 0, abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            text = f"{n} {unit}{'' if n == 1 else 's'}"
            return f"in {text}" if future else f"{text} ago"
    return "just now"


def absolute_time(value: datetime | None) -> str:
    """``2026-12-07 00:40 UTC`` for ``value``; '' for None."""
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@functools.cache
def environment() -> jinja2.Environment:
    """The one Jinja environment of the pages, built when the first page is rendered.

    Compiling the macros took a noticeable share of the server's start-up while the first request is
    usually an API call or a health probe (issue 17); ``tests/test_startup.py`` checks that creating the
    app compiles no template.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static_url"] = static_url
    env.filters["relative_time"] = relative_time
    env.filters["absolute_time"] = absolute_time
    # The macros are a global (``m``), so a block rendered alone for htmx sees them like the full page does.
    env.globals["m"] = env.get_template("macros.html").make_module()
    return env


def is_htmx(request: Request) -> bool:
    """True when htmx sent the request (a partial update, not a navigation)."""
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    block: str | None = None,
) -> HTMLResponse:
    """Render ``template`` (or only its ``block``, for an htmx request that updates one region).

    ``context`` must hold ``ui`` (a :class:`tessera.ui.deps.UiContext`, or ``None`` before sign-in).
    """
    tmpl = environment().get_template(template)
    ctx = {"request": request, "flashes": _flashes(request), **context}
    html = "".join(tmpl.blocks[block](tmpl.new_context(ctx))) if block is not None else tmpl.render(ctx)
    response = HTMLResponse(html, status_code=status_code)
    if ctx["flashes"]:
        response.delete_cookie(FLASH_COOKIE, path="/")
    ui = context.get("ui")
    if ui is not None and ui.set_csrf_cookie:
        ui.apply_csrf_cookie(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def redirect(url: str, *, request: Request | None = None, flash: str | None = None) -> Response:
    """A 303 to ``url`` (an ``HX-Redirect`` for htmx requests), optionally carrying a flash message."""
    response: Response
    if request is not None and is_htmx(request):
        response = Response(status_code=204, headers={"HX-Redirect": url})
    else:
        response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, quote(flash[:300]), httponly=True, samesite="lax", path="/")
    return response


def _flashes(request: Request) -> list[str]:
    raw = request.cookies.get(FLASH_COOKIE)
    return [unquote(raw)] if raw else []
