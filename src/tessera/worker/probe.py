"""Probing paused endpoints, so that one which works again resumes by itself.

An endpoint is paused after failing for hours (see :mod:`tessera.worker.delivery`). Its events are kept,
parked. At ``next_probe_at`` a worker attempts the endpoint's oldest parked delivery, a real event and
not a synthetic ping, under the same lease and heartbeat as any delivery. A success delivers that event,
resumes the endpoint and makes every parked delivery due at once, so the queue drains; a failure parks the
delivery again and sets the next probe further out (:func:`tessera.notifications.retry.next_probe_delay`).
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tessera.audit.service import record
from tessera.auth.principal import system_principal
from tessera.db.base import utcnow
from tessera.enums import DeliveryStatus
from tessera.notifications.retry import Outcome, next_probe_delay
from tessera.webhooks import repository
from tessera.webhooks.service import resume
from tessera.worker.channels import Channels
from tessera.worker.delivery import Job, apply_result, new_claim_id, send_all, take

log = logging.getLogger(__name__)


async def probe_paused(
    session_factory: async_sessionmaker[AsyncSession],
    channels: Channels,
    *,
    limit: int = 20,
    rng: random.Random | None = None,
) -> int:
    """Probe the paused endpoints that are due; returns how many probes were sent."""
    rng = rng or random.Random()  # noqa: S311 - probe jitter, not cryptography
    claim_id = new_claim_id()
    lease = timedelta(seconds=channels.settings.worker_lease_seconds)
    async with session_factory() as session, session.begin():
        now = utcnow()
        hooks = await repository.claim_probe_due(session, now, limit)
        if not hooks:
            return 0
        parked = await repository.oldest_parked(session, [h.id for h in hooks], now)
        jobs: list[Job] = []
        for hook in hooks:
            # Set before sending: a worker that dies mid-probe does not make the next one probe at once.
            hook.next_probe_at = now + next_probe_delay(now - (hook.paused_at or now), rng)
            delivery = parked.get(hook.id)
            if delivery is not None:  # nothing parked: the next event is parked and probed with
                jobs.append(take(delivery, hook, now, lease, claim_id, None))
        await session.flush()
    if not jobs:
        return 0
    results = await send_all(session_factory, channels, jobs, claim_id)
    async with session_factory() as session, session.begin():
        now = utcnow()
        hooks_by_id = await repository.webhooks_by_id(session, {j.webhook_id for j in jobs if j.webhook_id})
        held = await repository.held_deliveries(session, [j.delivery_id for j in jobs], claim_id)
        for job, result in zip(jobs, results, strict=True):
            delivery = held.get(job.delivery_id)
            endpoint = hooks_by_id.get(job.webhook_id) if job.webhook_id else None
            if delivery is None or endpoint is None:
                continue
            paused_at = endpoint.paused_at
            apply_result(delivery, endpoint, result, now, rng)
            if result.outcome is Outcome.SUCCESS and paused_at is not None:
                await resume(session, endpoint, now)
                await record(
                    session,
                    system_principal(),
                    "webhook.resumed",
                    "webhook",
                    endpoint.id,
                    {
                        "reason": "a probe delivery succeeded",
                        "delivery_id": str(delivery.id),
                        "paused_at": paused_at.isoformat(),
                        "team_id": str(endpoint.team_id),
                    },
                )
                log.info("webhook %s resumed: a probe delivery succeeded", endpoint.id)
            elif delivery.status is DeliveryStatus.RETRYING:
                # Still failing: the delivery waits, parked, for the next probe.
                delivery.status, delivery.next_attempt_at = DeliveryStatus.PAUSED, None
    return len(jobs)
