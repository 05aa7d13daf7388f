"""OpenAPI sync and impact over the API: first sync creates, later syncs diff through the publishing path."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import yaml

from tests.helpers import ADMIN, Api, TeamCtx
from tests.ingest.openapi.documents import dumps, pet, petstore

GET_PET = "pet-store.get:/pets/{petId}.response.200.application/json"
CREATE_PET = "pet-store.post:/pets.request.application/json"


class Pets:
    """The API's owner team (named by ``x-owner``) and a client team that registers on its assets."""

    def __init__(self, api: Api, platform: TeamCtx, mobile: TeamCtx) -> None:
        self.api, self.platform, self.mobile = api, platform, mobile

    async def sync(self, doc: dict[str, Any] | bytes, expect: int = 200, **params: str) -> Any:
        resp = await self.api.client.post(
            "/api/v1/sync/openapi",
            params={"owner_team_id": self.platform.id, **params},
            content=doc if isinstance(doc, bytes) else dumps(doc),
            headers={**ADMIN, "Content-Type": "application/json"},
        )
        assert resp.status_code == expect, resp.text
        return resp.json()

    async def impact(self, doc: dict[str, Any]) -> Any:
        resp = await self.api.client.post(
            "/api/v1/sync/openapi/impact", content=dumps(doc), headers={**self.mobile.read}
        )
        assert resp.status_code == 200, resp.text
        return resp.json()

    async def asset(self, fqn: str) -> Any:
        found = await self.api.call("GET", "/assets?limit=200", 200, ADMIN)
        return next(a for a in found["items"] if a["fqn"] == fqn)

    async def register(self, fqn: str) -> None:
        await self.api.register(self.mobile, (await self.asset(fqn))["id"])


def status(result: Any, fqn: str) -> Any:
    return next(a for a in result["assets"] if a["fqn"] == fqn)


@pytest.fixture
async def pets(client: httpx.AsyncClient) -> Pets:
    api = Api(client)
    platform, mobile = await api.team("platform"), await api.team("mobile")
    await api.call(
        "POST",
        "/users",
        201,
        ADMIN,
        json={"email": "platform@shop.example", "name": "Platform Bot", "team_ids": [platform.id]},
    )
    return Pets(api, platform, mobile)


async def test_first_sync_creates_assets_with_contracts_and_a_resync_changes_nothing(pets: Pets) -> None:
    first = await pets.sync(petstore())
    assert (first["source"], first["project_name"], first["version"]) == ("openapi", "pet-store", "1.0.0")
    assert first["summary"]["created"] == 9 and first["warnings"] == []
    asset = await pets.asset(GET_PET)
    assert (asset["owner_team_id"], asset["current_version"], asset["compatibility_mode"]) == (
        pets.platform.id,
        "1.0.0",
        "backward",
    )
    again = await pets.sync(yaml.safe_dump(petstore()).encode())
    assert again["summary"]["unchanged"] == 9 and again["summary"]["created"] == 0


async def test_a_field_added_to_a_response_publishes_a_minor_version(pets: Pets) -> None:
    await pets.sync(petstore())
    doc = petstore()
    pet(doc)["properties"]["age"] = {"type": "integer"}
    result = await pets.sync(doc)
    assert (status(result, GET_PET)["status"], status(result, GET_PET)["version"]) == ("updated", "1.1.0")


async def test_a_field_removed_from_a_response_is_proposed_to_registered_clients(pets: Pets) -> None:
    await pets.sync(petstore())
    await pets.register(GET_PET)
    doc = petstore()
    del pet(doc)["properties"]["status"]
    check = await pets.impact(doc)
    assert check["verdict"] == "fail"
    row = next(m for m in check["models"] if m["fqn"] == GET_PET)
    assert row["breaking"] and [c["team_id"] for c in row["consumers"]] == [pets.mobile.id]
    assert any(c["kind"] == "property_removed" and c["path"].endswith("/status") for c in row["changes"])
    # The comment tells an API's author the API's command, and never says that a team whose columns are
    # unknown reads the removed field.
    assert "`tessera openapi check --propose`" in check["markdown"] and "tessera dbt" not in check["markdown"]
    assert "**mobile** (unknown columns" in check["markdown"] and "reads `status`" not in check["markdown"]
    assert "in 4 assets, 1 team must answer" in check["markdown"] and "model" not in check["markdown"]
    result = await pets.sync(doc)
    assert status(result, GET_PET)["status"] == "proposed"
    assert (await pets.asset(GET_PET))["current_version"] == "1.0.0"


