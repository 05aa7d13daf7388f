"""One pydantic model per event type: the ``data`` object of every notification, spelt one way.

Services build these models (so a misspelt or missing key is a type error, not a blank email), the
outbox stores ``model.model_dump(mode="json")`` (with ``links`` as API paths), webhooks send exactly that
with the links made absolute by the worker (``tessera.links.resolve``), and the email and Slack
templates read the same keys. ``docs/webhooks.md`` shows one example per event type, and a test checks
each example against its model.

Every key is always present (``null`` when it does not apply), so receivers never guess whether a key
was left out or renamed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from tessera.enums import AckResponse, GuaranteeStatus, ProposalKind, ProposalSource, ProposalStatus
from tessera.notifications.events import EventType


class Payload(BaseModel):
    """Base of every payload part: immutable, unknown keys refused, JSON keys are the aliases.

    Each model builds its validator and serializer when it is first used (``defer_build``): the server
    imports all of them at start-up, and building them there cost a visible share of the time to its
    first answer (issue 17), while a write that emits an event of that type comes later, if ever.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        serialize_by_alias=True,
        validate_by_name=True,
        validate_by_alias=True,
        defer_build=True,
    )


# --- shared parts -----------------------------------------------------------------------------------


class TeamRef(Payload):
    """A team, by id and display name."""

    id: uuid.UUID
    name: str


class UserRef(Payload):
    """A user, by id and display name."""

    id: uuid.UUID
    name: str


class AssetRef(Payload):
    """The asset an event is about, with its owning team."""

    id: uuid.UUID
    fqn: str
    environment: str
    owner_team: TeamRef


class Links(Payload):
    """URLs in this Tessera: absolute on the wire, stored as paths (see ``tessera.links.resolve``).

    ``*_url`` are API resources (for programs); ``*_page_url`` are the web pages people open. Events
    stored before the pages existed have no page links (``null``).
    """

    asset_url: str
    asset_page_url: str | None = None


class ProposalLinks(Links):
    """Links of a proposal event: the asset and the proposal, API and page."""

    proposal_url: str
    proposal_page_url: str | None = None


class Versions(Payload):
    """The contract version a proposal starts from (``null`` before the first) and the one it proposes."""

    from_: str | None = Field(alias="from")
    to: str | None


class Change(Payload):
    """One difference between two contract versions (schema or guarantees)."""

    kind: str
    path: str
    category: Literal["schema", "guarantee"]
    breaking: bool = Field(description="Breaks consumers (schema) or blocks the publish (guarantee)")
    message: str
    reason: str | None
    suggestion: str | None
    old: JsonValue
    new: JsonValue


class ProposalRef(Payload):
    """The proposal an event is about."""

    id: uuid.UUID
    status: ProposalStatus
    kind: ProposalKind
    source: ProposalSource
    source_ref: str | None
    expires_at: datetime | None


class AffectedTeam(TeamRef):
    """A consumer team concerned by a proposal, with its current answer.

    ``required``: the proposal waits for its answer (it reads an affected column, reads every column, or
    its columns are unknown); ``false``: it is only informed.
    """

    response: AckResponse
    required: bool
    affected_columns: list[str]


class Answer(Payload):
    """One consumer team's answer to a proposal."""

    team: TeamRef
    user: UserRef | None
    response: AckResponse
    reason: str | None
    migration_deadline: datetime | None


class Actor(Payload):
    """Who did it: the acting team and user, where known."""

    team: TeamRef | None
    user: UserRef | None


class ContractRef(Payload):
    """A contract version of the asset."""

    id: uuid.UUID
    version: str


class PublishedContract(ContractRef):
    """A newly active contract version and how it got there."""

    bump: str
    forced: bool
    proposal_id: uuid.UUID | None


class RegistrationRef(Payload):
    """A consumer team's registration on an asset."""

    id: uuid.UUID
    consumer_team: TeamRef
    pinned_version: str | None
    columns: list[str] = Field(description="Columns the team declared by hand")
    derived_columns: list[str] = Field(
        default_factory=list, description="Columns a sync derived from the SQL of the team's models (lineage)"
    )
    column_scope: str = Field(
        default="unknown",
        description="columns (exactly `columns` + `derived_columns`), all (reads every column) or unknown",
    )


class SyncCounts(Payload):
    """How many assets a sync handled, by outcome."""

    created: int
    updated: int
    unchanged: int
    proposed: int
    published_from_proposal: int
    removal_proposed: int
    removed: int
    registrations_created: int
    registrations_updated: int
    registrations_retired: int
    dependencies_created: int
    definition_changes: int
    lineage_fallbacks: int
    warnings: int


class SyncedNode(Payload):
    """A node the sync changed something for."""

    unique_id: str
    fqn: str
    asset_id: uuid.UUID | None
    status: str
    version: str | None
    proposal_id: uuid.UUID | None
    message: str | None


class GuaranteeCheck(Payload):
    """A guarantee of the asset and how its latest check went."""

    key: str = Field(description="e.g. not_null:customer_id, freshness, custom:<name>")
    status: GuaranteeStatus
    previous_status: GuaranteeStatus | None = Field(
        description="Its state before this run (null: never checked)"
    )
    since: datetime = Field(description="When it entered its current state")
    failing_rows: int | None
    message: str | None


