"""Delivering due attempts: claim under a lease, send outside any transaction, record the result.

Claiming locks rows with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) and sets ``locked_until`` and
``locked_by`` (the claim): several workers never take the same attempt at once. While it sends, the
worker renews its leases every ``WORKER_HEARTBEAT_SECONDS`` (a heartbeat), so the lease itself is short
(``WORKER_LEASE_SECONDS``) and an attempt whose worker died is taken over within that time; a worker
that lost a lease neither renews it nor records the attempt (at-least-once; receivers de-duplicate on
the event id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tessera.audit.service import record
from tessera.auth.principal import system_principal
from tessera.db.base import utcnow
from tessera.db.models import Webhook, WebhookDelivery
from tessera.enums import DeliveryChannel, DeliveryStatus
from tessera.notifications.events import Event
from tessera.notifications.retry import DEFAULT_RETRY_POLICY, PROBE_MIN_DELAY, Outcome, RetryPolicy
from tessera.teams import repository as teams_repo
from tessera.teams.repository import TeamContacts
from tessera.webhooks import repository
from tessera.worker.channels import AttemptResult, Channels

log = logging.getLogger(__name__)
# The default lease when a caller gives none (the worker passes WORKER_LEASE_SECONDS).
DEFAULT_LEASE = timedelta(seconds=30)
# An endpoint is paused once it has failed without a single success for this long (and at least a few
# attempts): a short outage with many queued events never pauses it, a dead endpoint stops costing work.
PAUSE_AFTER_FAILING_FOR = timedelta(hours=6)
PAUSE_MIN_FAILURES = 5


def should_pause(consecutive_failures: int, failing_since: datetime | None, now: datetime) -> bool:
    """True when an endpoint has failed long enough (:data:`PAUSE_AFTER_FAILING_FOR`) to be paused."""
    return (
        failing_since is not None
        and consecutive_failures >= PAUSE_MIN_FAILURES
        and now - failing_since >= PAUSE_AFTER_FAILING_FOR
    )


@dataclass(frozen=True, slots=True)
class Job:
    """One claimed attempt, detached from the session that claimed it."""

    delivery_id: uuid.UUID
    webhook_id: uuid.UUID | None
    channel: DeliveryChannel
    target: str
    payload: dict[str, object]
    secret: str | None
    attempt: int


def new_claim_id() -> str:
    """A name for one claim: host, process and a random part (fits ``locked_by``)."""
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


async def claim(
    session: AsyncSession,
    now: datetime,
    limit: int,
    global_secret: str | None,
    *,
    lease: timedelta = DEFAULT_LEASE,
    claim_id: str = "",
) -> list[Job]:
    """Claim due attempts under a lease held by ``claim_id``; deliveries of paused or removed webhooks
    are parked."""
    due = await repository.claim_due_deliveries(session, now, limit)
    hooks = await repository.webhooks_by_id(session, {d.webhook_id for d in due if d.webhook_id})
    jobs: list[Job] = []
    for d in due:
        hook = hooks.get(d.webhook_id) if d.webhook_id else None
        if d.webhook_id and (hook is None or hook.deleted_at is not None or not hook.active):
            d.status, d.next_attempt_at = DeliveryStatus.CANCELLED, None
            continue
        if hook is not None and hook.paused_at is not None:
            d.status = DeliveryStatus.PAUSED
            continue
        jobs.append(take(d, hook, now, lease, claim_id, global_secret))
    await session.flush()
    return jobs


def take(
    delivery: WebhookDelivery,
    hook: Webhook | None,
    now: datetime,
    lease: timedelta,
    claim_id: str,
    global_secret: str | None,
) -> Job:
    """Lease one delivery to ``claim_id`` and count the attempt; the job carries what sending needs."""
    delivery.locked_until, delivery.locked_by = now + lease, claim_id
    delivery.attempts += 1
    secret = hook.secret if hook is not None else global_secret
    return Job(
        delivery.id,
        delivery.webhook_id,
        delivery.channel,
        delivery.target,
        dict(delivery.payload),
        secret,
        delivery.attempts,
    )


async def _heartbeat(
    session_factory: async_sessionmaker[AsyncSession],
    ids: Sequence[uuid.UUID],
    claim_id: str,
    lease: timedelta,
    every: float,
) -> None:
    """Renew the leases of ``ids`` every ``every`` seconds until cancelled; a failed renewal is retried
    at the next beat (the lease is at least two beats long)."""
    while True:
        await asyncio.sleep(every)
        try:
            async with session_factory() as session, session.begin():
                await repository.renew_leases(session, ids, claim_id, utcnow() + lease)
        except Exception:
            log.warning("could not renew the leases of claim %s; retrying", claim_id, exc_info=True)


async def send_all(
    session_factory: async_sessionmaker[AsyncSession], channels: Channels, jobs: list[Job], claim_id: str
) -> list[AttemptResult]:
    """Send every job concurrently while a heartbeat keeps their leases; never raises for one job."""

    async def run(job: Job) -> AttemptResult:
        try:
            event = Event.from_payload(job.payload)  # type: ignore[arg-type]
            return await channels.attempt(job.channel, job.target, event, job.secret)
        except Exception as exc:  # a broken payload or template must not stop the other deliveries
            log.exception("delivery %s failed unexpectedly", job.delivery_id)
            return AttemptResult(Outcome.PERMANENT, None, f"internal error: {type(exc).__name__}", 0.0)

    settings = channels.settings
    beat = asyncio.create_task(
        _heartbeat(
            session_factory,
            [j.delivery_id for j in jobs],
            claim_id,
            timedelta(seconds=settings.worker_lease_seconds),
            settings.worker_heartbeat_seconds,
        )
    )
    try:
        return list(await asyncio.gather(*(run(j) for j in jobs)))
    finally:
        beat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await beat


def apply_result(
    delivery: WebhookDelivery,
    hook: Webhook | None,
    result: AttemptResult,
    now: datetime,
    rng: random.Random,
    policy: RetryPolicy = DEFAULT_RETRY_POLICY,
) -> bool:
    """Record an attempt on its delivery (and endpoint); True when the endpoint is paused by it."""
    claim_id = delivery.locked_by
    delivery.locked_until, delivery.locked_by = None, None
    delivery.last_status_code = result.status_code
    delivery.last_error = result.error
    delivery.history = [
        *delivery.history[-19:],
        {
            "at": now.isoformat(),
            "attempt": delivery.attempts,
            "worker": claim_id,  # host:pid:claim of the worker that made the attempt
            "status_code": result.status_code,
            "error": result.error,
            "duration_ms": round(result.duration_ms, 1),
            "outcome": result.outcome.value,
        },
    ]
    if result.outcome is Outcome.SUCCESS:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.DELIVERED, now, None
        if hook is not None:
            hook.consecutive_failures, hook.failing_since = 0, None
        return False
    retry_after = timedelta(seconds=result.retry_after_seconds) if result.retry_after_seconds else None
    delay = (
        None
        if result.outcome is Outcome.PERMANENT
        else policy.next_attempt_delay(delivery.attempts, rng, retry_after=retry_after)
    )
    if delay is None:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.RETRYING, now + delay
    if hook is None:
        return False
    hook.consecutive_failures += 1
    if hook.failing_since is None:
        hook.failing_since = now
    if hook.paused_at is None and should_pause(hook.consecutive_failures, hook.failing_since, now):
        hook.paused_at, hook.next_probe_at = now, now + PROBE_MIN_DELAY
        last = result.error or result.status_code
        hours = (now - hook.failing_since).total_seconds() / 3600
        failures = hook.consecutive_failures
        hook.paused_reason = (
            f"failing for {hours:.1f} h ({failures} consecutive failed attempts); last: {last}"
        )
        return True
    return False


async def deliver_due(
    session_factory: async_sessionmaker[AsyncSession],
    channels: Channels,
    *,
    limit: int = 200,
    rng: random.Random | None = None,
) -> int:
    """One round: claim due attempts, send them concurrently, record the outcomes. Returns the count."""
    rng = rng or random.Random()  # noqa: S311 - retry jitter, not cryptography
    claim_id = new_claim_id()
    lease = timedelta(seconds=channels.settings.worker_lease_seconds)
    async with session_factory() as session, session.begin():
        jobs = await claim(
            session, utcnow(), limit, channels.settings.global_webhook_secret, lease=lease, claim_id=claim_id
        )
    if not jobs:
        return 0
    results = await send_all(session_factory, channels, jobs, claim_id)
    paused: list[Webhook] = []
    async with session_factory() as session, session.begin():
        now = utcnow()
        hooks = await repository.webhooks_by_id(session, {j.webhook_id for j in jobs if j.webhook_id})
        deliveries = await repository.held_deliveries(session, [j.delivery_id for j in jobs], claim_id)
        for job, result in zip(jobs, results, strict=True):
            delivery = deliveries.get(job.delivery_id)
            if delivery is None:  # the lease ran out and another worker took the attempt over
                log.warning("delivery %s: lease lost before its result was recorded", job.delivery_id)
                continue
            hook = hooks.get(job.webhook_id) if job.webhook_id else None
            if apply_result(delivery, hook, result, now, rng) and hook is not None:
                await record(
                    session,
                    system_principal(),
                    "webhook.paused",
                    "webhook",
                    hook.id,
                    {"reason": hook.paused_reason, "team_id": str(hook.team_id)},
                )
                log.warning("webhook %s paused: %s", hook.id, hook.paused_reason)
                paused.append(hook)
        contacts = await teams_repo.contacts(session, {h.team_id for h in paused if h.team_id})
    for hook in paused:
        await tell_team_paused(channels, hook, contacts.get(hook.team_id) if hook.team_id else None)
    return len(jobs)


async def tell_team_paused(channels: Channels, hook: Webhook, contact: TeamContacts | None) -> None:
    """Best-effort notice to the endpoint's team (Slack and email, when configured) that it was paused.

    ``contact`` is None when the team is gone (deleted): nobody is told.
    """
    if contact is None:
        return
    slack_url, emails = contact.slack_webhook_url, contact.emails
    text = (
        f"Tessera paused your webhook {hook.url} after {hook.consecutive_failures} consecutive failed "
        f"deliveries ({hook.paused_reason}). Events are kept: Tessera retries the oldest one now and then "
        f"(at most hourly) and resumes the endpoint by itself once it succeeds; once it is fixed you "
        f'can also re-activate it at once with PATCH /api/v1/webhooks/{hook.id} {{"active": true}}.'
    )
    if slack_url:
        from tessera.notifications.slack import SlackMessage  # with the HTTP client (start-up time)

        message = SlackMessage(
            text=text, blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
        )
        result = await channels.slack.send(slack_url, message)
        if not result.ok:
            log.warning("could not tell team %s on Slack that webhook %s was paused", hook.team_id, hook.id)
    if emails and channels.email is not None:
        await channels.email.send_text("Tessera paused a webhook of your team", text, emails)
