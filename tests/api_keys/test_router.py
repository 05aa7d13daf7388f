"""API keys over HTTP: create (secret shown once), list, revoke, expiry, scopes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.assertions import assert_error
from tests.helpers import ADMIN, API, Api, auth, clock_ahead


async def key_names(api: Api, team_id: str) -> list[str]:
    """The names of a team's keys, revoked ones included: proves a refused create stored nothing."""
    keys = await api.call("GET", f"/api-keys?team_id={team_id}&include_revoked=true", 200, ADMIN)
    return sorted(k["name"] for k in keys["items"])


async def test_create_shows_the_secret_once_and_list_hides_it(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    created = await api.call(
        "POST", "/api-keys", 201, ADMIN, json={"name": "ci", "team_id": team.id, "scopes": ["write", "read"]}
    )
    assert created["key"].startswith(f"tess_{created['key_id']}_")
    assert created["scopes"] == ["read", "write"]
    assert (created["team_id"], created["user_id"], created["revoked_at"], created["expires_at"]) == (
        team.id,
        None,
        None,
        None,
    )
    listed = await api.call("GET", f"/api-keys?team_id={team.id}", 200, ADMIN)
    mine = next(k for k in listed["items"] if k["id"] == created["id"])
    assert "key" not in mine
    assert created["key"] not in str(listed)
    assert mine == {k: v for k, v in created.items() if k != "key"}
    # The new key works at once; the audit log names it without its secret.
    assert (await client.get(f"{API}/teams/{team.id}", headers=auth(created["key"]))).status_code == 200
    event = (
        await api.call("GET", f"/audit/events?action=api_key.created&target_id={created['id']}", 200, ADMIN)
    )["items"][0]
    assert event["details"] == {"key_id": created["key_id"], "scopes": ["read", "write"]}
    assert created["key"] not in str(event)


async def test_default_scope_is_read(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    created = await api.call("POST", "/api-keys", 201, ADMIN, json={"name": "reader", "team_id": team.id})
    assert created["scopes"] == ["read"]
    resp = await client.post(
        f"{API}/assets", headers=auth(created["key"]), json={"fqn": "a.b", "owner_team_id": team.id}
    )
    assert_error(resp, 403, "insufficient_scope")
    assert (await api.call("GET", "/assets", 200, ADMIN))["total"] == 0


async def test_revoke_makes_the_key_fail_immediately(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    created = await api.call(
        "POST", "/api-keys", 201, ADMIN, json={"name": "tmp", "team_id": team.id, "scopes": ["write"]}
    )
    key = auth(created["key"])
    assert (
        await client.get(f"{API}/teams", headers=key)
    ).status_code == 200  # now cached by the authenticator
    revoked = await api.call("DELETE", f"/api-keys/{created['id']}", 200, team.write)
    assert revoked["revoked_at"] is not None and "key" not in revoked
    assert_error(await client.get(f"{API}/teams", headers=key), 401, "invalid_api_key")
    again = await api.call("DELETE", f"/api-keys/{created['id']}", 200, ADMIN)  # idempotent
    assert again["revoked_at"] == revoked["revoked_at"]
    events = await api.call(
        "GET", f"/audit/events?action=api_key.revoked&target_id={created['id']}", 200, ADMIN
    )
    assert events["total"] == 1
    active = await api.call("GET", "/api-keys", 200, team.read)
    assert created["id"] not in [k["id"] for k in active["items"]]
    everything = await api.call("GET", "/api-keys?include_revoked=true", 200, team.read)
    assert created["id"] in [k["id"] for k in everything["items"]]
    assert_error(
        await client.delete(f"{API}/api-keys/{uuid.uuid4()}", headers=ADMIN), 404, "api_key_not_found"
    )


async def test_a_key_may_revoke_itself(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    created = await api.call(
        "POST", "/api-keys", 201, ADMIN, json={"name": "self", "team_id": team.id, "scopes": ["write"]}
    )
    await api.call("DELETE", f"/api-keys/{created['id']}", 200, auth(created["key"]))
    assert_error(await client.get(f"{API}/teams", headers=auth(created["key"])), 401, "invalid_api_key")


async def test_expired_keys_are_refused(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    resp = await client.post(
        f"{API}/api-keys", headers=ADMIN, json={"name": "old", "team_id": team.id, "expires_at": past}
    )
    assert_error(resp, 422, "invalid_expiry")
    assert "old" not in await key_names(api, team.id)
    soon = datetime.now(UTC) + timedelta(hours=1)
    created = await api.call(
        "POST",
        "/api-keys",
        201,
        ADMIN,
        json={"name": "brief", "team_id": team.id, "expires_at": soon.isoformat()},
    )
    assert (await client.get(f"{API}/teams", headers=auth(created["key"]))).status_code == 200
    # Expired although the authenticator still caches the key record.
    with clock_ahead(timedelta(hours=2)):
        assert_error(await client.get(f"{API}/teams", headers=auth(created["key"])), 401, "expired_api_key")


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ({}, "missing_api_key"),
        ({"Authorization": "Bearer "}, "missing_api_key"),
        ({"Authorization": "Bearer not-a-tessera-key"}, "invalid_api_key"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "missing_api_key"),
        ({"X-API-Key": "tess_000000000000_" + "x" * 43}, "invalid_api_key"),
    ],
)
async def test_missing_or_bad_keys(client: httpx.AsyncClient, header: dict[str, str], code: str) -> None:
    assert_error(await client.get(f"{API}/api-keys", headers=header), 401, code)


async def test_a_forged_secret_for_a_real_key_id_is_refused(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    created = await api.call("POST", "/api-keys", 201, ADMIN, json={"name": "real", "team_id": team.id})
    forged = f"tess_{created['key_id']}_{'A' * 43}"
    assert_error(await client.get(f"{API}/teams", headers=auth(forged)), 401, "invalid_api_key")


async def test_only_admin_creates_keys(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    body = {"name": "x", "team_id": team.id, "scopes": ["admin"]}
    assert_error(await client.post(f"{API}/api-keys", headers=team.write, json=body), 403, "admin_required")
    assert_error(
        await client.post(f"{API}/api-keys", headers=team.read, json=body), 403, "insufficient_scope"
    )
    assert "x" not in await key_names(api, team.id)
    assert (await api.call("GET", "/audit/events?action=api_key.created", 200, ADMIN))["total"] == 3
    # An admin-scoped team key is an admin.
    await api.call("POST", "/api-keys", 201, team.admin, json=body)
    assert "x" in await key_names(api, team.id)


# Refused key requests: fields over a valid body, status and code.
INVALID_KEYS: list[tuple[dict[str, Any], int, str]] = [
    ({"scopes": []}, 422, "validation_error"),
    ({"scopes": ["superuser"]}, 422, "validation_error"),
    ({"name": ""}, 422, "validation_error"),
    ({"team_id": "00000000-0000-0000-0000-000000000000"}, 404, "team_not_found"),
    ({"user_id": "00000000-0000-0000-0000-000000000000"}, 404, "user_not_found"),
    ({"expires_at": "2040-01-01T00:00:00"}, 422, "validation_error"),  # a deadline needs a time zone
    ({"secret": "mine"}, 422, "validation_error"),
]


async def test_create_key_errors_create_nothing(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    for extra, status, code in INVALID_KEYS:
        body = {"name": "k", "team_id": team.id, **extra}
        assert_error(await client.post(f"{API}/api-keys", headers=ADMIN, json=body), status, code)
    assert (await api.call("GET", "/api-keys", 200, ADMIN))["total"] == 3


async def test_user_keys_belong_to_a_member_and_act_as_that_user(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team, other = await api.team(), await api.team()
    user = await api.call(
        "POST", "/users", 201, ADMIN, json={"email": "u@example.com", "name": "U", "team_ids": [team.id]}
    )
    resp = await client.post(
        f"{API}/api-keys", headers=ADMIN, json={"name": "k", "team_id": other.id, "user_id": user["id"]}
    )
    assert_error(resp, 422, "user_not_in_team")
    assert "k" not in await key_names(api, other.id)
    created = await api.call(
        "POST",
        "/api-keys",
        201,
        ADMIN,
        json={"name": "k", "team_id": team.id, "user_id": user["id"], "scopes": ["write"]},
    )
    assert created["user_id"] == user["id"]
    asset = await api.call(
        "POST", "/assets", 201, auth(created["key"]), json={"fqn": "w.s.by_user", "owner_team_id": team.id}
    )
    event = (await api.call("GET", f"/audit/events?target_id={asset['id']}", 200, ADMIN))["items"][0]
    assert (event["actor_team_id"], event["actor_user_id"], event["actor_key_id"]) == (
        team.id,
        user["id"],
        created["key_id"],
    )


async def test_listing_is_per_team_unless_admin(client: httpx.AsyncClient) -> None:
    api = Api(client)
    t1, t2 = await api.team(), await api.team()
    own = await api.call("GET", "/api-keys", 200, t1.read)
    assert own["total"] == 3 and {k["team_id"] for k in own["items"]} == {t1.id}
    assert (await api.call("GET", f"/api-keys?team_id={t1.id}", 200, t1.read))["total"] == 3
    assert_error(await client.get(f"{API}/api-keys?team_id={t2.id}", headers=t1.read), 403, "not_team_member")
    assert (await api.call("GET", "/api-keys", 200, ADMIN))["total"] == 6
    page = await api.call("GET", f"/api-keys?team_id={t2.id}&limit=2&offset=2", 200, ADMIN)
    assert (len(page["items"]), page["total"]) == (1, 3)


async def test_keys_of_a_deactivated_team_stop_working(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    assert (await client.get(f"{API}/teams", headers=team.read)).status_code == 200
    await api.call("DELETE", f"/teams/{team.id}", 204, ADMIN)
    for key in (team.read, team.write, team.admin):
        assert_error(await client.get(f"{API}/teams", headers=key), 401, "invalid_api_key")


async def test_keys_of_a_deactivated_user_stop_working(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    user = await api.call(
        "POST", "/users", 201, ADMIN, json={"email": "u@example.com", "name": "U", "team_ids": [team.id]}
    )
    user_key = await api.key(team.id, ["write"], user_id=user["id"])
    assert (await client.get(f"{API}/teams", headers=user_key)).status_code == 200
    await api.call("POST", f"/users/{user['id']}/deactivate", 200, ADMIN)
    assert_error(await client.get(f"{API}/teams", headers=user_key), 401, "invalid_api_key")
    # The team's own keys are not tied to the user and keep working.
    assert (await client.get(f"{API}/teams", headers=team.read)).status_code == 200
