"""BASE_URL is normalised once in the settings; every link in an event payload is built from it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pydantic import ValidationError

from tessera.app import create_app
from tessera.config import Settings
from tessera.db.models import OutboxMessage
from tessera.links import api_url
from tessera.resources import app_resources
from tests.helpers import V1, Api, record_schema

BREAKING = record_schema({"id": "integer"})


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("https://x/", "https://x"),
        ("https://x//", "https://x"),
        (" http://tessera.example.com:8080/prefix/ ", "http://tessera.example.com:8080/prefix"),
        ("https://x", "https://x"),
    ],
)
def test_base_url_loses_its_trailing_slashes(
    monkeypatch: pytest.MonkeyPatch, given: str, normalised: str
) -> None:
    monkeypatch.setenv("BASE_URL", given)
    settings = Settings(_env_file=None)
    assert settings.base_url == normalised
    assert api_url(settings.base_url, "assets/1") == f"{normalised}/api/v1/assets/1"


@pytest.mark.parametrize(
    "given", ["x", "tessera.example.com", "/api", "ftp://x", "https://", "https://x/?a=1"]
)
def test_a_base_url_that_is_not_an_absolute_http_url_is_refused(
    monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    monkeypatch.setenv("BASE_URL", given)
    with pytest.raises(ValidationError, match=r"BASE_URL must be the server's absolute http\(s\) URL"):
        Settings(_env_file=None)


def _urls(value: Any) -> list[str]:
    """Every string under a key ending in ``url`` in a JSON value."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k.endswith("url") and isinstance(v, str)]
        return found + [u for v in value.values() for u in _urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in _urls(v)]
    return []


@pytest.fixture
async def slash_app(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FastAPI]:
    # Read from the environment, as a deployment would: model_copy would skip the validator.
    monkeypatch.setenv("BASE_URL", "https://x/")
    fields = settings.model_dump(exclude={"base_url"})
    application = create_app(Settings(_env_file=None, **fields))
    async with application.router.lifespan_context(application):
        yield application


async def test_event_payload_links_have_no_double_slash(slash_app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=slash_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tessera.test") as client:
        api = Api(client)
        owner, consumer = await api.team(), await api.team()
        asset = await api.asset(owner)
        await api.publish(owner, asset["id"], V1)
        await api.register(consumer, asset["id"])
        proposal = (await api.publish(owner, asset["id"], BREAKING, expect=202))["proposal"]
    async with app_resources(slash_app).read_session_factory() as session:
        payloads = (await session.execute(sa.select(OutboxMessage.payload))).scalars().all()
    urls = [u for p in payloads for u in _urls(p)]
    assert f"https://x/api/v1/assets/{asset['id']}" in urls
    assert f"https://x/api/v1/proposals/{proposal['id']}" in urls
    assert all(u.startswith("https://x/api/v1/") and "//api" not in u for u in urls), urls
