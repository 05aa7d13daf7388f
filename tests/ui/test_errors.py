"""Errors on UI paths are readable pages (or htmx banners) with the API's status codes."""

from __future__ import annotations

import httpx

from tests.helpers import BOOTSTRAP_KEY
from tests.ui.helpers import sign_in


async def test_an_unknown_page_is_a_readable_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Not found" in response.text and "<code>not_found</code>" in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


async def test_an_htmx_error_is_a_banner_for_the_messages_region(client: httpx.AsyncClient) -> None:
    await sign_in(client, BOOTSTRAP_KEY)
    response = await client.get("/assets?sort=nope", headers={"HX-Request": "true", "HX-Target": "results"})
    assert response.status_code == 422
    assert response.headers["hx-retarget"] == "#messages"
    assert 'role="alert"' in response.text and "<html" not in response.text
    assert "Unknown sort" in response.text
