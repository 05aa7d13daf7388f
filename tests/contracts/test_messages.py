"""Error messages speak the user's language: one prefix, no validation-library wording, a nearest name."""

from __future__ import annotations

from tests.conftest import MakeShared
from tests.helpers import V1, Api


async def test_a_mistyped_guarantee_kind_gets_one_prefix_and_a_suggestion(
    api: Api, make_shared_asset: MakeShared
) -> None:
    shared = await make_shared_asset(schema=V1)
    resp = await api.client.post(
        f"/api/v1/assets/{shared.asset['id']}/contracts",
        headers=shared.owner.write,
        json={"schema": V1, "guarantees": {"columns": {"email": {"not_nul": True}}}},
    )
    assert resp.status_code == 422, resp.text
    error = resp.json()["error"]
    assert error["code"] == "invalid_guarantees"
    assert error["message"] == (
        "Invalid guarantees: columns.email.not_nul: unknown key 'not_nul'; did you mean 'not_null'?"
    )


async def test_request_validation_messages_drop_the_libraries_prefix(api: Api) -> None:
    owner = await api.team("analytics")
    resp = await api.client.post(
        "/api/v1/assets", headers=owner.write, json={"fqn": "w..t", "owner_team_id": owner.id}
    )
    assert resp.status_code == 422, resp.text
    message = resp.json()["error"]["message"]
    assert (
        message == "Invalid request: fqn: fqn must not have empty parts (leading, trailing or doubled dots)"
    )
