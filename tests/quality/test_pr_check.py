"""The pull-request check names guarantees consumers rely on that fail in most runs."""

from __future__ import annotations

import httpx

from tests.helpers import API, Api
from tests.quality.artifacts import BUILD, MANIFEST, TEST, upload_run_results


async def test_impact_markdown_flags_an_unreliable_guarantee(api: Api, client: httpx.AsyncClient) -> None:
    owner = await api.team()
    consumer = await api.team()
    gz = {"Content-Type": "application/gzip", **owner.write}
    synced = await client.post(
        f"{API}/sync/dbt", content=MANIFEST.read_bytes(), params={"owner_team_id": owner.id}, headers=gz
    )
    assert synced.status_code == 200, synced.text
    orders = next(a for a in synced.json()["assets"] if a["fqn"] == "quality.main.orders")
    await api.register(consumer, orders["asset_id"])
    # Three runs, the relationship test failing in each (two real dbt invocations and one by hand).
    for artifact in (BUILD, TEST):
        assert (await upload_run_results(client, owner.write, artifact)).status_code == 200
    body = {"status": "failed", "results": [{"guarantee": "relationships:customer_id", "status": "failed"}]}
    await api.call("POST", f"/assets/{orders['asset_id']}/audit", 201, owner.write, json=body)

    impact = await client.post(f"{API}/sync/dbt/impact", content=MANIFEST.read_bytes(), headers=gz)
    assert impact.status_code == 200, impact.text
    model = next(m for m in impact.json()["models"] if m["fqn"] == "quality.main.orders")
    flagged = {g["guarantee"]: g for g in model["unreliable_guarantees"]}
    assert flagged["relationships:customer_id"]["broken"] == 3
    assert flagged["relationships:customer_id"]["consumers"] == [consumer.name]
    assert "not_null:order_id" not in flagged
    markdown = impact.json()["markdown"]
    expected = f"consumers ({consumer.name}) rely on `relationships:customer_id`, a guarantee that fails 3 of"
    assert f"{expected} the last 3 runs" in markdown
