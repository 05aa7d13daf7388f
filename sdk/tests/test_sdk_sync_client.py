"""The sync client against a real server on 127.0.0.1 (uvicorn in a thread), over real HTTP."""

from __future__ import annotations

import socket

import pytest
from helpers_sdk import record_schema
from tests.conftest import BOOTSTRAP_KEY
from tests.helpers import V1

from tessera_sdk import (
    AuthenticationError,
    NotFound,
    RetryPolicy,
    TesseraClient,
    TransportError,
)


def test_sync_client_end_to_end(live_url: str) -> None:
    with TesseraClient(live_url, BOOTSTRAP_KEY) as admin:
        owner = admin.teams.create("owners")
        reader = admin.teams.create("readers")
        write_key = admin.api_keys.create("owner-ci", owner.id, scopes=["write"]).key
        read_key = admin.api_keys.create("reader", reader.id, scopes=["write"]).key

    with TesseraClient(live_url, write_key) as client, TesseraClient(live_url, read_key) as consumer:
        asset = client.assets.create("warehouse.sync.users", owner.id, tags=["pii"])
        assert client.contracts.publish(asset.id, V1).outcome == "published"
        consumer.registrations.create(asset.id, columns=["email"])

        impact = client.assets.check_impact(
            asset_id=asset.id, proposed_schema=record_schema({"id": "integer"})
        )
        assert impact.safe_to_publish is False
        assert [c.kind for c in impact.breaking_changes] == ["property_removed"]
        assert [c.team_name for c in impact.consumers] == ["readers"]

        assert [a.fqn for a in client.assets.iter_all(page_size=1)] == ["warehouse.sync.users"]
        assert client.assets.find_by_fqn("warehouse.sync.users")[0].id == asset.id
        with pytest.raises(NotFound) as missing:
            client.contracts.diff(asset.id, "1.0.0", "9.9.9")
        assert missing.value.code == "contract_version_not_found"


def test_trailing_api_prefix_in_base_url_is_accepted(live_url: str) -> None:
    with TesseraClient(live_url + "/api/v1/", BOOTSTRAP_KEY) as admin:
        assert admin.teams.list().total == 0


def test_wrong_key_is_an_authentication_error(live_url: str) -> None:
    with TesseraClient(live_url, "nope") as client, pytest.raises(AuthenticationError) as info:
        client.teams.list()
    assert (info.value.status, info.value.code) == (401, "invalid_api_key")


def test_unreachable_server_is_a_transport_error() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    retry = RetryPolicy(max_retries=1, backoff=0.0)
    with (
        TesseraClient(f"http://127.0.0.1:{port}", "k", retry=retry) as client,
        pytest.raises(TransportError, match=f"127.0.0.1:{port}"),
    ):
        client.teams.list()


def test_base_url_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TESSERA_URL", raising=False)
    with pytest.raises(ValueError, match="TESSERA_URL"):
        TesseraClient()
    monkeypatch.setenv("TESSERA_URL", "http://127.0.0.1:1")
    with TesseraClient() as client:
        assert client.base_url == "http://127.0.0.1:1"
