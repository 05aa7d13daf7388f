"""Templates also work with the alternative key names services emit (``proposal.url``, ``answer``...)."""

from __future__ import annotations

from tessera.notifications.events import Event, EventType, JsonValue
from tessera.notifications.rendering import TemplateRenderer
from tessera.notifications.view import template_data
from tests.notifications.samples import AT

SERVICE_SHAPE: dict[str, JsonValue] = {
    "proposal": {"id": "p1", "status": "open", "proposed_version": "2.0.0", "expires_at": None,
                 "url": "https://t.example/api/v1/proposals/p1"},
    "asset": {"id": "a1", "fqn": "wh.orders", "owner_team_id": "t0", "url": "https://t.example/api/v1/assets/a1"},
    "base_version": "1.3.0",
    "breaking_changes": [
        {"kind": "property_removed", "path": "/properties/amount", "message": "amount removed"}
    ],
    "affected_teams": [{"id": "t1", "name": "Analytics", "slack_member_ids": ["U1AAA"]},
                       {"id": "t2", "name": "Finance", "slack_member_ids": []}],
    "responses": {"t1": "blocked", "t2": "pending"},
    "answer": {"team_id": "t1", "response": "blocked", "reason": "we still read amount"},
    "mentions": ["U1AAA"],
}  # fmt: skip


def test_documented_keys_are_derived() -> None:
    view = template_data(SERVICE_SHAPE)
    assert view["links"] == {
        "proposal_url": "https://t.example/api/v1/proposals/p1",
        "asset_url": "https://t.example/api/v1/assets/a1",
    }
    assert view["versions"] == {"from": "1.3.0", "to": "2.0.0"}
    assert view["changes"] == [
        {
            "kind": "property_removed",
            "path": "/properties/amount",
            "message": "amount removed",
            "breaking": True,
        }
    ]
    assert [t["status"] for t in view["affected_teams"]] == ["blocked", "pending"]  # type: ignore[index,union-attr]
    assert view["response"] == {
        "team": {"id": "t1", "name": "Analytics"},
        "user": None,
        "comment": "we still read amount",
    }


def test_documented_keys_win_and_input_is_not_mutated() -> None:
    data: dict[str, JsonValue] = {**SERVICE_SHAPE, "links": {"proposal_url": "https://ui.example/p1"}}
    view = template_data(data)
    assert view["links"]["proposal_url"] == "https://ui.example/p1"  # type: ignore[index,call-overload]
    assert "links" not in SERVICE_SHAPE
    assert "versions" not in SERVICE_SHAPE


def test_contract_and_registration_shapes() -> None:
    published = template_data({"contract_id": "c1", "version": "2.0.0", "previous_version": "1.0.0"})
    assert published["contract"] == {"id": "c1", "version": "2.0.0"}
    assert published["versions"] == {"from": "1.0.0", "to": "2.0.0"}
    registered = template_data({"registration_id": "r1", "consumer_team": {"id": "t9", "name": "Ads"}})
    assert registered["registration"] == {
        "id": "r1",
        "consumer_team": {"id": "t9", "name": "Ads"},
        "pinned_version": None,
    }


def test_service_shaped_event_renders_fully() -> None:
    evt = Event.create(EventType.PROPOSAL_BLOCKED, SERVICE_SHAPE, occurred_at=AT)
    renderer = TemplateRenderer()
    email = renderer.render_email(evt)
    assert email.subject == "[Tessera] Analytics blocked the change to wh.orders"
    assert "(1.3.0 -> 2.0.0)" in email.text
    assert "Reason: we still read amount" in email.text
    assert "https://t.example/api/v1/proposals/p1" in email.text
    slack = renderer.render_slack(evt)
    assert slack.body.startswith("<@U1AAA>")
    assert "<https://t.example/api/v1/proposals/p1|" in slack.body
    created = renderer.render_email(Event.create(EventType.PROPOSAL_CREATED, SERVICE_SHAPE, occurred_at=AT))
    assert "[breaking] /properties/amount: amount removed" in created.text
    assert "- Finance (pending)" in created.text
    assert "Analytics (blocked)" not in created.text
