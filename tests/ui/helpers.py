"""In-process helpers for UI tests: sign a client in, read a page's CSRF token."""

from __future__ import annotations

import re

import httpx

from tessera.ui.security import SESSION_COOKIE

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRF-Token": "([^"]+)"')


def raw_key(headers: dict[str, str]) -> str:
    """The API key inside ``TeamCtx.read``-style headers."""
    return headers["Authorization"].removeprefix("Bearer ")


def csrf_of(html: str) -> str:
    """The CSRF token of a page: its first form's field, or the header htmx sends (``hx-headers``)."""
    match = _CSRF.search(html)
    assert match, "the page has no csrf_token field and no X-CSRF-Token header"
    return match.group(1) or match.group(2)


async def sign_in(client: httpx.AsyncClient, key: str, next_url: str = "/") -> httpx.Response:
    """Sign ``client`` in with ``key`` through the sign-in form; returns the form's answer."""
    form = await client.get("/signin", params={"next": next_url})
    response = await client.post(
        "/signin", data={"api_key": key, "csrf_token": csrf_of(form.text), "next": next_url}
    )
    if response.status_code == 303:
        assert client.cookies.get(SESSION_COOKIE)
    return response


async def page_csrf(client: httpx.AsyncClient, path: str = "/") -> str:
    """The CSRF token a signed-in page carries (for building a legitimate form post)."""
    response = await client.get(path)
    assert response.status_code == 200, response.text
    return csrf_of(response.text)
