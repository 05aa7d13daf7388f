"""Comparing two versions of an asset: pickers, the shared diff view, swapping, identical, unknown."""

from __future__ import annotations

import re

import httpx

from tests.helpers import BOOTSTRAP_KEY, Api
from tests.ui.asset_world import ORDERS_V3, orders_world
from tests.ui.helpers import sign_in
from tests.ui.test_asset_page import text_of


def selected(html: str, name: str) -> str:
    """The version selected in the ``name`` picker."""
    select = html[html.index(f'name="{name}"') :].split("</select>")[0]
    match = re.search(r'<option value="([^"]+)" selected>', select)
    assert match, select
    return match.group(1)


async def breaking_world(api: Api) -> str:
    """An asset with versions 1.0.0, 1.1.0 (column added) and 2.0.0 (email dropped, force-published)."""
    world = await orders_world(api, propose=False)
    await api.publish(world.owner, world.id, ORDERS_V3, expect=202)
    proposal = (await api.call("GET", f"/proposals?asset_id={world.id}", 200, world.owner.read))["items"][0]
    await api.ack(world.consumer, proposal["id"])
    return world.id


async def test_defaults_to_the_newest_version_and_the_one_before(client: httpx.AsyncClient, api: Api) -> None:
    asset_id = await breaking_world(api)
    await sign_in(client, BOOTSTRAP_KEY)
    response = await client.get(f"/assets/{asset_id}/compare")
    assert response.status_code == 200
    assert (selected(response.text, "from"), selected(response.text, "to")) == ("1.1.0", "2.0.0")
    # The pickers list every version; the diff is the shared change table with a breaking row.
    assert response.text.count('<option value="1.0.0"') == 2
    assert '<table class="changes">' in response.text
    group = response.text[response.text.index("<code>email</code>") :].split("</tbody>")[0]
    assert "badge-breaking" in group and "Property removed" in group
    assert "1 breaking" in text_of(response.text)


async def test_any_two_versions_and_swapping_them(client: httpx.AsyncClient, api: Api) -> None:
    asset_id = await breaking_world(api)
    await sign_in(client, BOOTSTRAP_KEY)
    forward = await client.get(f"/assets/{asset_id}/compare", params={"from": "1.0.0", "to": "1.1.0"})
    assert "Property added" in forward.text and "none breaking" in text_of(forward.text)
    assert 'href="/assets/' + asset_id + '/compare?from=1.1.0&amp;to=1.0.0">Swap' in forward.text
    backward = await client.get(f"/assets/{asset_id}/compare", params={"from": "1.1.0", "to": "1.0.0"})
    assert (selected(backward.text, "from"), selected(backward.text, "to")) == ("1.1.0", "1.0.0")
    assert "Property removed" in backward.text and "badge-breaking" in backward.text
    only_to = await client.get(f"/assets/{asset_id}/compare", params={"to": "1.1.0"})
    assert selected(only_to.text, "from") == "1.0.0"


async def test_guarantee_changes_are_shown(client: httpx.AsyncClient, api: Api) -> None:
    world = await orders_world(api, propose=False)
    await api.publish(world.owner, world.id, {**await _active_schema(api, world.id)}, guarantees={})
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get(f"/assets/{world.id}/compare")).text
    assert "(guarantee)" in html and "Not null removed" in html


async def _active_schema(api: Api, asset_id: str) -> dict[str, object]:
    page = await api.call("GET", f"/assets/{asset_id}/contracts?limit=1", 200, {"X-API-Key": BOOTSTRAP_KEY})
    schema: dict[str, object] = page["items"][0]["schema"]
    return schema


async def test_same_version_is_identical(client: httpx.AsyncClient, api: Api) -> None:
    asset_id = await breaking_world(api)
    await sign_in(client, BOOTSTRAP_KEY)
    html = (await client.get(f"/assets/{asset_id}/compare", params={"from": "1.1.0", "to": "1.1.0"})).text
    assert "compared with itself: identical" in text_of(html) and '<table class="changes">' not in html


async def test_unknown_versions_and_assets_are_readable_404s(client: httpx.AsyncClient, api: Api) -> None:
    asset_id = await breaking_world(api)
    await sign_in(client, BOOTSTRAP_KEY)
    unknown = await client.get(f"/assets/{asset_id}/compare", params={"from": "1.0.0", "to": "9.9.9"})
    assert unknown.status_code == 404
    assert "has no contract version '9.9.9'" in text_of(unknown.text)
    assert "<code>contract_version_not_found</code>" in unknown.text
    gone = await client.get("/assets/00000000-0000-4000-8000-000000000000/compare")
    assert gone.status_code == 404 and "<code>asset_not_found</code>" in gone.text
    assert (await client.get("/assets/123/compare")).status_code == 422


async def test_one_version_has_nothing_to_compare(client: httpx.AsyncClient, api: Api) -> None:
    owner = await api.team()
    asset = await api.asset(owner)
    await sign_in(client, BOOTSTRAP_KEY)
    assert "no published version" in text_of((await client.get(f"/assets/{asset['id']}/compare")).text)
    await api.publish(owner, asset["id"], {"type": "object", "properties": {"id": {"type": "integer"}}})
    text = text_of((await client.get(f"/assets/{asset['id']}/compare")).text)
    assert "Nothing to compare yet" in text and "one published version" in text
