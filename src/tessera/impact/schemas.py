"""Impact API shapes."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ConfigDict, Field

from tessera.core.gating import Scope
from tessera.proposals.schemas import ImpactReason
from tessera.schemas import ApiModel


class ImpactRequest(ApiModel):
    """A proposed contract to analyse; nothing is written."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: dict[str, Any] = Field(alias="schema")
    guarantees: dict[str, Any] | None = None
    max_depth: int | None = Field(default=None, ge=1, le=50, description="Lineage depth (server default 10)")


class ConsumerImpact(ApiModel):
    """A consumer team of the asset (or of a downstream column derived from a changed one)."""

    team_id: uuid.UUID
    team_name: str | None
    registration_id: uuid.UUID | None = Field(
        description="Its registration on this asset; null for a team reached through a downstream column"
    )
    pinned_version: str | None
    columns: list[str] = Field(description="The effective columns it reads of this asset")
    column_scope: Scope
    affected_columns: list[str] = Field(description="This asset's changed columns that concern the team")
    required: bool = Field(
        description="A proposal would wait for its answer; false: it would only be informed"
    )
    reasons: list[ImpactReason] = Field(default_factory=list)
    response: str | None = Field(default=None, description="Its answer on the asset's open proposal, if any")


class DownstreamAsset(ApiModel):
    """An asset that reads (directly or transitively) from the analysed one."""

    asset_id: uuid.UUID
    fqn: str
    owner_team_id: uuid.UUID
    owner_team_name: str | None
    depth: int


class ImpactResult(ApiModel):
    """What publishing the proposed contract would do."""

    asset_id: uuid.UUID
    fqn: str
    compatibility_mode: str
    guarantee_mode: str
    current_version: str | None
    suggested_version: str
    safe_to_publish: bool
    unchanged: bool
    changes: list[dict[str, Any]]
    breaking_changes: list[dict[str, Any]]
    guarantee_changes: list[dict[str, Any]]
    consumers: list[ConsumerImpact]
    downstream: list[DownstreamAsset]
    open_proposal_id: uuid.UUID | None = None
    lineage_truncated: bool = False
