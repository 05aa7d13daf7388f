"""GET /assets/{id}/contracts/diff: either direction, guarantee verdicts under the asset's guarantee mode."""

from __future__ import annotations

import httpx
import pytest

from tests.assertions import assert_error
from tests.helpers import API, V1, V1_PLUS, Api, shared_asset

NOT_NULL = {"columns": {"email": {"not_null": True}}}


@pytest.mark.parametrize(("mode", "blocks"), [("strict", True), ("notify", False), ("ignore", False)])
async def test_guarantee_changes_block_as_the_asset_mode_says(
    client: httpx.AsyncClient, mode: str, blocks: bool
) -> None:
    api = Api(client)
    shared = await shared_asset(
        api, V1, consumers=0, guarantees=NOT_NULL, asset_fields={"guarantee_mode": mode}
    )
    # No consumer is registered, so even a blocking change publishes (as a major version).
    published = await api.publish(shared.owner, shared.asset["id"], V1, guarantees={})
    to = published["contract"]["version"]
    diff = await api.call(
        "GET",
        f"/assets/{shared.asset['id']}/contracts/diff?from_version=1.0.0&to_version={to}",
        200,
        shared.owner.read,
    )
    (change,) = diff["guarantee_changes"]
    assert (change["kind"], change["risk"], change["blocks"]) == ("not_null_removed", "risky", blocks)


async def test_swapping_the_versions_reverses_the_verdict(client: httpx.AsyncClient) -> None:
    api = Api(client)
    shared = await shared_asset(api, V1, consumers=0)
    await api.publish(shared.owner, shared.asset["id"], V1_PLUS)
    url = f"/assets/{shared.asset['id']}/contracts/diff"
    forward = await api.call("GET", f"{url}?from_version=1.0.0&to_version=1.1.0", 200, shared.owner.read)
    backward = await api.call("GET", f"{url}?from_version=1.1.0&to_version=1.0.0", 200, shared.owner.read)
    assert [c["kind"] for c in forward["changes"]] == ["property_added"] and forward["compatible"]
    assert [c["kind"] for c in backward["changes"]] == ["property_removed"] and not backward["compatible"]


async def test_an_unknown_version_names_the_asset(client: httpx.AsyncClient) -> None:
    api = Api(client)
    shared = await shared_asset(api, V1, consumers=0, asset_fields={"fqn": "wh.x.named"})
    response = await client.get(
        f"{API}/assets/{shared.asset['id']}/contracts/diff?from_version=1.0.0&to_version=7.0.0",
        headers=shared.owner.read,
    )
    message = assert_error(response, 404, "contract_version_not_found")["message"]
    assert "'wh.x.named' has no contract version '7.0.0'" in message
