"""Two syncs of the same project at once (two CI jobs, two replicas): both succeed, nothing is doubled."""

from __future__ import annotations

import threading
from typing import Any

import httpx

from tests.helpers import ADMIN, API
from tests.sync.test_dbt_sync import manifest


def test_simultaneous_syncs_of_one_project_take_turns(live_url: str) -> None:
    with httpx.Client(base_url=live_url, headers=ADMIN, timeout=120) as client:
        team = client.post(f"{API}/teams", json={"name": "platform"}).json()
    body = manifest("base")
    answers: list[httpx.Response] = []
    start = threading.Barrier(2)

    def sync() -> None:
        with httpx.Client(base_url=live_url, headers=ADMIN, timeout=120) as client:
            start.wait()
            answers.append(
                client.post(
                    f"{API}/sync/dbt",
                    params={"owner_team_id": team["id"]},
                    content=body,
                    headers={"Content-Type": "application/json"},
                )
            )

    workers = [threading.Thread(target=sync) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=180)
    assert [answer.status_code for answer in answers] == [200, 200], [a.text[:300] for a in answers]
    summaries: list[dict[str, Any]] = [answer.json()["summary"] for answer in answers]
    created = sorted(summary["created"] for summary in summaries)
    with httpx.Client(base_url=live_url, headers=ADMIN, timeout=60) as client:
        page = client.get(f"{API}/assets", params={"limit": 500}).json()
    fqns = [item["fqn"] for item in page["items"]]
    assert len(fqns) == len(set(fqns))  # one asset per name, however the two syncs interleaved
    assert created[0] == 0 and created[1] == len(fqns)  # the later sync found the first one's assets
    assert max(summary["unchanged"] for summary in summaries) == len(fqns)
