"""Fixtures of the worker tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tessera.config import Settings
from tessera.worker.channels import Channels


@pytest.fixture
async def channels(settings: Settings) -> AsyncIterator[Channels]:
    """The worker's delivery channels for ``settings``, closed after the test."""
    c = Channels(settings)
    yield c
    await c.aclose()
