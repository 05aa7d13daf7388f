"""The SDK is tested against the real application: reuse the server test fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

# ``pytest sdk/tests`` alone does not put the repository root on sys.path; the server fixtures live there.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.conftest import *  # noqa: E402, F403 - the app/settings/client fixtures
