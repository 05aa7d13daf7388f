"""examples/quickstart.py runs as written against a real server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tessera.config import Settings
from tests.conftest import BOOTSTRAP_KEY
from tests.server import serve_in_thread

EXAMPLE = Path(__file__).parents[2] / "examples" / "quickstart.py"


def test_quickstart_walks_the_core_workflow(settings: Settings) -> None:
    with serve_in_thread(settings) as url:
        done = subprocess.run(
            [sys.executable, str(EXAMPLE), "--url", url, "--key", BOOTSTRAP_KEY],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "published 1.0.0" in lines[1]
    assert "published 1.1.0" in lines[3]
    assert "safe_to_publish=False" in lines[4]
    assert "proposed" in lines[5]
    assert lines[6].endswith("proposal published, active version 2.0.0")
