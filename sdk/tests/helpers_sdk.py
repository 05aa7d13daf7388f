"""Typed helpers for the SDK tests: clients bound to the in-process app with real keys."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from tessera_sdk import AsyncTesseraClient, RetryPolicy
from tessera_sdk.models import JsonObject, Team

BASE = "http://tessera.test"
NO_RETRY = RetryPolicy(max_retries=0)


def record_schema(columns: dict[str, str], required: Sequence[str] | None = None) -> JsonObject:
    """A row JSON Schema from ``{column: type}``."""
    return {
        "type": "object",
        "properties": {name: {"type": t} for name, t in columns.items()},
        "required": list(required if required is not None else columns),
    }


def asgi_client(app: FastAPI, key: str | None) -> AsyncTesseraClient:
    """An async client talking to ``app`` in-process."""
    return AsyncTesseraClient(BASE, key, transport=httpx.ASGITransport(app=app), retry=NO_RETRY)


@dataclass
class TeamClient:
    """A team and a client holding one of its keys."""

    team: Team
    client: AsyncTesseraClient


async def team_with_key(
    admin: AsyncTesseraClient, app: FastAPI, scopes: Sequence[str] = ("write",), name: str | None = None
) -> TeamClient:
    """Create a team and a key for it; return both."""
    team = await admin.teams.create(name or f"team-{uuid.uuid4().hex[:8]}")
    key = await admin.api_keys.create("test", team.id, scopes=scopes)
    return TeamClient(team, asgi_client(app, key.key))
