"""Small builders of realistic event data for notification tests, built through the payload models."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from tessera.enums import AckResponse, GuaranteeStatus, ProposalKind, ProposalSource, ProposalStatus
from tessera.notifications import payloads as p
from tessera.notifications.events import Event, EventType, JsonValue

AT = datetime(2025, 1, 31, 9, 30, tzinfo=UTC)


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, name)


def team(name: str) -> p.TeamRef:
    return p.TeamRef(id=_id(f"team-{name}"), name=name)


ORDERS, ANALYTICS, FINANCE = team("Orders"), team("Analytics"), team("Finance")
ASSET = p.AssetRef(id=_id("asset"), fqn="warehouse.core.orders", environment="production", owner_team=ORDERS)
LINKS = p.Links(
    asset_url="https://tessera.example.com/api/v1/assets/ast_1",
    asset_page_url="https://tessera.example.com/assets/ast_1",
)
PROPOSAL_LINKS = p.ProposalLinks(
    asset_url=LINKS.asset_url,
    asset_page_url=LINKS.asset_page_url,
    proposal_url="https://tessera.example.com/api/v1/proposals/prp_1",
    proposal_page_url="https://tessera.example.com/proposals/prp_1",
)
CHANGES = [
    p.Change(kind="property_removed", path="amount", category="schema", breaking=True,
             message="column removed", reason="consumers reading it break", suggestion="deprecate first",
             old={"type": "number"}, new=None),
    p.Change(kind="property_added", path="currency", category="schema", breaking=False,
             message="column added", reason=None, suggestion=None, old=None, new={"type": "string"}),
]  # fmt: skip
ADA = p.UserRef(id=_id("ada"), name="Ada")


def proposal_data(event: type[p.ProposalEventData], **extra: object) -> p.ProposalEventData:
    """A proposal event: Analytics still pending, Finance already approved."""
    return event.model_validate(
        {
            "proposal": p.ProposalRef(
                id=_id("proposal"),
                status=ProposalStatus.OPEN,
                kind=ProposalKind.CHANGE,
                source=ProposalSource.PUBLISH,
                source_ref=None,
                expires_at=datetime(2025, 2, 7, 9, 0, tzinfo=UTC),
            ),
            "asset": ASSET,
            "versions": p.Versions(from_="1.4.0", to="2.0.0"),
            "links": PROPOSAL_LINKS,
            "changes": CHANGES,
            "affected_teams": [
                p.AffectedTeam(
                    id=ANALYTICS.id,
                    name=ANALYTICS.name,
                    response=AckResponse.PENDING,
                    required=True,
                    affected_columns=["amount"],
                ),
                p.AffectedTeam(
                    id=FINANCE.id,
                    name=FINANCE.name,
                    response=AckResponse.APPROVED,
                    required=True,
                    affected_columns=["amount"],
                ),
            ],
            "mentions": ["U123ABC", "W0ABCDEF"],
            "reason": "superseded by v3",
            **extra,
        }
    )


def sample(event_type: EventType) -> p.EventData:
    """A valid payload of ``event_type`` where every key any template reads has a value."""
    model = p.PAYLOADS[event_type]
    answer = p.Answer(
        team=ANALYTICS, user=ADA, response=AckResponse.APPROVED, reason="ok", migration_deadline=None
    )
    if issubclass(model, p.ProposalAcknowledged | p.ProposalBlocked):
        return proposal_data(model, answer=answer)
    if issubclass(model, p.ProposalForceApproved):
        return proposal_data(
            model, actor=p.Actor(team=team("Platform"), user=p.UserRef(id=_id("g"), name="Grace"))
        )
    if issubclass(model, p.ProposalEventData):
        return proposal_data(model)
    if model is p.ContractPublished:
        return p.ContractPublished(
            asset=ASSET,
            contract=p.PublishedContract(
                id=_id("c2"), version="2.0.0", bump="major", forced=False, proposal_id=None
            ),
            previous_version="1.4.0",
            links=LINKS,
            changes=CHANGES,
            consumer_teams=[ANALYTICS, FINANCE],
        )
    if model is p.ContractDeprecated:
        return p.ContractDeprecated(
            asset=ASSET,
            contract=p.ContractRef(id=_id("c1"), version="1.4.0"),
            superseded_by="2.0.0",
            links=LINKS,
        )
    if model is p.RegistrationCreated:
        return p.RegistrationCreated(
            asset=ASSET,
            registration=p.RegistrationRef(
                id=_id("r"), consumer_team=team("Marketing"), pinned_version=None, columns=[]
            ),
            links=LINKS,
        )
    if model is p.RegistrationRetired:
        return p.RegistrationRetired(
            asset=ASSET,
            registration=p.RegistrationRef(
                id=_id("r"),
                consumer_team=team("Marketing"),
                pinned_version=None,
                columns=[],
                derived_columns=["order_id", "status"],
                column_scope="columns",
            ),
            reason="no model or exposure of the team reads it any more (dbt project shop)",
            links=LINKS,
        )
    if model is p.DefinitionChanged:
        return p.DefinitionChanged(
            asset=ASSET, columns=["amount"], consumer_teams=[ANALYTICS, FINANCE], links=LINKS
        )
    if model in (p.GuaranteeFailed, p.GuaranteeRecovered):
        failed = model is p.GuaranteeFailed
        return model(
            asset=ASSET,
            guarantee=p.GuaranteeCheck(
                key="accepted_values:status",
                status=GuaranteeStatus.FAILED if failed else GuaranteeStatus.PASSED,
                previous_status=GuaranteeStatus.PASSED if failed else GuaranteeStatus.FAILED,
                since=AT,
                failing_rows=12 if failed else 0,
                message="Got 12 results, configured to fail if != 0" if failed else None,
            ),
            run=p.QualityRunRef(
                id=_id("run"), source="dbt", invocation_id="1450c6ab-b54c-478c-bcea-a589766bbb69", run_at=AT
            ),
            consumer_teams=[ANALYTICS, FINANCE],
            links=LINKS,
        )
    counts = dict.fromkeys(p.SyncCounts.model_fields, 0) | {"created": 3, "updated": 40, "warnings": 1}
    return p.SyncCompleted(
        project="shop",
        environment="production",
        team=ORDERS,
        summary=p.SyncCounts.model_validate(counts),
        changed=[
            p.SyncedNode(unique_id="model.shop.orders", fqn=ASSET.fqn, asset_id=ASSET.id, status="updated",
                         version="2.0.0", proposal_id=None, message=None)
        ],
    )  # fmt: skip


def full_data(
    event_type: EventType = EventType.PROPOSAL_CREATED, **overrides: JsonValue
) -> dict[str, JsonValue]:
    """The JSON ``data`` of :func:`sample`, with top-level keys replaced by ``overrides``."""
    data: dict[str, JsonValue] = sample(event_type).model_dump(mode="json")
    data.update(overrides)
    return data


def event(type: EventType = EventType.PROPOSAL_CREATED, **overrides: JsonValue) -> Event:
    return Event.create(type, full_data(type, **overrides), occurred_at=AT)
