"""What an attempt stores as its error: the kind once, then the receiver's or the policy's words."""

from __future__ import annotations

from pathlib import Path

from tessera.config import Environment, Settings
from tessera.enums import DeliveryChannel
from tessera.notifications.events import Event
from tessera.notifications.retry import Outcome
from tessera.notifications.signing import generate_secret
from tessera.worker.channels import Channels


async def test_an_unresolvable_webhook_host_is_recorded_with_its_kind_once(tmp_path: Path) -> None:
    settings = Settings(environment=Environment.TEST, data_dir=tmp_path, worker_enabled=False)
    channels = Channels(settings)
    try:
        event = Event.create("proposal.created", {"links": {}})
        result = await channels.attempt(
            DeliveryChannel.WEBHOOK, "https://hooks.example.invalid/tessera", event, generate_secret()
        )
    finally:
        await channels.aclose()
    assert result.outcome is Outcome.PERMANENT
    assert result.error == "dns_failure: hooks.example.invalid can never resolve (RFC 6761 .invalid)"
