"""Diffing a wide schema runs off the event loop: the server keeps answering meanwhile.

Checked by behaviour, not by timing: the diff is held inside its worker thread until /health has answered.
Were the diff on the event loop, /health could not answer while it is held, and the probe would time out.
"""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from tessera.contracts import service
from tests.helpers import ADMIN, API

WIDTH = 2_000


def wide(kind: str) -> dict[str, Any]:
    columns = {f"column_{i}": {"type": kind, "description": f"column {i}"} for i in range(WIDTH)}
    return {"type": "object", "properties": columns}


def test_health_answers_while_a_diff_is_computing(live_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    entered, release = threading.Event(), threading.Event()
    real_diff = service._diff

    def held_diff(*args: Any) -> Any:
        entered.set()
        release.wait(timeout=30)  # bounded, so a broken test cannot hang the suite
        return real_diff(*args)

    monkeypatch.setattr(service, "_diff", held_diff)
    with httpx.Client(base_url=live_url, headers=ADMIN, timeout=60) as client:
        team = client.post(f"{API}/teams", json={"name": "wide"}).json()
        asset = client.post(f"{API}/assets", json={"fqn": "db.s.wide", "owner_team_id": team["id"]}).json()
        # Every column changes type: the diff has a change for each.
        for version, kind in (("1.0.0", "integer"), ("2.0.0", "string")):
            body = {"schema": wide(kind), "version": version, "force": True, "reason": "test"}
            resp = client.post(f"{API}/assets/{asset['id']}/contracts", json=body)
            assert resp.status_code == 201, resp.text
        outcome: dict[str, Any] = {}

        def diff() -> None:
            url = f"{API}/assets/{asset['id']}/contracts/diff?from_version=1.0.0&to_version=2.0.0"
            outcome["response"] = client.get(url)

        worker = threading.Thread(target=diff)
        worker.start()
        try:
            assert entered.wait(timeout=30), "the diff request never reached the diff"
            with httpx.Client(base_url=live_url, timeout=10) as probe:
                health = [probe.get("/health").status_code for _ in range(3)]
            assert worker.is_alive(), "the diff finished before it was released"
        finally:
            release.set()
            worker.join(timeout=60)
    assert health == [200, 200, 200]
    assert outcome["response"].status_code == 200
    assert len(outcome["response"].json()["changes"]) == WIDTH
