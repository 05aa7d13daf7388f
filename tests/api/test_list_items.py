"""Every list endpoint answers one page shape whose items are exactly the single-item responses.

Lists are written by one serialiser (``page_response``) from rows or entities; single GETs go through
FastAPI and the pydantic model. Both must give the same keys in the same order with the same values.
Lists without a single GET are compared with their model's JSON of the stored row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pydantic import BaseModel

from tessera.api_keys.schemas import ApiKeyRead
from tessera.audit.schemas import AuditEventRead
from tessera.db.models import ApiKey, AuditEvent, QualityRun, WebhookDelivery
from tessera.quality.schemas import QualityRunRead
from tessera.resources import app_resources
from tessera.webhooks.schemas import DeliveryRead
from tessera.worker.dispatch import dispatch_outbox
from tests.helpers import ADMIN, API, V1, Api, record_schema, shared_asset

BREAKING = record_schema({"id": "integer"})


@dataclass(frozen=True)
class ListCase:
    """A list URL, and either its single-item URL or the model and table its items are read from."""

    url: str
    single: str | None = None
    model: type[BaseModel] | None = None
    table: type[Any] | None = None


CASES = {
    "teams": ListCase("/teams", single="/teams/{id}"),
    "users": ListCase("/users", single="/users/{id}"),
    "assets": ListCase("/assets", single="/assets/{id}"),
    "contracts": ListCase("/assets/{asset}/contracts", single="/contracts/{id}"),
    "registrations": ListCase("/registrations", single="/registrations/{id}"),
    "proposals": ListCase("/proposals", single="/proposals/{id}"),
    "webhooks": ListCase("/webhooks", single="/webhooks/{id}"),
    "deliveries": ListCase("/webhooks/{webhook}/deliveries", model=DeliveryRead, table=WebhookDelivery),
    "audit events": ListCase("/audit/events", model=AuditEventRead, table=AuditEvent),
    "api keys": ListCase("/api-keys?include_revoked=true", model=ApiKeyRead, table=ApiKey),
    "quality runs": ListCase("/assets/{asset}/audit-history", model=QualityRunRead, table=QualityRun),
}


async def _world(client: httpx.AsyncClient, app: FastAPI) -> dict[str, str]:
    """At least one row for every list, with nested JSON, enums, nullable and computed fields filled."""
    api = Api(client)
    s = await shared_asset(
        api,
        V1,
        asset_fields={"fqn": "w.s.orders", "tags": ["pii"], "meta": {"tier": 1, "nested": {"x": [1, None]}}},
        register_with=[{"columns": ["id", "email"], "purpose": "reporting"}],
    )
    owner, consumer, asset = s.owner, s.consumer, s.asset
    await api.call(
        "POST", "/users", 201, ADMIN, json={"email": "u@example.com", "name": "U", "team_ids": [owner.id]}
    )
    hook = await api.call(
        "POST", "/webhooks", 201, consumer.write, json={"url": "http://127.0.0.1:9/hook", "events": []}
    )
    await api.publish(owner, asset["id"], BREAKING, expect=202)  # a proposal awaiting the consumer
    await api.call(
        "POST",
        f"/assets/{asset['id']}/audit",
        201,
        owner.write,
        json={"status": "failed", "results": [{"guarantee": "not_null:id", "status": "failed"}]},
    )
    revoked = (await api.call("GET", f"/api-keys?team_id={consumer.id}", 200, ADMIN))["items"][0]
    await api.call("DELETE", f"/api-keys/{revoked['id']}", 200, ADMIN)
    async with app_resources(app).session_factory() as session, session.begin():
        await dispatch_outbox(session, app_resources(app).settings)  # delivery rows for the webhook
    return {"asset": asset["id"], "webhook": hook["id"]}


async def _stored(app: FastAPI, case: ListCase, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The model's JSON of each stored row, by id."""
    assert case.model is not None and case.table is not None
    async with app_resources(app).session_factory() as session:
        rows = (await session.execute(sa.select(case.table))).scalars().all()
    dumped = [case.model.model_validate(r).model_dump(mode="json", by_alias=True) for r in rows]
    return {d["id"]: d for d in dumped if d["id"] in ids}


@pytest.mark.parametrize("name", list(CASES))
async def test_list_items_are_the_single_item_responses(
    client: httpx.AsyncClient, app: FastAPI, name: str
) -> None:
    case = CASES[name]
    url = case.url.format(**await _world(client, app))
    sep = "&" if "?" in url else "?"
    resp = await client.get(f"{API}{url}{sep}limit=500", headers=ADMIN)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "application/json"
    page = resp.json()
    assert list(page) == ["items", "total", "limit", "offset", "total_estimated", "next_cursor", "next"]
    items = page["items"]
    assert items and (page["total"], page["limit"], page["offset"]) == (len(items), 500, 0)
    if case.single is not None:
        expected = {}
        for item in items:
            single = await client.get(f"{API}{case.single.format(id=item['id'])}", headers=ADMIN)
            assert single.status_code == 200, single.text
            expected[item["id"]] = single.json()
    else:
        expected = await _stored(app, case, [i["id"] for i in items])
    for item in items:
        # Same keys in the same order, same values.
        assert list(item.items()) == list(expected[item["id"]].items()), name


@pytest.mark.parametrize("name", list(CASES))
async def test_a_page_past_the_end_keeps_the_total(
    client: httpx.AsyncClient, app: FastAPI, name: str
) -> None:
    url = CASES[name].url.format(**await _world(client, app))
    sep = "&" if "?" in url else "?"
    everything = (await client.get(f"{API}{url}{sep}limit=500", headers=ADMIN)).json()
    resp = await client.get(f"{API}{url}{sep}limit=5&offset=1000", headers=ADMIN)
    assert resp.status_code == 200
    assert resp.json() == {
        "items": [],
        "total": everything["total"],
        "limit": 5,
        "offset": 1000,
        "total_estimated": False,
        "next_cursor": None,
        "next": None,
    }


@pytest.mark.parametrize("name", list(CASES))
async def test_walking_next_links_visits_every_item_once_in_order(
    client: httpx.AsyncClient, app: FastAPI, name: str
) -> None:
    url = CASES[name].url.format(**await _world(client, app))
    sep = "&" if "?" in url else "?"
    everything = (await client.get(f"{API}{url}{sep}limit=500", headers=ADMIN)).json()
    walked: list[object] = []
    link: str | None = f"{API}{url}{sep}limit=2"
    while link:
        resp = await client.get(link, headers=ADMIN)
        assert resp.status_code == 200, resp.text
        page = resp.json()
        assert page["total"] == everything["total"]
        walked.extend(page["items"])
        link = page["next"]
    assert walked == everything["items"]


def test_every_paginated_route_answers_a_list_page_and_is_checked_here(app: FastAPI) -> None:
    paginated = {}
    for path, ops in app.openapi()["paths"].items():
        get = ops.get("get", {})
        if {"limit", "offset"} <= {p["name"] for p in get.get("parameters", [])}:
            paginated[path.removeprefix(API)] = get["responses"]["200"]["content"]["application/json"]
    assert all(
        body["schema"]["$ref"].startswith("#/components/schemas/ListPage_") for body in paginated.values()
    )
    covered = {case.url.split("?")[0] for case in CASES.values()}
    normalise = {"{asset_id}": "{asset}", "{webhook_id}": "{webhook}"}
    routes = set()
    for path in paginated:
        for name, short in normalise.items():
            path = path.replace(name, short)
        routes.add(path)
    assert routes == covered
