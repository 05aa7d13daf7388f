"""The senders a worker delivers through, built once from the settings."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from tessera.config import Settings
from tessera.enums import DeliveryChannel
from tessera.links import resolve
from tessera.notifications.email import EmailSender, EmailSettings, SmtpSecurity
from tessera.notifications.events import Event
from tessera.notifications.rendering import TemplateRenderer
from tessera.notifications.retry import Outcome
from tessera.notifications.ssrf import UrlPolicy, parse_allowlist

if TYPE_CHECKING:
    from tessera.notifications.slack import SlackSender
    from tessera.notifications.webhook_sender import WebhookSender


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What one attempt on any channel came to."""

    outcome: Outcome
    status_code: int | None
    error: str | None
    duration_ms: float
    retry_after_seconds: float | None = None


def url_policy(settings: Settings) -> UrlPolicy:
    """The SSRF policy: private addresses refused unless allow-listed (WEBHOOK_ALLOWLIST)."""
    return UrlPolicy(allowlist=parse_allowlist(settings.webhook_allowlist))


class Channels:
    """Webhook, Slack and email senders sharing one SSRF policy and connection pools."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.policy = url_policy(settings)
        self.renderer = TemplateRenderer(settings.template_dir)
        self.email: EmailSender | None = None
        if settings.smtp_host:
            self.email = EmailSender(
                EmailSettings(
                    host=settings.smtp_host,
                    port=settings.smtp_port,
                    from_addr=settings.smtp_from,
                    username=settings.smtp_username,
                    password=settings.smtp_password,
                    security=SmtpSecurity.STARTTLS if settings.smtp_starttls else SmtpSecurity.NONE,
                ),
                self.renderer,
            )

    # The HTTP senders are built on first use: httpx, the clients' pools and the CA bundle are not loaded
    # while the server starts (issue 17; tests/test_startup.py), only when something is to be sent.

    @functools.cached_property
    def webhooks(self) -> WebhookSender:
        """The webhook sender (pooled clients), built on first use."""
        from tessera.notifications.webhook_sender import WebhookSender

        timeout = timedelta(seconds=self.settings.webhook_timeout_seconds)
        # 4 pooled clients x 12 requests in flight measured best on 2 cores (bench/bench_delivery.py).
        return WebhookSender(self.policy, timeout=timeout, lanes=4, per_lane=8)

    @functools.cached_property
    def slack(self) -> SlackSender:
        """The Slack sender, sharing the webhook sender's first client; built on first use."""
        from tessera.notifications.slack import SlackSender

        timeout = timedelta(seconds=self.settings.webhook_timeout_seconds)
        return SlackSender(self.policy, timeout=timeout, client=self.webhooks.client)

    async def aclose(self) -> None:
        """Close the pooled clients (if any was built)."""
        if "webhooks" in self.__dict__:
            await self.webhooks.aclose()

    def with_links(self, event: Event) -> Event:
        """``event`` with its stored link paths made absolute under this server's ``BASE_URL``."""
        return replace(event, data=resolve(event.data, self.settings.base_url))

    async def attempt(
        self, channel: DeliveryChannel, target: str, event: Event, secret: str | None
    ) -> AttemptResult:
        """One attempt to deliver ``event`` on ``channel`` to ``target``; never raises for I/O errors."""
        event = self.with_links(event)
        if channel is DeliveryChannel.WEBHOOK:
            r = await self.webhooks.send(target, secret or "", event)
            retry_after = r.retry_after.total_seconds() if r.retry_after else None
            return AttemptResult(
                r.outcome, r.status_code, _error(r.error_kind, r.error_message), r.duration_ms, retry_after
            )
        if channel is DeliveryChannel.SLACK:
            from tessera.notifications.slack import build_slack_message

            r = await self.slack.send(target, build_slack_message(event, self.renderer))
            retry_after = r.retry_after.total_seconds() if r.retry_after else None
            return AttemptResult(
                r.outcome, r.status_code, _error(r.error_kind, r.error_message), r.duration_ms, retry_after
            )
        if channel is DeliveryChannel.EMAIL:
            if self.email is None:
                return AttemptResult(Outcome.PERMANENT, None, "email is not configured (SMTP_HOST)", 0.0)
            e = await self.email.send(event, [a for a in target.split(",") if a])
            return AttemptResult(e.outcome, e.smtp_code, e.error_message, e.duration_ms)
        return AttemptResult(Outcome.PERMANENT, None, f"unknown channel {channel!r}", 0.0)


def _error(kind: object, message: str | None) -> str | None:
    """``<kind>: <message>`` as stored on the delivery row; a message that already starts with its kind
    (a DNS refusal says ``dns_failure: ...`` itself) is not prefixed twice."""
    if kind is None and message is None:
        return None
    if kind is None:
        return message
    label = str(getattr(kind, "value", kind))
    if message is not None and message.startswith(f"{label}:"):
        return message
    return f"{label}: {message}"