class QualityRunRef(Payload):
    """The run that changed the guarantee's state."""

    id: uuid.UUID
    source: str = Field(description="dbt, dbt_freshness, great_expectations or manual")
    invocation_id: str | None
    run_at: datetime


# --- one model per event type -------------------------------------------------------------------


class EventData(Payload):
    """The ``data`` of one event type; ``event_type`` names it on the wire."""

    event_type: ClassVar[EventType]


class ProposalEventData(EventData):
    """What every ``proposal.*`` event carries."""

    proposal: ProposalRef
    asset: AssetRef
    versions: Versions
    links: ProposalLinks
    changes: list[Change]
    affected_teams: list[AffectedTeam] = Field(description="Required and informed consumer teams")
    mentions: list[str] = Field(description="Slack member ids of the required teams' members")
    reason: str | None = Field(description="Why the proposal is in this state (withdrawn, expired, ...)")


class ProposalCreated(ProposalEventData):
    """A breaking change was proposed; consumer teams must answer."""

    event_type = EventType.PROPOSAL_CREATED


class ProposalAcknowledged(ProposalEventData):
    """A consumer team accepted the change."""

    event_type = EventType.PROPOSAL_ACKNOWLEDGED
    answer: Answer


class ProposalBlocked(ProposalEventData):
    """A consumer team blocked the change."""

    event_type = EventType.PROPOSAL_BLOCKED
    answer: Answer


class ProposalApproved(ProposalEventData):
    """Every consumer acknowledged."""

    event_type = EventType.PROPOSAL_APPROVED


class ProposalForceApproved(ProposalEventData):
    """An administrator approved without every acknowledgment."""

    event_type = EventType.PROPOSAL_FORCE_APPROVED
    actor: Actor


class ProposalWithdrawn(ProposalEventData):
    """The proposing team withdrew the proposal."""

    event_type = EventType.PROPOSAL_WITHDRAWN


class ProposalExpired(ProposalEventData):
    """The proposal ran past its deadline without every answer."""

    event_type = EventType.PROPOSAL_EXPIRED


class ProposalStale(ProposalEventData):
    """The contract the proposal was diffed against is no longer active."""

    event_type = EventType.PROPOSAL_STALE


class ContractPublished(EventData):
    """A new contract version became active."""

    event_type = EventType.CONTRACT_PUBLISHED
    asset: AssetRef
    contract: PublishedContract
    previous_version: str | None
    links: Links
    changes: list[Change]
    consumer_teams: list[TeamRef]


class ContractDeprecated(EventData):
    """A contract version was deprecated (a newer one was published, or the asset was removed)."""

    event_type = EventType.CONTRACT_DEPRECATED
    asset: AssetRef
    contract: ContractRef
    superseded_by: str | None
    links: Links


class RegistrationCreated(EventData):
    """A team registered as a consumer of an asset."""

    event_type = EventType.REGISTRATION_CREATED
    asset: AssetRef
    registration: RegistrationRef
    links: Links


class RegistrationRetired(EventData):
    """A dbt sync retired a registration it had derived: no model or exposure of the team reads the asset."""

    event_type = EventType.REGISTRATION_RETIRED
    asset: AssetRef
    registration: RegistrationRef
    reason: str
    links: Links


class DefinitionChanged(EventData):
    """How some columns of an asset are computed changed, their types did not: a notice, no answer needed."""

    event_type = EventType.DEFINITION_CHANGED
    asset: AssetRef
    columns: list[str] = Field(description="Columns whose SQL expression changed")
    consumer_teams: list[TeamRef] = Field(description="Teams that read at least one of them")
    links: Links


class SyncCompleted(EventData):
    """A dbt sync finished."""

    event_type = EventType.SYNC_COMPLETED
    project: str
    environment: str
    team: TeamRef = Field(description="The team the sync ran for (owner of assets without one)")
    summary: SyncCounts
    changed: list[SyncedNode] = Field(description="Nodes with a change, at most 500")


class GuaranteeEventData(EventData):
    """What ``guarantee.failed`` and ``guarantee.recovered`` carry."""

    asset: AssetRef
    guarantee: GuaranteeCheck
    run: QualityRunRef
    consumer_teams: list[TeamRef] = Field(description="Teams registered as consumers of the asset")
    links: Links


class GuaranteeFailed(GuaranteeEventData):
    """A guarantee that held (or was never checked) failed or errored: sent on the change only."""

    event_type = EventType.GUARANTEE_FAILED


class GuaranteeRecovered(GuaranteeEventData):
    """A failed guarantee holds again."""

    event_type = EventType.GUARANTEE_RECOVERED


PAYLOADS: dict[EventType, type[EventData]] = {
    model.event_type: model
    for model in (
        ProposalCreated,
        ProposalAcknowledged,
        ProposalBlocked,
        ProposalApproved,
        ProposalForceApproved,
        ProposalWithdrawn,
        ProposalExpired,
        ProposalStale,
        ContractPublished,
        ContractDeprecated,
        RegistrationCreated,
        RegistrationRetired,
        DefinitionChanged,
        SyncCompleted,
        GuaranteeFailed,
        GuaranteeRecovered,
    )
}
"""The model of each event type's ``data``."""


def parse_data(event_type: EventType | str, data: object) -> EventData:
    """Validate ``data`` (e.g. read back from the outbox) against its event type's model."""
    return PAYLOADS[EventType(event_type)].model_validate(data)
