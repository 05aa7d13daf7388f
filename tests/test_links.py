"""BASE_URL is normalised once in the settings; the worker makes event links absolute with it at send time.

The outbox stores links as paths (API and page), so what a receiver gets follows the BASE_URL of the
worker that sends the event, never the one of the moment the event was written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from pydantic import ValidationError

from tessera.app import create_app
from tessera.config import Settings
from tessera.db.models import OutboxMessage
from tessera.links import api_url, resolve, ui_url
from tessera.resources import app_resources
from tessera.worker.channels import Channels
from tessera.worker.runner import sweep_once
from tests.helpers import ADMIN, Api, record_schema, shared_asset
from tests.notifications.receivers import HttpReceiver, SmtpReceiver

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


def test_resolve_prefixes_paths_and_keeps_absolute_links() -> None:
    stored = {
        "asset": {"id": "a"},
        "links": {"asset_url": "/api/v1/assets/a", "proposal_url": "https://old/p"},
    }
    resolved = resolve(stored, "https://x")
    assert resolved["links"] == {"asset_url": "https://x/api/v1/assets/a", "proposal_url": "https://old/p"}
    assert resolved["asset"] == {"id": "a"}
    assert stored["links"]["asset_url"] == "/api/v1/assets/a"  # the stored data is not changed
    assert resolve({"project": "p"}, "https://x") == {"project": "p"}  # no links, nothing to do


def test_page_urls_sit_under_the_base_url_without_the_api_prefix() -> None:
    assert ui_url("https://x/prefix", "proposals/p1") == "https://x/prefix/proposals/p1"
    assert ui_url("https://x", "/assets/a") == "https://x/assets/a"
    stored = {"links": {"asset_url": "/api/v1/assets/a", "asset_page_url": "/assets/a"}}
    assert resolve(stored, "https://x")["links"] == {
        "asset_url": "https://x/api/v1/assets/a",
        "asset_page_url": "https://x/assets/a",
    }


def _urls(value: Any) -> list[str]:
    """Every string under a key ending in ``url`` in a JSON value."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k.endswith("url") and isinstance(v, str)]
        return found + [u for v in value.values() for u in _urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in _urls(v)]
    return []


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    r = SmtpReceiver().start()
    yield r
    r.stop()


def _settings_with_base(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    base_url: str,
    receiver: HttpReceiver,
    smtp: SmtpReceiver,
) -> Settings:
    """The test settings with every channel on, BASE_URL read from the environment as a deployment would.

    (``model_copy`` would skip the validator that normalises it.)
    """
    monkeypatch.setenv("BASE_URL", base_url)
    fields = settings.model_dump(exclude={"base_url"})
    fields.update(
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        global_webhook_url=receiver.url("/global"),
        global_webhook_secret="whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    )
    return Settings(_env_file=None, **fields)


@asynccontextmanager
async def _serve(settings: Settings) -> AsyncIterator[tuple[FastAPI, Api]]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://tessera.test") as client:
            yield application, Api(client)


async def _breaking_proposal(api: Api, receiver: HttpReceiver) -> tuple[str, str]:
    """Publish, register and propose a breaking change; the consumer hears on Slack and by email."""
    s = await shared_asset(api)
    owner, consumer, asset = s.owner, s.consumer, s.asset
    slack_url = receiver.url("/slack")
    await api.call(
        "PATCH", f"/teams/{consumer.id}", 200, consumer.write, json={"slack_webhook_url": slack_url}
    )
    await api.call(
        "POST", "/users", 201, ADMIN, json={"email": "c@corp.example", "name": "C", "team_ids": [consumer.id]}
    )
    proposal = (await api.publish(owner, asset["id"], BREAKING, expect=202))["proposal"]
    return asset["id"], proposal["id"]


async def _stored_payloads(application: FastAPI) -> list[dict[str, Any]]:
    async with app_resources(application).read_session_factory() as session:
        stmt = sa.select(OutboxMessage.payload).order_by(OutboxMessage.created_at, OutboxMessage.id)
        return list((await session.execute(stmt)).scalars().all())


async def _deliver(application: FastAPI, settings: Settings) -> None:
    """Run the worker's real passes (dispatch, delivery over HTTP and SMTP) with ``settings``."""
    channels = Channels(settings)
    try:
        for _ in range(3):
            await sweep_once(app_resources(application).session_factory, settings, channels)
    finally:
        await channels.aclose()


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content())


