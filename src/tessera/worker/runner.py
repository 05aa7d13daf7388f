"""Running the worker loop inside the server process, or on its own (``tessera worker``)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tessera.auth.principal import system_principal
from tessera.config import Settings
from tessera.proposals.service import expire_due

log = logging.getLogger(__name__)


async def sweep_once(session_factory: async_sessionmaker[AsyncSession], settings: Settings) -> int:
    """One pass of periodic work; returns how many items it handled. Each job owns its transaction."""
    handled = 0
    async with session_factory() as session, session.begin():
        handled += await expire_due(session, system_principal(), base_url=settings.base_url)
    return handled


class BackgroundWorker:
    """A cancellable loop calling :func:`sweep_once` every ``poll_seconds``."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._session_factory = session_factory
        self._settings = settings
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        """Start looping in the current event loop."""
        self._task = asyncio.create_task(self._run(), name="tessera-worker")

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await sweep_once(self._session_factory, self._settings)
            except Exception:
                log.exception("worker pass failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._settings.worker_poll_seconds)

    async def stop(self) -> None:
        """Stop after the current pass."""
        self._stopping.set()
        if self._task is not None:
            await self._task


async def start_background_worker(app: FastAPI, settings: Settings) -> BackgroundWorker:
    """Start the in-process worker for the app's database."""
    worker = BackgroundWorker(app.state.session_factory, settings)
    worker.start()
    return worker
