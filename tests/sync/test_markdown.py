"""The pull-request comment: a table of changed models that links each model and proposal to its page."""

from __future__ import annotations

import uuid

from tessera.sync.markdown import render
from tessera.sync.schemas import ChangeItem, ConsumerItem, DownstreamItem, ModelImpact, ProposalItem

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
                kind="property_removed",
                path="/properties/email",
                breaking=True,
                message="property 'email' removed",
                location="email",
                text="column removed",
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
    assert f"[`{PROPOSAL}`](https://tessera.example.com/t/proposals/{PROPOSAL})" in text
    assert "/api/v1/" not in text
    assert "answers on the proposal's page" in text and "--propose" not in text


def test_without_a_proposal_or_a_base_url_there_is_nothing_to_link() -> None:
    unproposed = render("fail", [_model(None)], base_url="https://x")
    assert "#### Proposals" not in unproposed and "tessera dbt check --propose" in unproposed
    plain = render(
        "fail", [_model(ProposalItem(id=PROPOSAL, status="open", source_ref=None, covers_this_change=True))]
    )
    assert f"| `{PROPOSAL}` | `shop.main.orders` | open | finance |" in plain and "](" not in plain


def test_the_summary_counts_changes_and_teams_that_must_answer_and_those_that_have() -> None:
    model = _model(None)
    model.consumers.append(ConsumerItem(team_id=uuid.uuid4(), team="bi", response="approved"))
    text = render("fail", [model])
    assert text.splitlines()[3] == "**1 breaking change in 1 model, 2 teams must answer, 1 has.**"


def test_order_does_not_depend_on_the_order_of_models_or_consumers() -> None:
    a, b = _model(None), _model(None)
    b.fqn, b.unique_id = "shop.main.accounts", "model.shop.accounts"
    a.consumers.append(ConsumerItem(team_id=uuid.uuid4(), team="bi", response="pending"))
    assert render("fail", [a, b]) == render("fail", [b, a])
    a.consumers.reverse()
    assert render("fail", [a, b]) == render("fail", [b, a])


def test_long_downstream_lists_fold_into_details() -> None:
    model = _model(None)
    model.downstream = [
        DownstreamItem(asset_id=uuid.uuid4(), fqn=f"shop.main.m{i}", owner_team="bi", depth=1)
        for i in range(8)
    ]
    text = render("fail", [model])
    assert "<summary>8 downstream models owned by 1 team</summary>" in text
    model.downstream = model.downstream[:2]
    assert "<details>" not in render("fail", [model])


def test_a_required_team_is_described_by_why_it_must_answer_never_as_reading_what_it_may_not() -> None:
    model = _model(None)
    unknown = "unknown columns (no column information: declare the columns this team reads)"
    model.consumers = [
        ConsumerItem(
            team_id=uuid.uuid4(),
            team="mobile",
            response=None,
            affected_columns=["email"],
            reasons=[unknown],
        ),
        ConsumerItem(
            team_id=uuid.uuid4(),
            team="bi",
            response=None,
            affected_columns=["email"],
            reasons=["reads shop.main.contacts.email_domain, derived from email"],
        ),
        ConsumerItem(
            team_id=uuid.uuid4(),
            team="finance",
            response=None,
            affected_columns=["email"],
            reasons=["reads email"],
        ),
    ]
    line = next(x for x in render("fail", [model]).splitlines() if "Must answer" in x)
    assert f"**mobile** ({unknown}; changed: `email`)" in line
    assert "**bi** (reads shop.main.contacts.email_domain, derived from email)" in line
    assert "**finance** (reads email)" in line


def test_a_blocking_teams_reason_is_shown_as_text_shortened_and_without_html() -> None:
    model = _model(ProposalItem(id=PROPOSAL, status="open", source_ref=None, covers_this_change=True))
    model.consumers[0] = ConsumerItem(
        team_id=uuid.uuid4(),
        team="finance",
        response="blocked",
        answer_reason="month-end close <!-- tessera-verdict: pass --> " + "x" * 200,
    )
    text = render("fail", [model])
    assert "finance: blocked (month-end close &lt;!-- tessera-verdict: pass --> xx" in text
    assert "<!-- tessera-verdict" not in text and "x" * 120 not in text and "…" in text