async def test_a_pull_request_proposes_first_and_the_merged_sync_publishes_once_answered(pets: Pets) -> None:
    await pets.sync(petstore())
    await pets.register(GET_PET)
    doc = petstore()
    del pet(doc)["properties"]["status"]
    resp = await pets.api.client.post(
        "/api/v1/sync/openapi/propose",
        params={"source_ref": "github:shop/api#3"},
        content=dumps(doc),
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert resp.status_code == 200, resp.text
    row = next(m for m in resp.json()["models"] if m["fqn"] == GET_PET)
    assert row["proposal"] is not None and (await pets.asset(GET_PET))["current_version"] == "1.0.0"
    approved = await pets.api.ack(pets.mobile, row["proposal"]["id"])
    assert approved["status"] == "approved"
    result = await pets.sync(doc)
    assert (status(result, GET_PET)["status"], status(result, GET_PET)["version"]) == (
        "published_from_proposal",
        "2.0.0",
    )


async def test_propose_needs_a_pull_request_reference(pets: Pets) -> None:
    resp = await pets.api.client.post(
        "/api/v1/sync/graphql/propose", content=b"type Query { a: Int }", headers=ADMIN
    )
    assert resp.status_code == 422, resp.text


async def test_a_new_required_request_field_breaks_the_clients_that_send_it(pets: Pets) -> None:
    await pets.sync(petstore())
    await pets.register(CREATE_PET)
    doc = petstore()
    pet(doc)["properties"]["owner"] = {"type": "string"}
    pet(doc)["required"].append("owner")
    result = await pets.sync(doc)
    assert status(result, CREATE_PET)["status"] == "proposed"
    proposal = await pets.api.call(
        "GET", f"/proposals/{status(result, CREATE_PET)['proposal_id']}", 200, ADMIN
    )
    assert [c["kind"] for c in proposal["breaking_changes"]] == ["required_added"]


async def test_a_new_required_parameter_and_a_removed_operation_count(pets: Pets) -> None:
    await pets.sync(petstore())
    await pets.register("pet-store.get:/pets.parameters")
    await pets.register("pet-store.post:/pets.response.201.application/json")
    doc = petstore()
    doc["paths"]["/pets"]["get"]["parameters"].append(
        {"name": "X-Tenant", "in": "header", "required": True, "schema": {"type": "string"}}
    )
    del doc["paths"]["/pets"]["post"]
    result = await pets.sync(doc)
    assert status(result, "pet-store.get:/pets.parameters")["status"] == "proposed"
    # The removed operation: its registered response asks its client, the others are retired.
    assert (
        status(result, "pet-store.post:/pets.response.201.application/json")["status"] == "removal_proposed"
    )
    assert status(result, CREATE_PET)["status"] == "removed"


async def test_an_invalid_document_is_a_400_naming_the_problem_and_writes_nothing(pets: Pets) -> None:
    doc = petstore()
    doc["paths"]["/pets"]["get"]["responses"] = "nope"
    body = await pets.sync(doc, expect=400)
    assert body["error"]["code"] == "invalid_openapi"
    assert "/paths/~1pets/get/responses" in body["error"]["message"]
    found = await pets.api.call("GET", "/assets?limit=200", 200, ADMIN)
    assert found["items"] == []


async def test_a_reference_outside_the_document_is_a_400_and_nothing_is_fetched(pets: Pets) -> None:
    doc = petstore()
    pet(doc)["properties"]["owner"] = {"$ref": "file:///etc/hostname#/X"}
    body = await pets.sync(doc, expect=400)
    assert body["error"]["code"] == "unresolvable_ref"
    assert "at /components/schemas/Pet/properties/owner" in body["error"]["message"]
    found = await pets.api.call("GET", "/assets?limit=200", 200, ADMIN)
    assert found["items"] == []


@pytest.mark.parametrize("edit", ["nullable", "optional"])
async def test_a_promised_response_field_made_nullable_or_optional_is_proposed(pets: Pets, edit: str) -> None:
    await pets.sync(petstore())
    await pets.register(GET_PET)
    doc = petstore()
    if edit == "nullable":
        pet(doc)["properties"]["name"]["nullable"] = True
    else:
        pet(doc)["required"].remove("name")
    result = await pets.sync(doc)
    assert status(result, GET_PET)["status"] == "proposed"
    proposal = await pets.api.call("GET", f"/proposals/{status(result, GET_PET)['proposal_id']}", 200, ADMIN)
    assert "not_null_removed" in {c["kind"] for c in proposal["breaking_changes"]}


def row(check: Any, fqn: str) -> Any:
    return next(m for m in check["models"] if m["fqn"] == fqn)


async def test_breaking_describes_the_change_whoever_is_registered(pets: Pets) -> None:
    # Nobody registered: a removed node and a removed field are both breaking, neither needs an answer.
    await pets.sync(petstore())
    doc = petstore()
    del doc["paths"]["/pets"]["post"]
    del pet(doc)["properties"]["status"]
    check = await pets.impact(doc)
    removed, modified = row(check, CREATE_PET), row(check, GET_PET)
    assert removed["status"] == "removed" and modified["status"] == "modified"
    for model in (removed, modified):
        assert (model["breaking"], model["answer_required"], model["acknowledged"]) == (True, False, True)
        assert all(
            c["breaking"] for c in model["changes"] if c["kind"] in {"asset_removed", "property_removed"}
        )
    assert check["verdict"] == "pass"
    assert check["summary"]["breaking"] >= 2 and check["summary"]["unacknowledged"] == 0

    # A registered team: the same changes, still breaking, now someone must answer.
    await pets.register(CREATE_PET)
    await pets.register(GET_PET)
    check = await pets.impact(doc)
    for fqn in (CREATE_PET, GET_PET):
        model = row(check, fqn)
        assert (model["breaking"], model["answer_required"], model["acknowledged"]) == (True, True, False)
    assert check["verdict"] == "fail"
