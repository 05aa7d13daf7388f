"""Check a change (/assets/{id}/check): the page, the verdict fragment, publish, import from dbt."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from tessera.ui.pages.editor import MAX_FORM_BYTES
from tests.helpers import ADMIN, BOOTSTRAP_KEY, ID_ONLY, V1, V1_NAMED, Api, shared_asset
from tests.ui.helpers import page_csrf, raw_key, sign_in
from tests.ui.query_budget import count_queries

MANIFESTS = Path(__file__).parents[1] / "fixtures" / "dbt" / "manifests"
# Adding an optional column: compatible under the default (backward) mode.
WITH_NAME = {**V1, "properties": {**V1["properties"], "name": {"type": "string"}}}


def manifest(name: str) -> bytes:
    """A committed real-dbt manifest (JSON bytes)."""
    return gzip.decompress((MANIFESTS / f"shop__{name}.json.gz").read_bytes())


async def htmx_post(client: httpx.AsyncClient, path: str, page: str, **kw: Any) -> httpx.Response:
    """POST as htmx does from ``page``: the CSRF token in the header."""
    token = await page_csrf(client, page)
    return await client.post(path, headers={"HX-Request": "true", "X-CSRF-Token": token}, **kw)


async def verdict(client: httpx.AsyncClient, asset_id: str, schema: object) -> httpx.Response:
    text = schema if isinstance(schema, str) else json.dumps(schema)
    page = f"/assets/{asset_id}/check"
    return await htmx_post(client, f"{page}/verdict", page, data={"schema": text})


async def publish(client: httpx.AsyncClient, asset_id: str, schema: object, **fields: str) -> httpx.Response:
    text = schema if isinstance(schema, str) else json.dumps(schema)
    page = f"/assets/{asset_id}/check"
    return await htmx_post(client, f"{page}/publish", page, data={"schema": text, **fields})


async def active_version(api: Api, asset_id: str) -> str | None:
    asset = await api.call("GET", f"/assets/{asset_id}", 200, ADMIN)
    return asset["current_version"]  # type: ignore[no-any-return]


async def test_the_page_starts_from_the_current_contract(client: httpx.AsyncClient, api: Api) -> None:
    shared = await shared_asset(api)
    await sign_in(client, raw_key(shared.owner.write))
    page = await client.get(f"/assets/{shared.asset['id']}/check")
    assert page.status_code == 200
    assert shared.asset["fqn"] in page.text
    assert 'Current version <strong id="current-version">1.0.0</strong>' in page.text
    assert json.loads(draft_of(page.text).replace("&#34;", '"')) == V1
    assert 'id="publish-button"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


async def test_publish_is_offered_only_to_the_owner_with_write_scope(
    client: httpx.AsyncClient, api: Api
) -> None:
    shared = await shared_asset(api)
    for key, why in [
        (shared.owner.read, "read scope"),
        (shared.consumer.write, "Only the owner team"),
    ]:
        client.cookies.clear()
        await sign_in(client, raw_key(key))
        page = await client.get(f"/assets/{shared.asset['id']}/check")
        assert page.status_code == 200 and 'id="publish-button"' not in page.text
        assert why in page.text


async def test_the_verdict_of_a_breaking_change_names_the_teams_that_must_answer(
    client: httpx.AsyncClient, api: Api
) -> None:
    shared = await shared_asset(api, register_with=[{"columns": ["email"]}])
    await sign_in(client, raw_key(shared.owner.read))  # a read key may ask for the verdict
    response = await verdict(client, shared.asset["id"], ID_ONLY)
    assert response.status_code == 200
    assert "<html" not in response.text  # the fragment only
    assert 'data-verdict="breaking"' in response.text and 'data-suggested-version="2.0.0"' in response.text
    must_answer = response.text.split("Consumer teams that must answer")[1]
    assert shared.consumer.name in must_answer
    assert "<code>email</code>" in response.text  # the change table's field


async def test_the_verdict_of_a_compatible_or_no_change(client: httpx.AsyncClient, api: Api) -> None:
    shared = await shared_asset(api)
    await sign_in(client, raw_key(shared.owner.write))
    compatible = await verdict(client, shared.asset["id"], WITH_NAME)
    assert 'data-verdict="compatible"' in compatible.text
    assert 'data-suggested-version="1.1.0"' in compatible.text
    informed = compatible.text.split("Consumer teams only informed")[1]
    assert shared.consumer.name in informed
    same = await verdict(client, shared.asset["id"], V1)
    assert 'data-verdict="unchanged"' in same.text


async def test_an_invalid_draft_is_a_readable_422_with_its_place(client: httpx.AsyncClient, api: Api) -> None:
    shared = await shared_asset(api)
    await sign_in(client, raw_key(shared.owner.write))
    broken = await verdict(client, shared.asset["id"], '{"type": "object",\n  "properties": {,}}')
    assert broken.status_code == 422
    assert "The JSON is not valid" in broken.text and 'data-problem-line="2"' in broken.text
    not_object = await verdict(client, shared.asset["id"], "[1, 2]")
    assert not_object.status_code == 422 and "is a JSON object (got an array)" in not_object.text
    bad_type = {"type": "object", "properties": {"id": {"type": "integr"}}}
    refused = await verdict(client, shared.asset["id"], bad_type)
    assert refused.status_code == 422
    assert "unknown type &#39;integr&#39;" in refused.text
    assert 'data-problem-pointer="/properties/id"' in refused.text


async def test_an_oversized_form_is_refused_unread(client: httpx.AsyncClient, api: Api) -> None:
    shared = await shared_asset(api)
    await sign_in(client, raw_key(shared.owner.write))
    huge = {"type": "object", "description": "x" * (MAX_FORM_BYTES + 1)}
    for action in ("verdict", "publish"):
        path = f"/assets/{shared.asset['id']}/check"
        response = await htmx_post(client, f"{path}/{action}", path, data={"schema": json.dumps(huge)})
        assert response.status_code == 413 and "payload_too_large" in response.text


async def test_verdict_and_publish_need_the_csrf_token(client: httpx.AsyncClient, api: Api) -> None:
    shared = await shared_asset(api)
    await sign_in(client, raw_key(shared.owner.write))
    base = f"/assets/{shared.asset['id']}/check"
    for path in (f"{base}/verdict", f"{base}/publish"):
        refused = await client.post(path, data={"schema": json.dumps(WITH_NAME)})
        assert refused.status_code == 403 and "csrf_refused" in refused.text
    assert await active_version(api, shared.asset["id"]) == "1.0.0"


async def test_publishing_a_compatible_change(client: httpx.AsyncClient, api: Api) -> None:
    shared = await shared_asset(api)
    await sign_in(client, raw_key(shared.owner.write))
    response = await publish(client, shared.asset["id"], WITH_NAME, reason="names for the newsletter")
    assert response.status_code == 200, response.text
    assert "Published version 1.1.0" in response.text
    assert f"/assets/{shared.asset['id']}/compare?from=1.0.0&amp;to=1.1.0" in response.text
    assert response.headers["hx-trigger"] == "contract-changed"
    # The page's "current version" follows (out-of-band swap).
    assert '<strong id="current-version" hx-swap-oob="true">1.1.0</strong>' in response.text
    assert await active_version(api, shared.asset["id"]) == "1.1.0"


async def test_a_breaking_change_opens_the_proposal(client: httpx.AsyncClient, api: Api) -> None:
    shared = await shared_asset(api)
    await sign_in(client, raw_key(shared.owner.write))
    response = await publish(client, shared.asset["id"], ID_ONLY, version="2.0.0", deadline="2999-01-31")
    assert response.status_code == 200, response.text
    proposal_id = re.search(r'href="/proposals/([0-9a-f-]+)"', response.text)
    assert proposal_id and "Proposal opened" in response.text
    proposal = await api.call("GET", f"/proposals/{proposal_id.group(1)}", 200, ADMIN)
    assert proposal["proposed_version"] == "2.0.0" and proposal["expires_at"].startswith("2999-01-31")
    assert await active_version(api, shared.asset["id"]) == "1.0.0"


async def test_publish_is_refused_to_a_read_key_and_to_another_team(
    client: httpx.AsyncClient, api: Api
) -> None:
    shared = await shared_asset(api)
    await sign_in(client, raw_key(shared.owner.read))
    refused = await publish(client, shared.asset["id"], WITH_NAME)
    assert refused.status_code == 403 and "insufficient_scope" in refused.text
    client.cookies.clear()
    await sign_in(client, raw_key(shared.consumer.write))
    refused = await publish(client, shared.asset["id"], WITH_NAME)
    assert refused.status_code == 403 and "not_asset_owner" in refused.text
    assert await active_version(api, shared.asset["id"]) == "1.0.0"


async def test_publish_explains_bad_input_and_writes_nothing(client: httpx.AsyncClient, api: Api) -> None:
    shared = await shared_asset(api)
    await sign_in(client, raw_key(shared.owner.write))
    asset_id = shared.asset["id"]
    invalid_json = await publish(client, asset_id, "{not json")
    assert invalid_json.status_code == 422 and "The JSON is not valid" in invalid_json.text
    bad_schema = await publish(client, asset_id, {"type": "object", "properties": {"id": {"type": 5}}})
    assert bad_schema.status_code == 422 and "data-problem-pointer" in bad_schema.text
    for fields, code in [
        ({"version": "1.0.1"}, "invalid_version"),  # adding a column needs a minor bump
        ({"deadline": "soon"}, "invalid_expiry"),
        ({"reason": "x" * 5001}, "validation_error"),
    ]:
        response = await publish(client, asset_id, WITH_NAME, **fields)
        assert response.status_code == 422 and code in response.text, fields
    assert await active_version(api, asset_id) == "1.0.0"


async def test_publish_without_javascript_renders_the_whole_page(client: httpx.AsyncClient, api: Api) -> None:
    shared = await shared_asset(api, consumers=0)
    await sign_in(client, raw_key(shared.owner.write))
    page = f"/assets/{shared.asset['id']}/check"
    token = await page_csrf(client, page)
    response = await client.post(
        f"{page}/publish", data={"schema": json.dumps(V1_NAMED), "csrf_token": token, "version": "2.0.0"}
    )
    assert response.status_code == 200 and "<html" in response.text
    assert "Published version 2.0.0" in response.text


async def test_import_from_an_uploaded_manifest(client: httpx.AsyncClient, api: Api) -> None:
    shared = await shared_asset(api)
    await sign_in(client, raw_key(shared.owner.read))
    page = f"/assets/{shared.asset['id']}/check"
    raw = manifest("base")
    listed = await htmx_post(client, f"{page}/dbt", page, files={"manifest": ("manifest.json", raw)})
    assert listed.status_code == 200, listed.text
    assert '<option value="model.shop.fct_orders"' in listed.text and "data-draft-schema" not in listed.text
    chosen = await htmx_post(
        client,
        f"{page}/dbt",
        page,
        data={"model": "model.shop.fct_orders", "action": "use", "manifest_text": raw.decode()},
    )
    assert chosen.status_code == 200
    draft = re.search(r'data-draft-schema="([^"]+)"', chosen.text)
    assert draft
    schema = json.loads(draft.group(1).replace("&#34;", '"').replace("&amp;", "&"))
    assert list(schema["properties"])[:3] == ["order_id", "customer_id", "country_code"]


async def test_a_bad_manifest_is_explained(client: httpx.AsyncClient, api: Api) -> None:
    shared = await shared_asset(api)
    await sign_in(client, raw_key(shared.owner.write))
    page = f"/assets/{shared.asset['id']}/check"
    for data, code in [
        ({"manifest_text": '{"metadata": {}, "nodes": {'}, "truncated"),
        ({"manifest_text": '{"nodes": {}}'}, "missing_field"),
        ({"manifest_text": "  "}, "manifest_missing"),
        ({"manifest_text": manifest("base").decode(), "model": "model.x.nope", "action": "use"}, "dbt_model"),
    ]:
        response = await htmx_post(client, f"{page}/dbt", page, data=data)
        assert 400 <= response.status_code < 500 and code in response.text, (data.keys(), response.text)
        assert 'role="alert"' in response.text


def draft_of(html: str) -> str:
    """The JSON text the editor starts from."""
    found = re.search(r'<textarea id="schema-json"[^>]*>(.*?)</textarea>', html, re.S)
    assert found
    return found.group(1)


async def test_start_from_the_last_synced_dbt_model(client: httpx.AsyncClient, api: Api) -> None:
    fallback = await api.team("platform")
    for named in ("Analytics", "finance"):  # the manifest's meta.owner names them
        await api.team(named)
    reader = await api.team("country-readers")

    async def sync(name: str) -> None:
        resp = await client.post(
            f"/api/v1/sync/dbt?owner_team_id={fallback.id}",
            content=manifest(name),
            headers={**ADMIN, "Content-Type": "application/json"},
        )
        assert resp.status_code == 200, resp.text

    await sync("base")
    found = await api.call("GET", "/assets?q=fact_orders", 200, ADMIN)
    fct = next(a for a in found["items"] if a["fqn"] == "shop.main.fact_orders")
    await sign_in(client, BOOTSTRAP_KEY)
    page = await client.get(f"/assets/{fct['id']}/check", params={"start": "dbt"})
    assert page.status_code == 200 and "model.shop.fct_orders, as synced in version 1.0.0" in page.text
    assert "country_code" in draft_of(page.text)

    # A sync that drops a column someone reads opens a proposal: the draft starts from what it proposed.
    await api.register(reader, fct["id"], columns=["country_code"])
    await sync("dropped_column")
    page = await client.get(f"/assets/{fct['id']}/check", params={"start": "dbt"})
    assert page.status_code == 200 and "the open proposal of the last dbt sync" in page.text
    assert "country_code" not in draft_of(page.text) and "order_id" in draft_of(page.text)

    other = await shared_asset(api, consumers=0)
    refused = await client.get(f"/assets/{other.asset['id']}/check", params={"start": "dbt"})
    assert refused.status_code == 422 and "not_from_dbt" in refused.text
    unknown = await client.get(f"/assets/{other.asset['id']}/check", params={"start": "yesterday"})
    assert unknown.status_code == 422 and "invalid_start" in unknown.text


async def test_the_first_contract_of_an_asset(client: httpx.AsyncClient, api: Api) -> None:
    owner = await api.team()
    asset = await api.asset(owner)
    await sign_in(client, raw_key(owner.write))
    page = await client.get(f"/assets/{asset['id']}/check")
    assert page.status_code == 200 and "none yet (the first publish is 1.0.0)" in page.text
    assert json.loads(draft_of(page.text).replace("&#34;", '"')) == {"type": "object", "properties": {}}
    first = await verdict(client, asset["id"], V1)
    assert 'data-verdict="compatible"' in first.text and 'data-suggested-version="1.0.0"' in first.text
    published = await publish(client, asset["id"], V1)
    assert "Published version 1.0.0" in published.text
    assert await active_version(api, asset["id"]) == "1.0.0"


async def test_unknown_asset_is_a_404_page(client: httpx.AsyncClient) -> None:
    await sign_in(client, BOOTSTRAP_KEY)
    missing = await client.get("/assets/00000000-0000-0000-0000-000000000000/check")
    assert missing.status_code == 404 and "asset_not_found" in missing.text


async def test_page_and_verdict_cost_the_same_queries_whatever_the_data_size(
    client: httpx.AsyncClient, api: Api, app: FastAPI
) -> None:
    small = await shared_asset(api, consumers=1)
    columns = {f"c{i}": {"type": "string"} for i in range(60)}
    wide = {"type": "object", "properties": columns}
    large = await shared_asset(api, wide, consumers=6)
    await sign_in(client, BOOTSTRAP_KEY)
    counts = []
    narrow = {"type": "object", "properties": {"c0": {"type": "string"}}}
    for shared, draft in ((small, ID_ONLY), (large, narrow)):
        page = f"/assets/{shared.asset['id']}/check"
        token = await page_csrf(client, page)
        async with count_queries(app) as on_page:
            assert (await client.get(page)).status_code == 200
        async with count_queries(app) as on_verdict:
            response = await client.post(
                f"{page}/verdict",
                data={"schema": json.dumps(draft)},
                headers={"HX-Request": "true", "X-CSRF-Token": token},
            )
            assert 'data-verdict="breaking"' in response.text
        counts.append((on_page.total, on_verdict.total))
    assert counts[0] == counts[1], counts
    assert counts[0][0] <= 6 and counts[0][1] <= 14, counts