async def test_delivered_links_have_no_double_slash(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, receiver: HttpReceiver, smtp: SmtpReceiver
) -> None:
    slashed = _settings_with_base(settings, monkeypatch, "https://x/", receiver, smtp)
    async with _serve(slashed) as (application, api):
        asset_id, proposal_id = await _breaking_proposal(api, receiver)
        await _deliver(application, slashed)
    asset_url = f"https://x/api/v1/assets/{asset_id}"
    proposal_url = f"https://x/api/v1/proposals/{proposal_id}"
    proposal_page = f"https://x/proposals/{proposal_id}"
    # The webhook body: every link absolute, exactly as docs/webhooks.md shows: the API for programs,
    # the pages for people.
    bodies = [orjson.loads(r.body) for r in receiver.requests if r.path == "/global"]
    assert {b["type"] for b in bodies} >= {"contract.published", "registration.created", "proposal.created"}
    urls = [u for b in bodies for u in _urls(b)]
    assert asset_url in urls and proposal_url in urls
    assert f"https://x/assets/{asset_id}" in urls and proposal_page in urls
    assert all(u.startswith("https://x/") and "//" not in u.removeprefix("https://") for u in urls), urls
    # The Slack message and the email of the proposal link to its page (not the JSON) under the same base.
    slack = [r.body.decode() for r in receiver.requests if r.path == "/slack"]
    assert any(proposal_page in m for m in slack), slack
    assert not any("/api/v1/" in m or "//assets" in m or "//proposals" in m for m in slack), slack
    emails = [_text(m) for _, m in smtp.messages]
    assert any(proposal_page in t for t in emails), emails
    assert not any("/api/v1/" in t or "//proposals" in t for t in emails), emails


async def test_links_follow_the_base_url_of_the_worker_not_of_the_writer(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, receiver: HttpReceiver, smtp: SmtpReceiver
) -> None:
    before = _settings_with_base(settings, monkeypatch, "https://old.example/", receiver, smtp)
    async with _serve(before) as (application, api):
        asset_id, proposal_id = await _breaking_proposal(api, receiver)
        stored = await _stored_payloads(application)
        # The stored events carry paths, not the base URL of the moment they were written.
        assert stored and "old.example" not in orjson.dumps(stored).decode()
        assert f"/api/v1/proposals/{proposal_id}" in [u for p in stored for u in _urls(p)]
        after = _settings_with_base(settings, monkeypatch, "https://new.example/tessera/", receiver, smtp)
        await _deliver(application, after)
        assert await _stored_payloads(application) == stored
    sent = [r.body.decode() for r in receiver.requests] + [_text(m) for _, m in smtp.messages]
    assert sent and not any("old.example" in s for s in sent)
    bodies = [orjson.loads(r.body) for r in receiver.requests if r.path == "/global"]
    urls = [u for b in bodies for u in _urls(b)]
    assert f"https://new.example/tessera/api/v1/assets/{asset_id}" in urls
    assert f"https://new.example/tessera/api/v1/proposals/{proposal_id}" in urls
    assert f"https://new.example/tessera/proposals/{proposal_id}" in urls
    assert all(u.startswith("https://new.example/tessera/") for u in urls), urls
    emails = [_text(m) for _, m in smtp.messages]
    assert any(f"https://new.example/tessera/proposals/{proposal_id}" in t for t in emails), emails
