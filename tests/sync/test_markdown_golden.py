"""Golden files of the pull-request comment, rendered from the real dbt manifests the sync tests use.

The files under ``tests/sync/golden/`` are the comment exactly as GitHub receives it (ids and dates
replaced by stable placeholders); open them in a Markdown viewer to review a change of wording. After an
intended change, regenerate them with ``TESSERA_REGEN_GOLDEN=1`` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import ADMIN, Api
from tests.sync.lineage_world import Lineage
from tests.sync.test_dbt_sync import Shop, manifest
from tests.sync.test_dbt_sync import shop as shop  # the fixture

GOLDEN = Path(__file__).parent / "golden"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _stable(text: str) -> str:
    """Ids numbered in order of first appearance, dates replaced: equal runs give equal text."""
    seen: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        return seen.setdefault(match.group(0), f"<id-{len(seen) + 1}>")

    return _DATE.sub("<date>", _UUID.sub(number, text))


def check_golden(name: str, markdown: str) -> None:
    """Compare with ``golden/<name>.md``; write it instead when ``TESSERA_REGEN_GOLDEN`` is set."""
    path = GOLDEN / f"{name}.md"
    text = _stable(markdown)
    if os.environ.get("TESSERA_REGEN_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with TESSERA_REGEN_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name}: the comment changed (TESSERA_REGEN_GOLDEN=1)"


async def _propose(shop: Shop, name: str, ref: str) -> Any:
    resp = await shop.api.client.post(
        "/api/v1/sync/dbt/propose",
        params={"source_ref": ref},
        content=manifest(name),
        headers={**shop.analytics.write, "Content-Type": "application/json"},
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


@pytest.mark.parametrize(
    "variant",
    ["dropped_column", "type_change", "removed_not_null", "widened_accepted_values", "renamed_model"],
)
async def test_shop_check_comment(shop: Shop, variant: str) -> None:
    await shop.sync("base")
    await shop.strict("shop.main.fact_orders")
    result = await shop.impact(variant, shop.analytics.read)
    check_golden(f"shop__{variant}", result["markdown"])


async def test_shop_comment_after_propose_lists_the_proposal_and_the_answers(shop: Shop) -> None:
    await shop.sync("base")
    await shop.strict("shop.main.fact_orders")
    proposed = await _propose(shop, "dropped_column", "github:shop/dbt#7")
    check_golden("shop__dropped_column__proposed", proposed["markdown"])
    assert "--propose" not in proposed["markdown"]
    fct = next(m for m in proposed["models"] if m["unique_id"] == "model.shop.fct_orders")
    await shop.api.ack(
        shop.finance,
        fct["proposal"]["id"],
        "migrating",
        migration_deadline="2027-03-01T00:00:00Z",
        reason="revenue reads | country from\ndim_customers now",
    )
    answered = await shop.impact("dropped_column", shop.analytics.read, source_ref="github:shop/dbt#7")
    check_golden("shop__dropped_column__answered", answered["markdown"])
    # How and why the team answered, on one line of the table cell (the pipe escaped).
    assert (
        "finance: migrating by 2027-03-01 (revenue reads \\| country from dim_customers now)"
        in answered["markdown"]
    )


@pytest.fixture
async def world(client: httpx.AsyncClient) -> Lineage:
    return await Lineage.create(Api(client))


async def test_lineage_comment_groups_the_downstream_models_by_owner_team(world: Lineage) -> None:
    await world.sync("base")
    stg = await world.asset("stg_payments")
    await world.api.call("PATCH", f"/assets/{stg['id']}", 200, ADMIN, json={"compatibility_mode": "full"})
    result = await world.check("retyped_amount")
    check_golden("lineage__retyped_amount", result["markdown"])
    assert "`stg_payments.amount`: " in result["markdown"]


async def test_lineage_comment_for_a_dropped_column(world: Lineage) -> None:
    await world.sync("base")
    result = await world.check("dropped_channel")
    check_golden("lineage__dropped_channel", result["markdown"])
