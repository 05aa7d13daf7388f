"""The async client against the real application in-process (ASGI transport)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from helpers_sdk import TeamClient, asgi_client, record_schema, team_with_key
from tests.conftest import BOOTSTRAP_KEY
from tests.helpers import V1_NAMED

from tessera_sdk import (
    AsyncTesseraClient,
    AuthenticationError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationError,
)

DROPPED = record_schema({"id": "integer", "name": "string"})


@pytest.fixture
async def admin(app: FastAPI) -> AsyncIterator[AsyncTesseraClient]:
    async with asgi_client(app, BOOTSTRAP_KEY) as client:
        yield client


@pytest.fixture
async def owner(admin: AsyncTesseraClient, app: FastAPI) -> AsyncIterator[TeamClient]:
    tc = await team_with_key(admin, app, ("write",), "owners")
    async with tc.client:
        yield tc


@pytest.fixture
async def consumer(admin: AsyncTesseraClient, app: FastAPI) -> AsyncIterator[TeamClient]:
    tc = await team_with_key(admin, app, ("write",), "consumers")
    async with tc.client:
        yield tc


async def test_breaking_change_workflow_through_the_sdk(owner: TeamClient, consumer: TeamClient) -> None:
    asset = await owner.client.assets.create("warehouse.analytics.users", owner.team.id)
    first = await owner.client.contracts.publish(asset.id, V1_NAMED)
    assert first.outcome == "published"
    assert first.contract is not None
    assert first.contract.version == "1.0.0"
    assert first.contract.schema_ == V1_NAMED

    registration = await consumer.client.registrations.create(asset.id, columns=["email"])
    assert registration.consumer_team_id == consumer.team.id

    # The example, exactly as written.
    client = owner.client
    impact = await client.assets.check_impact(asset_id=asset.id, proposed_schema=DROPPED)
    assert impact.safe_to_publish is False
    assert [c.kind for c in impact.breaking_changes] == ["property_removed"]
    assert impact.breaking_changes[0].path
    assert [c.team_id for c in impact.consumers] == [consumer.team.id]

    proposed = await owner.client.contracts.publish(asset.id, DROPPED)
    assert proposed.outcome == "proposed"
    assert proposed.proposal is not None
    waiting = await consumer.client.proposals.list(awaiting_team_id=consumer.team.id)
    assert [p.id for p in waiting.items] == [proposed.proposal.id]

    answered = await consumer.client.proposals.acknowledge(proposed.proposal.id)
    assert answered.status == "published"
    fetched = await owner.client.assets.get(asset.id)
    assert fetched.current_version == "2.0.0"

    versions = [c.version async for c in owner.client.contracts.iter_all(asset.id)]
    assert versions == ["2.0.0", "1.0.0"]
    diff = await owner.client.contracts.diff(asset.id, "1.0.0", "2.0.0")
    assert diff.compatible is False
    assert [c.kind for c in diff.breaking_changes] == ["property_removed"]
    regs = await owner.client.registrations.list(asset_id=asset.id)
    assert regs.total == 1


async def test_safe_change_is_safe_to_publish(owner: TeamClient) -> None:
    asset = await owner.client.assets.create("warehouse.analytics.safe", owner.team.id)
    await owner.client.contracts.publish(asset.id, V1_NAMED)
    wider = record_schema({"id": "integer", "email": "string", "name": "string", "nick": "string"}, ["id"])
    impact = await owner.client.assets.check_impact(asset_id=asset.id, proposed_schema=wider, guarantees=None)
    assert impact.safe_to_publish is True
    assert impact.breaking_changes == []
    assert impact.current_version == "1.0.0"


async def test_iterators_walk_every_page(admin: AsyncTesseraClient) -> None:
    names = {f"page-team-{i}" for i in range(7)}
    for name in names:
        await admin.teams.create(name)
    first = await admin.teams.list(name="page-team-", limit=3)
    assert (len(first.items), first.total, first.limit) == (3, 7, 3)
    seen = [t.name async for t in admin.teams.iter_all(name="page-team-", page_size=2)]
    assert sorted(seen) == sorted(names)


async def test_find_by_fqn_matches_exactly(owner: TeamClient) -> None:
    await owner.client.assets.create("warehouse.a.orders", owner.team.id)
    await owner.client.assets.create("warehouse.a.orders_daily", owner.team.id)
    await owner.client.assets.create("warehouse.a.orders", owner.team.id, environment="staging")
    found = await owner.client.assets.find_by_fqn("warehouse.a.orders")
    assert sorted(a.environment for a in found) == ["production", "staging"]
    only = await owner.client.assets.find_by_fqn("warehouse.a.orders", environment="staging")
    assert [a.environment for a in only] == ["staging"]
    assert await owner.client.assets.find_by_fqn("warehouse.a.order") == []


@pytest.mark.parametrize(("key", "code"), [(None, "missing_api_key"), ("not-a-real-key", "invalid_api_key")])
async def test_bad_credentials_raise_authentication_error(app: FastAPI, key: str | None, code: str) -> None:
    async with asgi_client(app, key) as client:
        with pytest.raises(AuthenticationError) as info:
            await client.teams.list()
    assert (info.value.status, info.value.code) == (401, code)
    assert info.value.request_id


async def test_error_tree_maps_the_apis_codes(
    admin: AsyncTesseraClient, app: FastAPI, owner: TeamClient
) -> None:
    with pytest.raises(NotFound) as missing:
        await admin.assets.get(uuid.uuid4())
    assert missing.value.code == "asset_not_found"
    assert missing.value.status == 404

    reader = await team_with_key(admin, app, ("read",))
    async with reader.client:
        with pytest.raises(PermissionDenied) as denied:
            await reader.client.assets.create("warehouse.x.y", reader.team.id)
    assert denied.value.code == "insufficient_scope"

    with pytest.raises(ValidationError) as invalid:
        await owner.client.assets.create("has space", owner.team.id)
    assert (invalid.value.status, invalid.value.code) == (422, "validation_error")
    assert "fqn" in invalid.value.message

    asset = await owner.client.assets.create("warehouse.x.conflict", owner.team.id)
    await owner.client.contracts.publish(asset.id, V1_NAMED)
    other = await team_with_key(admin, app)
    async with other.client:
        await other.client.registrations.create(asset.id)
    await owner.client.contracts.publish(asset.id, DROPPED)
    with pytest.raises(Conflict) as conflict:
        await owner.client.contracts.publish(asset.id, record_schema({"id": "string"}))
    assert (conflict.value.status, conflict.value.code) == (409, "proposal_already_open")
    # The refused publish left the one open proposal and no new version.
    assert [c.version async for c in owner.client.contracts.iter_all(asset.id)] == ["1.0.0"]


async def test_malformed_id_is_refused_before_any_request(admin: AsyncTesseraClient) -> None:
    with pytest.raises(ValueError, match="not a valid id"):
        await admin.teams.get("dim_customers")


async def test_api_keys_create_list_revoke(admin: AsyncTesseraClient, app: FastAPI) -> None:
    team = await admin.teams.create("keyed")
    created = await admin.api_keys.create("ci", team.id, scopes=["read", "write"])
    assert created.key.startswith(f"tess_{created.key_id}_")
    assert set(created.scopes) == {"read", "write"}
    listed = [k.id async for k in admin.api_keys.iter_all(team_id=team.id)]
    assert listed == [created.id]
    async with asgi_client(app, created.key) as keyed:
        assert (await keyed.teams.get(team.id)).name == "keyed"
        revoked = await admin.api_keys.revoke(created.id)
        assert revoked.revoked_at is not None
        with pytest.raises(AuthenticationError) as refused:
            await keyed.teams.get(team.id)
        assert refused.value.code == "invalid_api_key"


async def test_users_and_members(admin: AsyncTesseraClient) -> None:
    team = await admin.teams.create("people")
    user = await admin.users.create("ada@example.com", "Ada", team_ids=[team.id])
    assert user.team_ids == [team.id]
    assert await admin.teams.members(team.id) == [user.id]
    renamed = await admin.users.update(user.id, name="Ada L.")
    assert renamed.name == "Ada L."
    page = await admin.users.list(team_id=team.id)
    assert [u.email for u in page.items] == ["ada@example.com"]


async def test_audit_events_record_the_actions(owner: TeamClient, admin: AsyncTesseraClient) -> None:
    asset = await owner.client.assets.create("warehouse.audited.t", owner.team.id)
    published = await owner.client.contracts.publish(asset.id, V1_NAMED)
    assert published.contract is not None
    on_asset = [e async for e in admin.audit.iter_all(target_id=str(asset.id))]
    assert [(e.action, e.actor_team_id) for e in on_asset] == [("asset.created", owner.team.id)]
    # Publishing is audited on the contract it created.
    on_contract = [e async for e in admin.audit.iter_all(target_id=str(published.contract.id))]
    assert [(e.action, e.actor_team_id) for e in on_contract] == [("contract.published", owner.team.id)]
    # Everything about the asset, its contract included, through the asset it concerns.
    about = (await admin.audit.list(asset_id=asset.id)).items
    assert sorted(e.action for e in about) == ["asset.created", "contract.published"]
    assert {e.asset_id for e in about} == {asset.id}


async def test_proposals_withdraw_and_force(
    owner: TeamClient, consumer: TeamClient, admin: AsyncTesseraClient
) -> None:
    asset = await owner.client.assets.create("warehouse.p.t", owner.team.id)
    await owner.client.contracts.publish(asset.id, V1_NAMED)
    await consumer.client.registrations.create(asset.id)
    proposal = (await owner.client.contracts.publish(asset.id, DROPPED)).proposal
    assert proposal is not None
    withdrawn = await owner.client.proposals.withdraw(proposal.id, "changed our mind")
    assert withdrawn.status == "withdrawn"

    again = (await owner.client.contracts.publish(asset.id, DROPPED)).proposal
    assert again is not None
    forced = await admin.proposals.force_approve(again.id, "incident fix")
    assert forced.status == "published"
    fetched = await admin.proposals.get(again.id)
    assert fetched.status == forced.status
    assert (await admin.assets.get(asset.id)).current_version == "2.0.0"


async def test_guarantees_patch_and_contract_get(owner: TeamClient) -> None:
    asset = await owner.client.assets.create("warehouse.g.t", owner.team.id)
    not_null = {"columns": {"id": {"not_null": True}}}
    first = await owner.client.contracts.publish(asset.id, V1_NAMED, guarantees=not_null)
    assert first.contract is not None
    fetched = await owner.client.contracts.get(first.contract.id)
    assert fetched.guarantees == not_null
    stricter = {"columns": {"id": {"not_null": True, "unique": True}}}
    patched = await owner.client.contracts.patch_guarantees(first.contract.id, stricter)
    assert patched.outcome == "published"
    assert patched.contract is not None
    assert patched.contract.version == "1.1.0"  # a stricter guarantee does not break readers: minor
    assert patched.contract.guarantees == stricter
