"""Proposal API shapes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import AwareDatetime, ConfigDict, Field, model_validator

from tessera.enums import AckResponse, ProposalKind, ProposalSource, ProposalStatus
from tessera.schemas import ApiModel


class ImpactReason(ApiModel):
    """Why a team is concerned by a proposal (see docs/column-impact.md)."""

    kind: str = Field(description="direct, via, all_columns, unknown, whole_table, strict or not_affected")
    columns: list[str] = Field(default_factory=list, description="Affected columns of the proposal's asset")
    via_asset_id: uuid.UUID | None = None
    via_asset: str | None = Field(default=None, description="The downstream asset the team reads")
    via_column: str | None = Field(default=None, description="The downstream column derived from them")
    message: str


class AcknowledgmentRead(ApiModel):
    """One consumer team's answer, and whether the proposal waits for it."""

    team_id: uuid.UUID
    team_name: str | None = None
    user_id: uuid.UUID | None
    response: AckResponse
    migration_deadline: datetime | None
    reason: str | None
    responded_at: datetime | None
    required: bool = Field(
        default=True, description="The proposal waits for this answer; false: the team is only informed"
    )
    affected_columns: list[str] = Field(default_factory=list)
    impact: list[ImpactReason] = Field(default_factory=list)


class ProposalRead(ApiModel):
    """A proposal with every consumer team's answer."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: uuid.UUID
    asset_id: uuid.UUID
    asset_fqn: str | None = None
    kind: ProposalKind
    status: ProposalStatus
    source: ProposalSource
    source_ref: str | None
    base_contract_id: uuid.UUID | None
    base_version: str | None = None
    proposed_version: str | None
    schema_: dict[str, Any] | None = Field(alias="schema", validation_alias="schema_def")
    schema_fingerprint: str | None
    guarantees: dict[str, Any] | None
    changes: list[Any]
    breaking_changes: list[Any]
    suggested_bump: str
    reason: str | None
    proposed_by_team_id: uuid.UUID
    proposed_by_user_id: uuid.UUID | None
    created_at: datetime
    expires_at: datetime | None
    resolved_at: datetime | None
    resolution_note: str | None
    published_contract_id: uuid.UUID | None
    acknowledgments: list[AcknowledgmentRead] = Field(default_factory=list)
    pending_team_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Required teams that have not answered yet"
    )
    required_team_ids: list[uuid.UUID] = Field(default_factory=list)
    informed_team_ids: list[uuid.UUID] = Field(default_factory=list)


class AcknowledgeRequest(ApiModel):
    """A consumer team's answer; ``team_id`` defaults to the key's team."""

    response: AckResponse
    team_id: uuid.UUID | None = None
    migration_deadline: AwareDatetime | None = None
    reason: str | None = Field(default=None, max_length=5000)

    @model_validator(mode="after")
    def _check(self) -> AcknowledgeRequest:
        if self.response is AckResponse.PENDING:
            raise ValueError("response must be one of approved, migrating, blocked")
        if self.response is AckResponse.MIGRATING and self.migration_deadline is None:
            raise ValueError("a 'migrating' answer needs a migration_deadline")
        if self.response is AckResponse.BLOCKED and not (self.reason and self.reason.strip()):
            raise ValueError("a 'blocked' answer needs a reason")
        if self.migration_deadline is not None and self.migration_deadline <= datetime.now(UTC):
            raise ValueError("migration_deadline is in the past; give the date the migration will be done")
        return self


class ReasonRequest(ApiModel):
    """A reason for withdrawing or forcing."""

    reason: str | None = Field(default=None, max_length=5000)


class ForceRequest(ApiModel):
    """Force-approve a proposal: an admin's decision, with the reason audited."""

    reason: str = Field(min_length=1, max_length=5000)
