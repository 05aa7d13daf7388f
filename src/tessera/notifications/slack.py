"""Slack messages (Block Kit) for events, posted to a team's incoming-webhook URL.

The wording comes from the ``slack/<event>.j2`` templates (see :mod:`tessera.notifications.rendering`);
this module turns it into blocks within Slack's limits: a ``header`` (plain text, 150 characters), one
or more ``section`` blocks (mrkdwn, 3,000 characters each) and a ``context`` footer, plus a top-level
``text`` used by notifications and clients that cannot show blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from types import TracebackType

import httpx
import orjson

from tessera.notifications.events import Event, JsonValue
from tessera.notifications.rendering import TemplateRenderer, slack_escape, slack_mentions
from tessera.notifications.ssrf import UrlPolicy
from tessera.notifications.transport import build_client
from tessera.notifications.webhook_sender import USER_AGENT, DeliveryResult, post_json

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
FALLBACK_LIMIT = 3000
MAX_BLOCKS = 50


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """A ready-to-post incoming-webhook payload."""

    text: str
    blocks: list[dict[str, JsonValue]]

    def to_payload(self) -> dict[str, JsonValue]:
        """The JSON object Slack expects."""
        return {"text": self.text, "blocks": list(self.blocks)}

    def body(self) -> bytes:
        """The payload as JSON bytes."""
        return orjson.dumps(self.to_payload())


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _split_sections(body: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Cut mrkdwn into chunks of at most ``limit`` characters, preferring line boundaries."""
    chunks: list[str] = []
    current = ""
    for line in body.splitlines():
        while len(line) > limit:  # a single enormous line: hard cut
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current.strip():
        chunks.append(current)
    return chunks


def build_slack_message(event: Event, renderer: TemplateRenderer) -> SlackMessage:
    """Block Kit message for ``event``: header, body sections (with mentions), context footer."""
    rendered = renderer.render_slack(event)
    title = _truncate(rendered.title or event.type.value, HEADER_LIMIT)
    blocks: list[dict[str, JsonValue]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}}
    ]
    sections = _split_sections(rendered.body)[: MAX_BLOCKS - 2]
    blocks.extend({"type": "section", "text": {"type": "mrkdwn", "text": s}} for s in sections)
    footer = f"Tessera · `{event.type.value}` · {slack_escape(event.timestamp)} · {event.id}"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]})
    mentions = " ".join(f"<@{m}>" for m in slack_mentions(event.data))
    fallback = f"{slack_escape(title)} {mentions}".strip()
    return SlackMessage(text=_truncate(fallback, FALLBACK_LIMIT), blocks=blocks)


class SlackSender:
    """Posts :class:`SlackMessage` payloads to incoming-webhook URLs through the SSRF-safe client.

    Pass ``client=webhook_sender.client`` to share one connection pool with the webhook sender.
    """

    def __init__(
        self,
        policy: UrlPolicy,
        timeout: timedelta = timedelta(seconds=10),
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._policy = policy
        self._timeout = timeout.total_seconds()
        self._owns_client = client is None
        self._client = client if client is not None else build_client(policy, timeout=self._timeout)

    async def __aenter__(self) -> SlackSender:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client if this sender created it."""
        if self._owns_client:
            await self._client.aclose()

    async def send(self, webhook_url: str, message: SlackMessage) -> DeliveryResult:
        """POST the message; the result classifies like a webhook attempt (Slack's 429 included)."""
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "accept-encoding": "identity",
        }
        return await post_json(
            self._client, self._policy, webhook_url, message.body(), headers, self._timeout
        )
