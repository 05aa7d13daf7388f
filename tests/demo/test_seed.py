"""The demo's seed: what a visitor is promised is there, read back through the API with the printed keys."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from tessera.config import Settings
from tessera.db.engine import create_engine, create_session_factory
from tessera.demo.receiver import WebhookReceiver
from tessera.demo.seed import FAILING_WEBHOOK_URL, DemoSeed, manifest_bytes, seed_demo
from tessera.demo.story import CUSTOMERS, ORDERS, QUALITY_DAYS, STG_ORDERS
from tests.helpers import auth

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dbt" / "manifests" / "shop__base.json.gz"


@pytest.fixture
async def demo(settings: Settings) -> tuple[DemoSeed, list[str]]:
    """The seeded database (the test's own) and the event ids the local receiver got."""
    engine = create_engine(settings.database_url)
    with WebhookReceiver() as receiver:
        seed = await seed_demo(create_session_factory(engine), settings, receiver_url=receiver.url)
        received = receiver.received
    await engine.dispose()
    return seed, received


def key_of(seed: DemoSeed, team: str, scope: str) -> str:
    return next(k.key for k in seed.keys if k.team == team and k.scope == scope)


async def get(client: httpx.AsyncClient, key: str, url: str, **params: Any) -> Any:
    response = await client.get(url, headers=auth(key), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_packaged_manifest_is_the_test_fixture() -> None:
    assert manifest_bytes() == FIXTURE.read_bytes()


async def test_every_printed_key_signs_in_with_its_scope(
    demo: tuple[DemoSeed, list[str]], client: httpx.AsyncClient
) -> None:
    seed, _ = demo
    roles = {(k.team, k.role, k.scope) for k in seed.keys}
    assert {("analytics", "owner", "write"), ("finance", "consumer", "write")} <= roles
    assert ("data-platform", "admin", "admin") in roles
    assert ("marketing", "viewer (read only)", "read") in roles
    for k in seed.keys:
        team = await get(client, k.key, f"/api/v1/teams/{seed.teams[k.team]}")
        assert team["name"] == k.team
    viewer = key_of(seed, "marketing", "read")
    refused = await client.post(
        "/api/v1/registrations",
        headers=auth(viewer),
        json={"asset_id": str(seed.assets["model.shop.stg_customers"])},
    )
    assert refused.status_code == 403


async def test_teams_have_members_with_contacts_and_the_manifest_is_synced(
    demo: tuple[DemoSeed, list[str]], client: httpx.AsyncClient
) -> None:
    seed, _ = demo
    admin = key_of(seed, "data-platform", "admin")
    teams = (await get(client, admin, "/api/v1/teams", limit=50))["items"]
    assert {t["name"] for t in teams} == {"analytics", "finance", "marketing", "ingest", "data-platform"}
    assert all(t["contact"] for t in teams)
    users = (await get(client, admin, "/api/v1/users", limit=50))["items"]
    assert len(users) == 5
    assert all(u["slack_member_id"] and u["github_username"] for u in users)
    assets = (await get(client, admin, "/api/v1/assets", limit=50))["items"]
    assert len(assets) == 11
    owners = {a["fqn"]: a["owner_team_id"] for a in assets}
    assert owners["shop.main.fact_orders"] == str(seed.teams["analytics"])
    assert owners["shop.raw.orders"] == str(seed.teams["ingest"])
    lineage = await get(client, admin, f"/api/v1/assets/{seed.assets[ORDERS]}/dependencies")
    assert lineage  # the sync recorded lineage around the orders fact


async def test_consumers_are_registered_with_the_columns_they_read(
    demo: tuple[DemoSeed, list[str]], client: httpx.AsyncClient
) -> None:
    seed, _ = demo
    admin = key_of(seed, "data-platform", "admin")
    regs = (await get(client, admin, "/api/v1/registrations", asset_id=str(seed.assets[ORDERS])))["items"]
    by_team = {r["consumer_team_id"]: r for r in regs}
    marketing, finance = by_team[str(seed.teams["marketing"])], by_team[str(seed.teams["finance"])]
    assert marketing["columns"] == ["country_code", "customer_id", "order_id", "status"]
    assert finance["columns"] == ["amount", "order_id", "ordered_at", "status"]
    assert finance["source"] == "dbt"  # from finance_revenue's ref(), narrowed afterwards
    everything = (await get(client, admin, "/api/v1/registrations", limit=100))["items"]
    assert len(everything) >= 10


async def test_proposals_open_approved_and_blocked(
    demo: tuple[DemoSeed, list[str]], client: httpx.AsyncClient
) -> None:
    seed, _ = demo
    finance = key_of(seed, "finance", "write")
    opened = await get(client, finance, f"/api/v1/proposals/{seed.proposals['open']}")
    assert opened["status"] == "open"
    assert opened["asset_id"] == str(seed.assets[ORDERS])
    answers = {a["team_name"]: a for a in opened["acknowledgments"]}
    assert set(answers) == {"finance", "marketing"}
    assert answers["finance"]["response"] == "pending"
    assert answers["marketing"]["response"] == "migrating"
    assert answers["marketing"]["migration_deadline"] is not None
    assert opened["pending_team_ids"] == [str(seed.teams["finance"])]
    assert [(c["kind"], c["path"]) for c in opened["breaking_changes"]] == [
        ("property_removed", "/properties/status")
    ]

    approved = await get(client, finance, f"/api/v1/proposals/{seed.proposals['approved']}")
    assert approved["status"] == "published"  # approved by both teams, then published
    assert {a["response"] for a in approved["acknowledgments"]} == {"approved"}
    versions = await get(client, finance, f"/api/v1/assets/{seed.assets[CUSTOMERS]}/contracts")
    assert [c["version"] for c in versions["items"]] == ["2.0.0", "1.0.0"]
    assert "email" not in versions["items"][0]["schema"]["properties"]

    blocked = await get(client, finance, f"/api/v1/proposals/{seed.proposals['blocked']}")
    assert blocked["status"] == "open"
    assert blocked["asset_id"] == str(seed.assets[STG_ORDERS])
    # analytics reads stg_orders.amount directly; the teams reading fct_orders.amount (derived from it)
    # must answer too, through the column lineage.
    (answer,) = [a for a in blocked["acknowledgments"] if a["response"] != "pending"]
    assert answer["team_name"] == "analytics" and answer["required"]
    via = [a for a in blocked["acknowledgments"] if a["team_name"] != "analytics"]
    assert via and all(r["kind"] == "via" for a in via if a["required"] for r in a["impact"])
    assert answer["response"] == "blocked"
    assert "amount_cents" in answer["reason"]

    revenue = await get(client, finance, f"/api/v1/assets/{seed.assets['model.shop.finance_revenue']}")
    assert revenue["current_version"] == "1.1.0"  # the compatible change published at once


async def test_a_week_of_quality_runs_with_failures(
    demo: tuple[DemoSeed, list[str]], client: httpx.AsyncClient
) -> None:
    seed, _ = demo
    key = key_of(seed, "analytics", "write")
    statuses: Counter[str] = Counter()
    days: set[str] = set()
    for unique_id in (ORDERS, CUSTOMERS, STG_ORDERS, "model.shop.finance_revenue"):
        runs = (await get(client, key, f"/api/v1/assets/{seed.assets[unique_id]}/audit-history", limit=50))[
            "items"
        ]
        assert len(runs) == QUALITY_DAYS
        statuses.update(r["status"] for r in runs)
        days.update(r["run_at"][:10] for r in runs)
    assert statuses == {"passed": 24, "failed": 4}
    assert len(days) >= QUALITY_DAYS
    trend = await get(client, key, f"/api/v1/assets/{seed.assets[ORDERS]}/audit-trends", days=30)
    assert trend


async def test_webhooks_one_delivered_one_failed_by_the_worker(
    demo: tuple[DemoSeed, list[str]], client: httpx.AsyncClient
) -> None:
    seed, received = demo
    analytics = key_of(seed, "analytics", "write")
    delivered = (await get(client, analytics, f"/api/v1/webhooks/{seed.webhooks['analytics']}/deliveries"))[
        "items"
    ]
    assert delivered
    assert {d["status"] for d in delivered} == {"delivered"}
    assert sorted(received) == sorted(d["event_id"] for d in delivered)  # the receiver really got them
    finance = key_of(seed, "finance", "write")
    hook = await get(client, finance, f"/api/v1/webhooks/{seed.webhooks['finance']}")
    assert hook["url"] == FAILING_WEBHOOK_URL
    failed = (await get(client, finance, f"/api/v1/webhooks/{seed.webhooks['finance']}/deliveries"))["items"]
    assert failed
    assert {d["status"] for d in failed} == {"failed"}
    assert all("dns_failure" in (d["last_error"] or "") for d in failed)


async def test_the_audit_log_tells_the_story(
    demo: tuple[DemoSeed, list[str]], client: httpx.AsyncClient
) -> None:
    seed, _ = demo
    admin = key_of(seed, "data-platform", "admin")
    events = (await get(client, admin, "/api/v1/audit/events", limit=200))["items"]
    actions = Counter(e["action"] for e in events)
    for action in (
        "team.created",
        "user.created",
        "api_key.created",
        "webhook.created",
        "sync.completed",
        "registration.created",
        "proposal.acknowledged",
        "proposal.blocked",
        "proposal.approved",
        "quality_run.recorded",
    ):
        assert actions[action] >= 1, action
    # Work after the set-up is done with the teams' own keys, not as the server.
    blocked = next(e for e in events if e["action"] == "proposal.blocked")
    assert blocked["actor_team_id"] == str(seed.teams["analytics"])
    assert blocked["actor_key_id"] is not None
