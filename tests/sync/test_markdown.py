"""The pull-request comment: a table of changed models that links each model and proposal to its page."""

from __future__ import annotations

import uuid

from tessera.sync.markdown import render
from tessera.sync.schemas import ChangeItem, ConsumerItem, ModelImpact, ProposalItem

ASSET = uuid.UUID("5f0c6a7e-8d9b-4c1a-b2e3-f4a5b6c7d874")
PROPOSAL = uuid.UUID("9e8d7c6b-5a49-4b3c-8d2e-1f0a9b8c7d65")


def _model(proposal: ProposalItem | None) -> ModelImpact:
    return ModelImpact(
        unique_id="model.shop.orders",
        fqn="shop.main.orders",
        asset_id=ASSET,
        status="modified",
        breaking=True,
        acknowledged=False,
        changes=[
            ChangeItem(
                kind="property_removed", path="/properties/email", breaking=True, message="email removed"
            )
        ],
        consumers=[ConsumerItem(team_id=uuid.uuid4(), team="finance", response="pending")],
        downstream=[],
        proposal=proposal,
    )


def test_models_and_proposals_link_to_their_pages_under_the_base_url() -> None:
    proposal = ProposalItem(
        id=PROPOSAL, status="open", source_ref="github:shop/dbt#7", covers_this_change=True
    )
    text = render("fail", [_model(proposal)], base_url="https://tessera.example.com/t")
    assert f"[`shop.main.orders`](https://tessera.example.com/t/assets/{ASSET})" in text
    assert f"[open](https://tessera.example.com/t/proposals/{PROPOSAL})" in text
    assert "/api/v1/" not in text
    assert "answers on the proposal's page" in text


def test_without_a_proposal_or_a_base_url_there_is_nothing_to_link() -> None:
    assert "| none |" in render("fail", [_model(None)], base_url="https://x")
    plain = render(
        "fail", [_model(ProposalItem(id=PROPOSAL, status="open", source_ref=None, covers_this_change=True))]
    )
    assert "| `shop.main.orders` |" in plain and "| open |" in plain and "](" not in plain
