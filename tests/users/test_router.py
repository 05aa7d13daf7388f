"""Users over HTTP: create, list, get, update, deactivate; success and error paths."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.assertions import assert_error
from tests.helpers import ADMIN, API, Api


def person(email: str = "ada@example.com", **extra: Any) -> dict[str, Any]:
    """A user body."""
    return {"email": email, "name": "Ada Lovelace", **extra}


async def emails(api: Api) -> list[str]:
    """Every stored user's email, deactivated ones included: proves a refused write stored nothing."""
    users = await api.call("GET", "/users?include_inactive=true&limit=100", 200, ADMIN)
    return sorted(u["email"] for u in users["items"])


async def created_events(api: Api) -> int:
    """How many ``user.created`` audit events exist."""
    return int((await api.call("GET", "/audit/events?action=user.created", 200, ADMIN))["total"])


async def test_admin_creates_user_with_identities_and_teams(client: httpx.AsyncClient) -> None:
    api = Api(client)
    t1, t2 = await api.team(), await api.team()
    body = person(
        github_username="ada",
        gitlab_username="ada-gl",
        slack_member_id="U024BE7LH",
        team_ids=[t1.id, t2.id, t1.id],
    )
    user = await api.call("POST", "/users", 201, ADMIN, json=body)
    assert user["email"] == "ada@example.com"
    assert (user["github_username"], user["gitlab_username"], user["slack_member_id"]) == (
        "ada",
        "ada-gl",
        "U024BE7LH",
    )
    assert sorted(user["team_ids"]) == sorted([t1.id, t2.id])
    assert user["active"] is True and user["deactivated_at"] is None
    assert await api.call("GET", f"/users/{user['id']}", 200, t1.read) == user
    events = await api.call("GET", f"/audit/events?action=user.created&target_id={user['id']}", 200, ADMIN)
    assert events["total"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (person(email="not-an-email"), "email"),
        (person(slack_member_id="@ada"), "slack_member_id"),  # a handle, not a member id
        (person(slack_member_id="u024be7lh"), "slack_member_id"),
        ({"email": "a@example.com"}, "name"),
        (person(name=""), "name"),
        (person(team_ids=["nope"]), "team_ids"),
        (person(role="boss"), "role"),
    ],
)
async def test_create_user_validation_names_the_field(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    error = assert_error(await client.post(f"{API}/users", headers=ADMIN, json=body), 422, "validation_error")
    assert field in error["message"]
    api = Api(client)
    assert await emails(api) == []
    assert await created_events(api) == 0


async def test_create_user_conflicts_and_missing_team(client: httpx.AsyncClient) -> None:
    api = Api(client)
    await api.call("POST", "/users", 201, ADMIN, json=person())
    assert_error(
        await client.post(f"{API}/users", headers=ADMIN, json=person("ADA@example.com")), 409, "user_exists"
    )
    resp = await client.post(
        f"{API}/users", headers=ADMIN, json=person("b@example.com", team_ids=[str(uuid.uuid4())])
    )
    assert_error(resp, 404, "team_not_found")
    assert await emails(api) == ["ada@example.com"]
    assert await created_events(api) == 1


async def test_a_team_may_create_users_only_in_itself(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team, other = await api.team(), await api.team()
    mine = await api.call(
        "POST", "/users", 201, team.write, json=person("mine@example.com", team_ids=[team.id])
    )
    assert mine["team_ids"] == [team.id]
    for body in (
        person("x@example.com"),
        person("y@example.com", team_ids=[other.id]),
        person("z@example.com", team_ids=[team.id, other.id]),
    ):
        assert_error(await client.post(f"{API}/users", headers=team.write, json=body), 403, "admin_required")
    resp = await client.post(
        f"{API}/users", headers=team.read, json=person("r@example.com", team_ids=[team.id])
    )
    assert_error(resp, 403, "insufficient_scope")
    assert await emails(api) == ["mine@example.com"]
    assert await created_events(api) == 1


async def test_list_users_filters_and_paginates(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    names = ["Carol", "Alice", "Bob", "Dave"]
    ids = {}
    for name in names:
        body = {
            "email": f"{name.lower()}@example.com",
            "name": name,
            "team_ids": [team.id] if name != "Dave" else [],
        }
        ids[name] = (await api.call("POST", "/users", 201, ADMIN, json=body))["id"]
    everyone = await api.call("GET", "/users", 200, ADMIN)
    assert [u["name"] for u in everyone["items"]] == ["Alice", "Bob", "Carol", "Dave"]
    page = await api.call("GET", "/users?limit=2&offset=2", 200, ADMIN)
    assert [u["name"] for u in page["items"]] == ["Carol", "Dave"]
    assert page["total"] == 4
    in_team = await api.call("GET", f"/users?team_id={team.id}", 200, ADMIN)
    assert [u["name"] for u in in_team["items"]] == ["Alice", "Bob", "Carol"]
    by_email = await api.call("GET", "/users?email=BOB@example.com", 200, ADMIN)
    assert [u["id"] for u in by_email["items"]] == [ids["Bob"]]
    await api.call("POST", f"/users/{ids['Bob']}/deactivate", 200, ADMIN)
    active = await api.call("GET", "/users", 200, ADMIN)
    assert ids["Bob"] not in [u["id"] for u in active["items"]]
    assert active["total"] == 3
    with_inactive = await api.call("GET", "/users?include_inactive=true", 200, ADMIN)
    assert with_inactive["total"] == 4
    assert next(u for u in with_inactive["items"] if u["id"] == ids["Bob"])["active"] is False


async def test_get_unknown_user(client: httpx.AsyncClient) -> None:
    assert_error(await client.get(f"{API}/users/{uuid.uuid4()}", headers=ADMIN), 404, "user_not_found")
    assert_error(await client.get(f"{API}/users/123", headers=ADMIN), 422, "validation_error")


async def test_user_updates_themselves_only(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    ada = await api.call("POST", "/users", 201, ADMIN, json=person(team_ids=[team.id]))
    bob = await api.call(
        "POST", "/users", 201, ADMIN, json={"email": "bob@example.com", "name": "Bob", "team_ids": [team.id]}
    )
    ada_key = await api.key(team.id, ["write"], user_id=ada["id"])
    updated = await api.call(
        "PATCH", f"/users/{ada['id']}", 200, ada_key, json={"github_username": "ada-l", "name": "Ada L."}
    )
    assert (updated["github_username"], updated["name"], updated["email"]) == (
        "ada-l",
        "Ada L.",
        "ada@example.com",
    )
    # A null email or name is ignored rather than wiping a required field.
    kept = await api.call(
        "PATCH", f"/users/{ada['id']}", 200, ada_key, json={"email": None, "slack_member_id": "W12345678"}
    )
    assert (kept["email"], kept["slack_member_id"]) == ("ada@example.com", "W12345678")
    event = await api.call("GET", f"/audit/events?action=user.updated&target_id={ada['id']}", 200, ADMIN)
    assert event["items"][0]["actor_user_id"] == ada["id"]

    assert_error(
        await client.patch(f"{API}/users/{bob['id']}", headers=ada_key, json={"name": "Bobby"}),
        403,
        "not_self",
    )
    # A team key without a user is not "the user themselves" either.
    assert_error(
        await client.patch(f"{API}/users/{bob['id']}", headers=team.write, json={"name": "B"}),
        403,
        "not_self",
    )
    resp = await client.patch(f"{API}/users/{ada['id']}", headers=ada_key, json={"email": "BOB@example.com"})
    assert_error(resp, 409, "user_exists")
    resp = await client.patch(f"{API}/users/{ada['id']}", headers=ada_key, json={"slack_member_id": "@ada"})
    assert "slack_member_id" in assert_error(resp, 422, "validation_error")["message"]
    assert_error(
        await client.patch(f"{API}/users/{uuid.uuid4()}", headers=ADMIN, json={"name": "x"}),
        404,
        "user_not_found",
    )
    # None of the refused edits changed anything, and none was audited.
    assert await api.call("GET", f"/users/{bob['id']}", 200, ADMIN) == bob
    ada_now = await api.call("GET", f"/users/{ada['id']}", 200, ADMIN)
    assert (ada_now["email"], ada_now["slack_member_id"]) == ("ada@example.com", "W12345678")
    updated_events = await api.call("GET", "/audit/events?action=user.updated", 200, ADMIN)
    assert updated_events["total"] == 2
    admin_edit = await api.call(
        "PATCH", f"/users/{bob['id']}", 200, ADMIN, json={"email": "robert@example.com"}
    )
    assert admin_edit["email"] == "robert@example.com"
    assert (await api.call("GET", f"/users/{bob['id']}", 200, ADMIN))["email"] == "robert@example.com"


async def test_deactivate_user(client: httpx.AsyncClient) -> None:
    api = Api(client)
    team = await api.team()
    user = await api.call("POST", "/users", 201, ADMIN, json=person(team_ids=[team.id]))
    assert_error(
        await client.post(f"{API}/users/{user['id']}/deactivate", headers=team.write), 403, "admin_required"
    )
    assert (await api.call("GET", f"/users/{user['id']}", 200, ADMIN))["active"] is True
    gone = await api.call("POST", f"/users/{user['id']}/deactivate", 200, ADMIN)
    assert gone["active"] is False and gone["deactivated_at"] is not None
    again = await api.call("POST", f"/users/{user['id']}/deactivate", 200, ADMIN)  # idempotent
    assert again["deactivated_at"] == gone["deactivated_at"]
    events = await api.call(
        "GET", f"/audit/events?action=user.deactivated&target_id={user['id']}", 200, ADMIN
    )
    assert events["total"] == 1
    # Still readable, and the email may belong to a new person now.
    assert (await api.call("GET", f"/users/{user['id']}", 200, ADMIN))["active"] is False
    await api.call("POST", "/users", 201, ADMIN, json=person())
    assert_error(
        await client.post(f"{API}/users/{uuid.uuid4()}/deactivate", headers=ADMIN), 404, "user_not_found"
    )
