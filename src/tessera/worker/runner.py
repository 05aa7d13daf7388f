"""Running the worker loop inside the server process, or on its own (``tessera worker``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tessera.auth.principal import system_principal
from tessera.config import Settings
from tessera.proposals.service import expire_due
from tessera.worker.channels import Channels
from tessera.worker.delivery import deliver_due
from tessera.worker.dispatch import dispatch_outbox
from tessera.worker.probe import probe_paused

if TYPE_CHECKING:
    from tessera.resources import AppResources

log = logging.getLogger(__name__)


async def sweep_once(
    session_factory: async_sessionmaker[AsyncSession], settings: Settings, channels: Channels
) -> int:
    """One pass: expire overdue proposals, fan the outbox out into deliveries, attempt what is due, probe
    paused endpoints that are due for it.

    Each step owns its transaction (the worker's edge), so a failure in one never undoes another.
    Returns how many items it handled (0 means idle).
    """
    handled = 0
    async with session_factory() as session, session.begin():
        handled += await expire_due(session, system_principal())
    async with session_factory() as session, session.begin():
        handled += await dispatch_outbox(session, settings)
    handled += await deliver_due(session_factory, channels)
    handled += await probe_paused(session_factory, channels)
    return handled


class BackgroundWorker:
    """A cancellable loop calling :func:`sweep_once`; it polls every ``worker_poll_seconds`` when idle."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._session_factory = session_factory
        self._settings = settings
        self._channels = Channels(settings)
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        """Start looping in the current event loop."""
        self._task = asyncio.create_task(self._run(), name="tessera-worker")

    async def _run(self) -> None:
        while not self._stopping.is_set():
            busy = 0
            try:
                busy = await sweep_once(self._session_factory, self._settings, self._channels)
            except Exception:
                log.exception("worker pass failed; retrying")
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._settings.worker_poll_seconds)

    async def stop(self) -> None:
        """Stop after the current pass and close the senders."""
        self._stopping.set()
        if self._task is not None:
            await self._task
        await self._channels.aclose()


async def start_background_worker(resources: AppResources) -> BackgroundWorker:
    """Start the in-process worker on the app's write engine."""
    worker = BackgroundWorker(resources.session_factory, resources.settings)
    worker.start()
    return worker
