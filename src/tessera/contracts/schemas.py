"""Contract API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, ConfigDict, Field

from tessera.enums import ContractStatus, PublishOutcome
from tessera.proposals.schemas import ProposalRead
from tessera.schemas import ApiModel


class ContractPublish(ApiModel):
    """A contract to publish: the JSON Schema of the table, guarantees and an optional version."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: dict[str, Any] = Field(
        alias="schema", description="JSON Schema (draft 2020-12 or draft-07) of a row"
    )
    guarantees: dict[str, Any] | None = Field(
        default=None, description="Guarantees; omitted = keep the active contract's guarantees"
    )
    version: str | None = Field(
        default=None, max_length=100, description="Semantic version; suggested if omitted"
    )
    force: bool = Field(
        default=False, description="Publish a breaking change at once (admin scope, reason required)"
    )
    reason: str | None = Field(default=None, max_length=5000, description="Why: required with force")
    expires_at: AwareDatetime | None = Field(
        default=None, description="Deadline of the proposal a breaking change opens"
    )
    source_ref: str | None = Field(
        default=None,
        max_length=300,
        description="Pull request (e.g. github:org/repo#42): the proposal then waits for the merged sync",
    )


class GuaranteesPatch(ApiModel):
    """New guarantees for the active contract, through the same publishing rules."""

    guarantees: dict[str, Any]
    version: str | None = Field(default=None, max_length=100)
    force: bool = False
    reason: str | None = Field(default=None, max_length=5000)
    expires_at: AwareDatetime | None = None


class ContractRead(ApiModel):
    """A published contract version."""

    model_config = ConfigDict(from_attributes=True, populate_by_name=True)

    id: uuid.UUID
    asset_id: uuid.UUID
    version: str
    status: ContractStatus
    schema_: dict[str, Any] = Field(alias="schema", validation_alias="schema_def")
    schema_fingerprint: str
    guarantees: dict[str, Any]
    changes: list[Any]
    bump: str
    forced: bool
    force_reason: str | None
    proposal_id: uuid.UUID | None
    published_by_team_id: uuid.UUID
    published_by_user_id: uuid.UUID | None
    published_at: datetime
    deprecated_at: datetime | None


class PublishResult(ApiModel):
    """What a publish request led to: a new version, a proposal, or nothing (unchanged)."""

    outcome: PublishOutcome
    message: str
    contract: ContractRead | None = None
    proposal: ProposalRead | None = None
    suggested_version: str | None = None
    changes: list[dict[str, Any]] = Field(default_factory=list)
    breaking_changes: list[dict[str, Any]] = Field(default_factory=list)
    guarantee_changes: list[dict[str, Any]] = Field(default_factory=list)


class ContractDiff(ApiModel):
    """The difference between two versions under the asset's modes."""

    asset_id: uuid.UUID
    from_version: str
    to_version: str
    compatibility_mode: str
    compatible: bool
    suggested_bump: str
    changes: list[dict[str, Any]]
    breaking_changes: list[dict[str, Any]]
    guarantee_changes: list[dict[str, Any]]
