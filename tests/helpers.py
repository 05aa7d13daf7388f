"""Small typed helpers to build data through the real HTTP API with real keys."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import time_machine

BOOTSTRAP_KEY = "bootstrap-admin-key-for-tests-only-0123456789"


def auth(key: str) -> dict[str, str]:
    """Headers carrying an API key."""
    return {"Authorization": f"Bearer {key}"}


ADMIN = auth(BOOTSTRAP_KEY)
API = "/api/v1"


def record_schema(columns: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """A record JSON Schema from ``{column: type or schema}``."""
    props = {name: ({"type": t} if isinstance(t, str) else t) for name, t in columns.items()}
    return {
        "type": "object",
        "properties": props,
        "required": required if required is not None else list(columns),
    }


def clock_ahead(delta: timedelta) -> time_machine.travel:
    """Move the clock ``delta`` ahead (still ticking) for a ``with`` block: deadlines pass without waiting."""
    return time_machine.travel(datetime.now(UTC) + delta)


# The schemas most tests publish; tests only read them (never mutate a shared one).
V1 = record_schema({"id": "integer", "email": "string"})
V1_NAMED = record_schema({"id": "integer", "email": "string", "name": "string"})
V1_PLUS = record_schema({"id": "integer", "email": "string", "name": "string"}, ["id", "email"])
# A breaking change of V1 and V1_NAMED: only the id is left.
ID_ONLY = record_schema({"id": "integer"})


@dataclass
class TeamCtx:
    """A team with keys of each scope."""

    id: str
    name: str
    read: dict[str, str]
    write: dict[str, str]
    admin: dict[str, str]


class Api:
    """Builders over an httpx client; every call asserts the expected status."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def call(self, method: str, url: str, expect: int, headers: dict[str, str], **kw: Any) -> Any:
        resp = await self.client.request(method, f"{API}{url}", headers=headers, **kw)
        assert resp.status_code == expect, f"{method} {url}: {resp.status_code} {resp.text}"
        return resp.json() if resp.content else None

    async def key(self, team_id: str, scopes: list[str], user_id: str | None = None) -> dict[str, str]:
        body: dict[str, Any] = {"name": f"key-{uuid.uuid4().hex[:6]}", "team_id": team_id, "scopes": scopes}
        if user_id:
            body["user_id"] = user_id
        created = await self.call("POST", "/api-keys", 201, ADMIN, json=body)
        return auth(created["key"])

    async def team(self, name: str | None = None) -> TeamCtx:
        name = name or f"team-{uuid.uuid4().hex[:6]}"
        team = await self.call("POST", "/teams", 201, ADMIN, json={"name": name})
        return TeamCtx(
            id=team["id"],
            name=name,
            read=await self.key(team["id"], ["read"]),
            write=await self.key(team["id"], ["write"]),
            admin=await self.key(team["id"], ["admin"]),
        )

    async def asset(self, owner: TeamCtx, fqn: str | None = None, **extra: Any) -> dict[str, Any]:
        body = {
            "fqn": fqn or f"warehouse.analytics.t_{uuid.uuid4().hex[:8]}",
            "owner_team_id": owner.id,
            **extra,
        }
        return await self.call("POST", "/assets", 201, owner.write, json=body)  # type: ignore[no-any-return]

    async def publish(
        self, owner: TeamCtx, asset_id: str, schema: dict[str, Any], expect: int = 201, **extra: Any
    ) -> Any:
        return await self.call(
            "POST", f"/assets/{asset_id}/contracts", expect, owner.write, json={"schema": schema, **extra}
        )

    async def register(self, consumer: TeamCtx, asset_id: str, **extra: Any) -> Any:
        return await self.call(
            "POST", "/registrations", 201, consumer.write, json={"asset_id": asset_id, **extra}
        )

    async def ack(
        self, consumer: TeamCtx, proposal_id: str, response: str = "approved", expect: int = 200, **extra: Any
    ) -> Any:
        return await self.call(
            "POST",
            f"/proposals/{proposal_id}/acknowledge",
            expect,
            consumer.write,
            json={"response": response, **extra},
        )


@dataclass
class Shared:
    """``owner``'s asset with an active contract 1.0.0; ``consumers`` registered on it unless asked not to."""

    owner: TeamCtx
    consumers: list[TeamCtx]
    asset: dict[str, Any]
    contract: dict[str, Any]

    @property
    def consumer(self) -> TeamCtx:
        """The first consumer team: most setups have exactly one."""
        return self.consumers[0]


@dataclass
class Proposed(Shared):
    """A :class:`Shared` asset whose owner published a breaking change: an open ``proposal``."""

    proposal: dict[str, Any]


async def shared_asset(
    api: Api,
    schema: dict[str, Any] = V1,
    *,
    consumers: int = 1,
    register: bool = True,
    register_with: Sequence[Mapping[str, Any]] = (),
    asset_fields: Mapping[str, Any] | None = None,
    **publish: Any,
) -> Shared:
    """New owner and ``consumers`` teams; the owner's asset published with ``schema``; the consumers on it.

    ``consumers=0`` gives an owner-only asset. ``asset_fields`` go to the asset (``fqn``, ``tags``, ...),
    ``publish`` extras to the first publish, and ``register_with[i]`` to consumer ``i``'s registration
    (e.g. ``{"columns": ["email"]}``); consumers past its end register plainly.
    """
    owner = await api.team()
    readers = [await api.team() for _ in range(consumers)]
    asset = await api.asset(owner, **(asset_fields or {}))
    contract = (await api.publish(owner, asset["id"], schema, **publish))["contract"]
    if register:
        for i, reader in enumerate(readers):
            extra = register_with[i] if i < len(register_with) else {}
            await api.register(reader, asset["id"], **extra)
    return Shared(owner, readers, asset, contract)


async def open_proposal(
    api: Api,
    schema: dict[str, Any] = V1,
    breaking: dict[str, Any] = ID_ONLY,
    *,
    consumers: int = 1,
    register_with: Sequence[Mapping[str, Any]] = (),
    **publish: Any,
) -> Proposed:
    """A :func:`shared_asset` then a breaking publish (``publish`` extras) that opens a proposal."""
    shared = await shared_asset(api, schema, consumers=consumers, register_with=register_with)
    opened = await api.publish(shared.owner, shared.asset["id"], breaking, expect=202, **publish)
    return Proposed(shared.owner, shared.consumers, shared.asset, shared.contract, opened["proposal"])
