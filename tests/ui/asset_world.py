"""A richly described asset for the asset-page tests, built through the real API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.helpers import ADMIN, Api, TeamCtx, record_schema

ORDERS_V1 = record_schema(
    {
        "order_id": {"type": "integer", "description": "The order's key"},
        "email": {"type": ["string", "null"]},
        "status": {"type": "string", "enum": ["placed", "shipped"]},
        "customer_id": "integer",
    },
    ["order_id", "status", "customer_id"],
)
# Compatible: a column added.
ORDERS_V2 = record_schema({**ORDERS_V1["properties"], "amount": {"type": "number"}}, ORDERS_V1["required"])
# Breaking: email dropped.
ORDERS_V3 = record_schema(
    {k: v for k, v in ORDERS_V2["properties"].items() if k != "email"}, ORDERS_V1["required"]
)
GUARANTEES = {
    "columns": {
        "order_id": {"not_null": True, "unique": True},
        "status": {"accepted_values": ["placed", "shipped"]},
        "customer_id": {"relationships": {"to": "wh.core.customers", "field": "id"}},
    },
    "freshness": {"warn_after": "12h", "error_after": "1d"},
    "volume": {"min_rows": 1000},
}


@dataclass
class World:
    """An asset with a steward, two versions, a consumer reading one column and an open proposal."""

    owner: TeamCtx
    consumer: TeamCtx
    asset: dict[str, Any]
    steward: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.asset["id"])


async def orders_world(api: Api, fqn: str = "wh.sales.orders", *, propose: bool = True) -> World:
    """Owner, steward, consumer; versions 1.0.0 and 1.1.0; a breaking change waiting (a proposal)
    unless ``propose`` is false."""
    owner, consumer = await api.team(), await api.team()
    await api.call("PATCH", f"/teams/{owner.id}", 200, ADMIN, json={"contact": "#sales-data"})
    steward = await api.call(
        "POST",
        "/users",
        201,
        ADMIN,
        json={"email": f"ada-{owner.name}@example.com", "name": "Ada", "slack_member_id": "U024BE7LH"},
    )
    asset = await api.asset(
        owner,
        fqn,
        steward_user_id=steward["id"],
        description="One row per order.",
        tags=["pii", "finance"],
        guarantee_mode="notify",
    )
    await api.publish(owner, asset["id"], ORDERS_V1, guarantees=GUARANTEES)
    await api.register(consumer, asset["id"], columns=["email"], purpose="weekly churn report")
    await api.publish(owner, asset["id"], ORDERS_V2)
    if propose:
        await api.publish(owner, asset["id"], ORDERS_V3, expect=202)
    return World(owner, consumer, asset, steward)


async def add_versions(api: Api, world: World, count: int) -> None:
    """``count`` more compatible versions (a column each) on an asset without an open proposal."""
    schema = dict(ORDERS_V2)
    for i in range(count):
        schema = record_schema({**schema["properties"], f"extra_{i}": "string"}, ORDERS_V1["required"])
        await api.publish(world.owner, world.id, schema)


async def link(api: Api, owner: TeamCtx, downstream: str, upstream: str) -> None:
    """``downstream`` reads ``upstream`` (lineage edge)."""
    await api.call(
        "POST", f"/assets/{downstream}/dependencies", 201, owner.write, json={"upstream_asset_id": upstream}
    )


async def quality_run(api: Api, owner: TeamCtx, asset_id: str, status: str, **extra: Any) -> None:
    """Record a data-quality run."""
    await api.call("POST", f"/assets/{asset_id}/audit", 201, owner.write, json={"status": status, **extra})
