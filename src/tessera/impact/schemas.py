"""Impact API shapes."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ConfigDict, Field

from tessera.schemas import ApiModel


class ImpactRequest(ApiModel):
    """A proposed contract to analyse; nothing is written."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_: dict[str, Any] = Field(alias="schema")
    guarantees: dict[str, Any] | None = None
    max_depth: int | None = Field(default=None, ge=1, le=50, description="Lineage depth (server default 10)")


class ConsumerImpact(ApiModel):
    """A registered consumer team that would have to acknowledge."""

    team_id: uuid.UUID
    team_name: str | None
    registration_id: uuid.UUID
    pinned_version: str | None
    columns: list[str]
    affected_columns: list[str] = Field(description="Registered columns touched by a breaking change")
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
