"""Tessera's GraphQL verdicts against GraphQL Inspector's (``@graphql-inspector/core``, pinned).

The package is installed from the npm registry into ``inspector/node_modules`` on first use (``npm ci``
against the committed lock file). Every pair must get the same verdict (breaking / dangerous / safe),
except the documented disagreements of :data:`KNOWN_DISAGREEMENTS` (see docs/graphql.md), which must
still disagree, so the documentation stays true.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from tessera.ingest.compare import compare_projects
from tessera.ingest.graphql import parse_graphql
from tests.ingest.graphql.pairs import KNOWN_DISAGREEMENTS, PAIRS

INSPECTOR = Path(__file__).parent / "inspector"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


@cache
def inspector_verdicts() -> dict[str, str]:
    """Inspector's verdict for every pair (one Node process for all of them)."""
    if not (INSPECTOR / "node_modules" / "@graphql-inspector" / "core").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=INSPECTOR,
            check=True,
            capture_output=True,
            timeout=600,
        )
    payload = json.dumps([{"name": name, "old": old, "new": new} for name, (old, new) in PAIRS.items()])
    done = subprocess.run(
        ["node", "classify.mjs"],
        cwd=INSPECTOR,
        input=payload.encode(),
        check=True,
        capture_output=True,
        timeout=120,
    )
    return {name: found["verdict"] for name, found in json.loads(done.stdout).items()}


def ours(old: str, new: str) -> str:
    changes = compare_projects(parse_graphql(old.encode(), "pairs"), parse_graphql(new.encode(), "pairs"))
    if any(c.breaking for c in changes):
        return "breaking"
    return "dangerous" if any(c.dangerous for c in changes) else "safe"


def test_enough_pairs_and_every_disagreement_is_a_known_pair() -> None:
    assert len(PAIRS) >= 40
    assert set(KNOWN_DISAGREEMENTS) <= set(PAIRS)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_same_verdict_as_graphql_inspector(name: str) -> None:
    theirs = inspector_verdicts()[name]
    mine = ours(*PAIRS[name])
    if name in KNOWN_DISAGREEMENTS:
        assert mine != theirs, f"{name} now agrees: remove it from KNOWN_DISAGREEMENTS and docs/graphql.md"
    else:
        assert mine == theirs, f"{name}: Tessera says {mine}, GraphQL Inspector says {theirs}"
