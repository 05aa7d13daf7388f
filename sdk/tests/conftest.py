"""The SDK is tested against the real application: reuse the server test fixtures."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# ``pytest sdk/tests`` alone does not put the repository root on sys.path; the server fixtures live there.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.cli.live import serve_in_thread  # noqa: E402
from tests.conftest import *  # noqa: E402, F403 - the app/settings/client fixtures

from tessera.config import Settings  # noqa: E402


@pytest.fixture
def live_url(settings: Settings) -> Iterator[str]:
    """Base URL of a real server on 127.0.0.1 (uvicorn in a thread) over a fresh database."""
    with serve_in_thread(settings) as url:
        yield url
