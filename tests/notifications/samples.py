"""Small builders of realistic event data for notification tests."""

from __future__ import annotations

from datetime import UTC, datetime

from tessera.notifications.events import Event, EventType, JsonValue

AT = datetime(2025, 1, 31, 9, 30, tzinfo=UTC)


def team(name: str, status: str | None = None) -> dict[str, JsonValue]:
    data: dict[str, JsonValue] = {"id": f"team-{name.lower()}", "name": name}
    if status is not None:
        data["status"] = status
    return data


def full_data(**overrides: JsonValue) -> dict[str, JsonValue]:
    """Event data with every key any template reads, so each template's text shows up."""
    data: dict[str, JsonValue] = {
        "asset": {"id": "ast_1", "fqn": "warehouse.core.orders", "owner_team": team("Orders")},
        "versions": {"from": "1.4.0", "to": "2.0.0"},
        "changes": [
            {"kind": "property_removed", "path": "amount", "breaking": True, "summary": "column removed"},
            {"kind": "property_added", "path": "currency", "breaking": False, "summary": "column added"},
        ],
        "affected_teams": [team("Analytics", "pending"), team("Finance", "acknowledged")],
        "proposal": {"id": "prp_1", "status": "open", "expires_at": "2025-02-07T09:00:00Z"},
        "response": {"team": team("Analytics"), "user": {"id": "usr_1", "name": "Ada"}, "comment": "ok"},
        "actor": {"team": team("Platform"), "user": {"id": "usr_2", "name": "Grace"}},
        "reason": "superseded by v3",
        "contract": {"id": "ctr_1", "version": "2.0.0", "compatibility": "backward"},
        "registration": {"id": "reg_1", "consumer_team": team("Marketing"), "pinned_version": None},
        "sync": {
            "id": "syn_1", "source": "dbt", "assets_created": 3, "assets_updated": 40,
            "contracts_published": 5, "proposals_created": 1, "errors": ["model x: bad schema"],
        },
        "links": {
            "proposal_url": "https://tessera.example.com/proposals/prp_1",
            "asset_url": "https://tessera.example.com/assets/ast_1",
            "sync_url": "https://tessera.example.com/syncs/syn_1",
        },
        "mentions": ["U123ABC", "W0ABCDEF"],
    }  # fmt: skip
    data.update(overrides)
    return data


def event(type: EventType = EventType.PROPOSAL_CREATED, **overrides: JsonValue) -> Event:
    return Event.create(type, full_data(**overrides), occurred_at=AT)
