from __future__ import annotations

from datetime import timedelta

import orjson
import pytest

from tessera.notifications.events import EventType, JsonValue
from tessera.notifications.rendering import TemplateRenderer
from tessera.notifications.retry import DeliveryErrorKind, Outcome
from tessera.notifications.slack import SlackSender, build_slack_message
from tessera.notifications.ssrf import UrlPolicy
from tests.notifications.receivers import HttpReceiver, Reply
from tests.notifications.samples import event

RENDERER = TemplateRenderer()
TEXT_LIMITS = {"header": 150, "section": 3000, "context": 3000}


def assert_valid_block_kit(payload: dict[str, JsonValue]) -> None:
    """The parts of Slack's Block Kit rules our messages rely on."""
    assert isinstance(payload["text"], str)
    assert payload["text"]
    blocks = payload["blocks"]
    assert isinstance(blocks, list)
    assert 0 < len(blocks) <= 50
    for block in blocks:
        assert isinstance(block, dict)
        kind = block["type"]
        assert kind in TEXT_LIMITS
        if kind == "context":
            elements = block["elements"]
            assert isinstance(elements, list)
            assert 0 < len(elements) <= 10
            texts = elements
        else:
            texts = [block["text"]]
        for text in texts:
            assert isinstance(text, dict)
            assert text["type"] == ("plain_text" if kind == "header" else "mrkdwn")
            assert isinstance(text["text"], str)
            assert 0 < len(text["text"]) <= TEXT_LIMITS[kind]


@pytest.mark.parametrize("event_type", list(EventType))
def test_every_event_builds_valid_block_kit(event_type: EventType) -> None:
    message = build_slack_message(event(event_type), RENDERER)
    payload = orjson.loads(message.body())
    assert_valid_block_kit(payload)
    assert [b["type"] for b in payload["blocks"]][0] == "header"
    assert payload["blocks"][-1]["type"] == "context"


def test_proposal_message_says_what_changed_who_must_answer_by_when_and_links() -> None:
    message = build_slack_message(event(EventType.PROPOSAL_CREATED), RENDERER)
    sections = "\n".join(b["text"]["text"] for b in message.blocks if b["type"] == "section")  # type: ignore[index]
    assert "`amount`: column removed" in sections
    assert "Analytics" in sections
    assert "2025-02-07 09:00 UTC" in sections
    assert "<https://tessera.example.com/proposals/prp_1|" in sections
    assert "<@U123ABC>" in sections
    assert "<@U123ABC>" in message.text


def test_long_bodies_are_split_into_sections_within_limits() -> None:
    changes: list[JsonValue] = [
        {
            "kind": "property_removed",
            "path": f"col_{i}_" + "x" * 180,
            "breaking": True,
            "message": "removed " * 20,
        }
        for i in range(200)
    ]
    overrides: dict[str, JsonValue] = {"changes": changes, "asset": {"fqn": "f" * 400}}
    message = build_slack_message(event(EventType.PROPOSAL_CREATED, **overrides), RENDERER)
    payload = orjson.loads(message.body())
    assert_valid_block_kit(payload)
    assert len(payload["blocks"][0]["text"]["text"]) == 150
    assert sum(b["type"] == "section" for b in payload["blocks"]) > 1


async def test_message_posted_to_the_local_receiver(receiver: HttpReceiver, local_policy: UrlPolicy) -> None:
    message = build_slack_message(event(EventType.PROPOSAL_BLOCKED), RENDERER)
    async with SlackSender(local_policy) as sender:
        result = await sender.send(receiver.url("/services/T000/B000/XXXX"), message)
    assert result.ok
    [request] = receiver.requests
    assert request.path == "/services/T000/B000/XXXX"
    assert request.headers["content-type"] == "application/json"
    assert_valid_block_kit(orjson.loads(request.body))


async def test_slack_errors_classify_like_webhooks(receiver: HttpReceiver, local_policy: UrlPolicy) -> None:
    receiver.script(
        Reply(status=400, body=b"invalid_blocks"), Reply(status=429, headers={"Retry-After": "30"}, body=b"")
    )
    message = build_slack_message(event(), RENDERER)
    async with SlackSender(local_policy) as sender:
        bad = await sender.send(receiver.url(), message)
        limited = await sender.send(receiver.url(), message)
    assert bad.outcome is Outcome.PERMANENT
    assert bad.response_excerpt == "invalid_blocks"
    assert limited.outcome is Outcome.RETRYABLE
    assert limited.retry_after == timedelta(seconds=30)  # Slack's Retry-After header, not a default


async def test_slack_urls_go_through_the_ssrf_policy(local_policy: UrlPolicy) -> None:
    async with SlackSender(local_policy) as sender:
        result = await sender.send("http://169.254.169.254/hooks", build_slack_message(event(), RENDERER))
    assert result.error_kind is DeliveryErrorKind.SSRF_REFUSED
