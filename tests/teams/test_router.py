"""Teams over HTTP: create, list, get, update, deactivate, members; success and error paths."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.assertions import assert_error
from tests.helpers import ADMIN, API, Api, auth


async def test_admin_creates_team_and_reads_it_back(client: httpx.AsyncClient) -> None:
    api = Api(client)
    created = await api.call(
        "POST",
        "/teams",
        201,
        ADMIN,
        json={
            "name": "  Payments ",
            "description": "money",
            "contact": "#payments",
            "slack_webhook_url": "https://hooks.slack.com/services/T0/B0/x",
        },
    )
    assert created["name"] == "Payments"  # trimmed
    assert created["contact"] == "#payments"
    assert created["slack_webhook_url"] == "https://hooks.slack.com/services/T0/B0/x"
    assert created["deleted_at"] is None
    got = await api.call("GET", f"/teams/{created['id']}", 200, ADMIN)
    assert got == created


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "ok", "slack_webhook_url": "not a url"}, "slack_webhook_url"),
        ({"name": "ok", "colour": "blue"}, "colour"),
    ],
)
async def test_create_team_validation_names_the_field(
    client: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    resp = await client.post(f"{API}/teams", headers=ADMIN, json=body)
    error = assert_error(resp, 422, "validation_error")
    assert field in error["message"]


async def test_team_names_are_unique_case_insensitively(client: httpx.AsyncClient) -> None:
    api = Api(client)
    await api.call("POST", "/teams", 201, ADMIN, json={"name": "Growth"})
    assert_error(
        await client.post(f"{API}/teams", headers=ADMIN, json={"name": "growth"}), 409, "team_exists"
    )
    assert [t["name"] for t in (await api.call("GET", "/teams", 200, ADMIN))["items"]] == ["Growth"]


async def test_only_admin_creates_teams(client: httpx.AsyncClient) -> None:
    team = await Api(client).team()
    assert_error(
        await client.post(f"{API}/teams", headers=team.write, json={"name": "x"}), 403, "admin_required"
    )
    assert_error(
        await client.post(f"{API}/teams", headers=team.read, json={"name": "x"}), 403, "insufficient_scope"
    )
    assert_error(await client.post(f"{API}/teams", json={"name": "x"}), 401, "missing_api_key")


async def test_list_filters_by_name_and_paginates(client: httpx.AsyncClient) -> None:
    api = Api(client)
    for name in ("alpha", "Beta", "gamma", "alphabet"):
        await api.call("POST", "/teams", 201, ADMIN, json={"name": name})
    everything = await api.call("GET", "/teams", 200, ADMIN)
    assert [t["name"] for t in everything["items"]] == ["alpha", "alphabet", "Beta", "gamma"]
    assert everything["total"] == 4
    page = await api.call("GET", "/teams?limit=2&offset=1", 200, ADMIN)
    assert [t["name"] for t in page["items"]] == ["alphabet", "Beta"]
    assert (page["total"], page["limit"], page["offset"]) == (4, 2, 1)
    alphas = await api.call("GET", "/teams?name=ALPHA", 200, ADMIN)
    assert [t["name"] for t in alphas["items"]] == ["alpha", "alphabet"]
    assert alphas["total"] == 2
    # LIKE wildcards in the filter are literal characters.
    assert (await api.call("GET", "/teams?name=%25", 200, ADMIN))["total"] == 0


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("limit=0", "invalid_limit"),
        ("limit=501", "invalid_limit"),
        ("offset=-1", "invalid_offset"),
        ("limit=abc", "validation_error"),
    ],
)
async def test_list_rejects_bad_pagination(client: httpx.AsyncClient, query: str, code: str) -> None:
    assert_error(await client.get(f"{API}/teams?{query}", headers=ADMIN), 422, code)


async def test_get_unknown_or_malformed_team(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(f"{API}/teams/{uuid.uuid4()}", headers=ADMIN), 404, "team_not_found")
    error = assert_error(await client.get(f"{API}/teams/nope", headers=ADMIN), 422, "validation_error")
    assert "team_id" in error["message"]


async def test_team_updates_itself_and_partial_update_keeps_other_fields(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    await api.call("PATCH", f"/teams/{team.id}", 200, team.write, json={"description": "d", "contact": "c"})
    renamed = await api.call("PATCH", f"/teams/{team.id}", 200, team.write, json={"name": "renamed"})
    assert (renamed["name"], renamed["description"], renamed["contact"]) == ("renamed", "d", "c")
    cleared = await api.call("PATCH", f"/teams/{team.id}", 200, team.write, json={"description": None})
    assert cleared["description"] is None
    assert cleared["contact"] == "c"
    events = await api.call("GET", f"/audit/events?action=team.updated&target_id={team.id}", 200, ADMIN)
    assert events["total"] == 3
    assert events["items"][0]["details"]["fields"] == ["description"]


async def test_update_errors(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team, other = await api.team(), await api.team()
    resp = await client.patch(f"{API}/teams/{team.id}", headers=team.write, json={"name": other.name.upper()})
    assert_error(resp, 409, "team_exists")
    resp = await client.patch(f"{API}/teams/{team.id}", headers=other.write, json={"description": "mine now"})
    assert_error(resp, 403, "not_team_member")
    resp = await client.patch(f"{API}/teams/{team.id}", headers=team.read, json={"description": "x"})
    assert_error(resp, 403, "insufficient_scope")
    resp = await client.patch(f"{API}/teams/{uuid.uuid4()}", headers=ADMIN, json={"description": "x"})
    assert_error(resp, 404, "team_not_found")
    resp = await client.patch(f"{API}/teams/{team.id}", headers=team.write, json={"name": ""})
    assert_error(resp, 422, "validation_error")
    # Renaming to its own name in another case is not a conflict; an admin may update any team.
    await api.call("PATCH", f"/teams/{team.id}", 200, team.write, json={"name": team.name.upper()})
    await api.call("PATCH", f"/teams/{team.id}", 200, ADMIN, json={"contact": "admin was here"})


async def test_deactivate_team(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    asset = await api.asset(team)
    assert (await client.get(f"{API}/teams", headers=team.read)).status_code == 200  # the key is cached now
    assert_error(await client.delete(f"{API}/teams/{team.id}", headers=team.write), 403, "admin_required")
    assert_error(await client.delete(f"{API}/teams/{team.id}", headers=ADMIN), 409, "team_owns_assets")
    await api.call("DELETE", f"/assets/{asset['id']}", 204, team.write)
    await api.call("DELETE", f"/teams/{team.id}", 204, ADMIN)
    assert_error(await client.get(f"{API}/teams/{team.id}", headers=ADMIN), 404, "team_not_found")
    assert (await api.call("GET", "/teams", 200, ADMIN))["total"] == 0
    # Its keys stop working at once (also the cached one), and its name can be used again.
    assert_error(await client.get(f"{API}/teams", headers=team.read), 401, "invalid_api_key")
    await api.call("POST", "/teams", 201, ADMIN, json={"name": team.name})
    assert_error(await client.delete(f"{API}/teams/{team.id}", headers=ADMIN), 404, "team_not_found")
    events = await api.call("GET", f"/audit/events?action=team.deleted&target_id={team.id}", 200, ADMIN)
    assert events["total"] == 1


async def test_members_add_list_remove(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team, other = await api.team(), await api.team()
    user = await api.call("POST", "/users", 201, ADMIN, json={"email": "m@example.com", "name": "M"})
    assert await api.call("GET", f"/teams/{team.id}/members", 200, team.read) == []
    await api.call("POST", f"/teams/{team.id}/members", 204, team.write, json={"user_id": user["id"]})
    await api.call(
        "POST", f"/teams/{team.id}/members", 204, team.write, json={"user_id": user["id"]}
    )  # idempotent
    assert await api.call("GET", f"/teams/{team.id}/members", 200, other.read) == [user["id"]]
    assert (await api.call("GET", f"/users/{user['id']}", 200, ADMIN))["team_ids"] == [team.id]
    added = await api.call("GET", f"/audit/events?action=team.member_added&target_id={team.id}", 200, ADMIN)
    assert added["total"] == 1

    assert_error(
        await client.post(
            f"{API}/teams/{team.id}/members", headers=other.write, json={"user_id": user["id"]}
        ),
        403,
        "not_team_member",
    )
    assert_error(
        await client.post(
            f"{API}/teams/{team.id}/members", headers=team.write, json={"user_id": str(uuid.uuid4())}
        ),
        404,
        "user_not_found",
    )
    assert_error(
        await client.post(f"{API}/teams/{uuid.uuid4()}/members", headers=ADMIN, json={"user_id": user["id"]}),
        404,
        "team_not_found",
    )
    assert_error(
        await client.get(f"{API}/teams/{uuid.uuid4()}/members", headers=ADMIN), 404, "team_not_found"
    )
    assert_error(
        await client.delete(f"{API}/teams/{team.id}/members/{user['id']}", headers=other.write),
        403,
        "not_team_member",
    )

    await api.call("DELETE", f"/teams/{team.id}/members/{user['id']}", 204, team.write)
    assert await api.call("GET", f"/teams/{team.id}/members", 200, team.read) == []
    assert_error(
        await client.delete(f"{API}/teams/{team.id}/members/{user['id']}", headers=team.write),
        404,
        "team_member_not_found",
    )


async def test_deactivated_user_cannot_be_added(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    user = await api.call("POST", "/users", 201, ADMIN, json={"email": "gone@example.com", "name": "Gone"})
    await api.call("POST", f"/users/{user['id']}/deactivate", 200, ADMIN)
    resp = await client.post(
        f"{API}/teams/{team.id}/members", headers=team.write, json={"user_id": user["id"]}
    )
    assert_error(resp, 404, "user_not_found")
    assert await api.call("GET", f"/teams/{team.id}/members", 200, ADMIN) == []


async def test_x_api_key_header_is_accepted_as_well(client: httpx.AsyncClient) -> None:
    team = await Api(client).team()
    bearer = team.read["Authorization"].removeprefix("Bearer ")
    assert (await client.get(f"{API}/teams/{team.id}", headers={"X-API-Key": bearer})).status_code == 200
    assert (await client.get(f"{API}/teams/{team.id}", headers=auth(bearer))).status_code == 200


@pytest.mark.parametrize(
    # (The test settings allowlist 127.0.0.1: loopback forms are covered in tests/notifications/test_ssrf.py.)
    "url",
    ["http://0xa9fea9fe/", "http://167772161/hook", "http://0x0a000001/", "http://10.0.0.1/"],
)
async def test_a_slack_url_must_pass_the_webhook_url_policy(
    api: Api, client: httpx.AsyncClient, url: str
) -> None:
    created = await client.post(
        f"{API}/teams", headers=ADMIN, json={"name": "slack-team", "slack_webhook_url": url}
    )
    assert created.status_code == 422, created.text
    assert created.json()["error"]["code"] == "url_refused"
    assert created.json()["error"]["message"].startswith("slack_webhook_url: ")
    team = await api.team()
    patched = await client.patch(f"{API}/teams/{team.id}", headers=ADMIN, json={"slack_webhook_url": url})
    assert patched.status_code == 422
    ok = await client.patch(
        f"{API}/teams/{team.id}",
        headers=ADMIN,
        json={"slack_webhook_url": "https://hooks.slack.com/services/T/B/x"},
    )
    assert ok.status_code == 200
