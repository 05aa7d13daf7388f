"""The global strict switch (REQUIRE_ALL_CONSUMERS=true): every consumer team answers, as before."""

from __future__ import annotations

import httpx
import pytest

from tessera.config import Settings
from tests.helpers import Api
from tests.sync.lineage_world import Lineage


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"require_all_consumers": True})


async def test_strict_setting_asks_every_consumer_whatever_it_reads(client: httpx.AsyncClient) -> None:
    world = await Lineage.create(Api(client))
    await world.sync("base")
    result = await world.sync("dropped_loyalty_code")
    proposal = await world.proposal_of(result, "model.lineage.stg_customers")
    assert world.asked(proposal) == {"growth", "marketing"}
    assert world.informed(proposal) == set()
    marketing = next(a for a in proposal["acknowledgments"] if world.names[a["team_id"]] == "marketing")
    assert [r["kind"] for r in marketing["impact"]] == ["strict"]
    growth = next(a for a in proposal["acknowledgments"] if world.names[a["team_id"]] == "growth")
    assert [r["kind"] for r in growth["impact"]] == ["direct"]
