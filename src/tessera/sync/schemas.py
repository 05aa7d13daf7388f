"""Shapes of the dbt sync, impact and propose endpoints.

Request: ``POST /api/v1/sync/dbt`` (and ``/sync/dbt/impact``, ``/sync/dbt/propose``) take the manifest as the
request body — ``application/json``, or gzip bytes (``Content-Encoding: gzip`` or
``Content-Type: application/gzip``), or a multipart upload with the file in the ``manifest`` field — and
their options as query parameters (see :class:`SyncOptions`).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

AssetSyncStatus = Literal[
    "created",
    "updated",
    "unchanged",
    "proposed",
    "published_from_proposal",
    "removal_proposed",
    "removed",
    "skipped",
]
ModelStatus = Literal["added", "modified", "removed", "unchanged"]


class SyncWarning(BaseModel):
    """Something the sync could not do as asked, with the node it concerns."""

    node: str
    code: str
    message: str


class SyncedAsset(BaseModel):
    """What the sync did with one node of the project."""

    unique_id: str
    fqn: str
    asset_id: uuid.UUID | None
    status: AssetSyncStatus
    version: str | None = None
    proposal_id: uuid.UUID | None = None
    message: str | None = None


class SyncSummary(BaseModel):
    """Counts of what the sync did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    proposed: int = 0
    published_from_proposal: int = 0
    removal_proposed: int = 0
    removed: int = 0
    registrations_created: int = 0
    registrations_updated: int = Field(default=0, description="Derived columns refreshed")
    registrations_retired: int = Field(default=0, description="Derived registrations whose lineage is gone")
    dependencies_created: int = 0
    definition_changes: int = Field(default=0, description="Assets whose column definitions changed")
    lineage_fallbacks: int = Field(default=0, description="Readers whose column analysis lost precision")
    warnings: int = 0


class LineageFallback(BaseModel):
    """A reader whose columns could not be narrowed down: its teams count as reading every column."""

    node: str
    reason: str


class DefinitionChange(BaseModel):
    """Columns whose SQL expression changed while their type did not: a notice to the teams reading them."""

    node: str
    fqn: str
    asset_id: uuid.UUID
    columns: list[str]
    teams: list[str] = Field(description="Teams told (they read at least one of the columns)")


class SyncResult(BaseModel):
    """Response of ``POST /sync/<source>`` (``dbt_version``/``schema_version`` only for dbt)."""

    project_name: str
    source: str = "dbt"
    dbt_version: str | None
    schema_version: int | None
    version: str | None = Field(
        default=None, description="The artifact's own version (an API's info.version)"
    )
    summary: SyncSummary
    assets: list[SyncedAsset]
    warnings: list[SyncWarning]
    lineage_fallbacks: list[LineageFallback] = Field(default_factory=list)
    definition_changes: list[DefinitionChange] = Field(default_factory=list)


class ChangeItem(BaseModel):
    """One change of a node's contract."""

    kind: str
    path: str
    breaking: bool
    message: str
    category: Literal["schema", "guarantee"] = "schema"
    column: str | None = Field(default=None, description="The top-level column it touches, if any")
    location: str = Field(
        default="", description="Where, dotted (`address.zip`); empty for the table as a whole"
    )
    text: str = Field(default="", description="What changed, in words (e.g. `integer → string`)")


class ConsumerItem(BaseModel):
    """A consumer team of a changed node: whether its answer is required, and its answer if any."""

    team_id: uuid.UUID
    team: str
    response: str | None = Field(
        description="approved, migrating, blocked, pending, or null without a proposal"
    )
    required: bool = Field(
        default=True,
        description="A breaking change touches what it reads (or it reads every column / unknown columns); "
        "false: informed only",
    )
    affected_columns: list[str] = Field(
        default_factory=list, description="The node's changed columns it reads"
    )
    reasons: list[str] = Field(
        default_factory=list, description="Why, in words (e.g. via a downstream column)"
    )
    migration_deadline: datetime | None = Field(
        default=None, description="The date a team answering `migrating` promised to have migrated by"
    )
    answer_reason: str | None = Field(
        default=None, description="What the team said with its answer (why it blocks, how it migrates)"
    )


class DownstreamItem(BaseModel):
    """An asset downstream through lineage."""

    asset_id: uuid.UUID
    fqn: str
    owner_team: str | None
    depth: int


class ProposalItem(BaseModel):
    """The proposal covering a node's breaking change, if any."""

    id: uuid.UUID
    status: str
    source_ref: str | None
    expires_at: datetime | None = Field(default=None, description="Answers are due by then")
    covers_this_change: bool = Field(description="True when it proposes exactly this schema and guarantees")


class UnreliableGuarantee(BaseModel):
    """A guarantee of the model that consumers rely on and that broke in most of its recent runs."""

    guarantee: str
    broken: int
    runs: int
    consumers: list[str] = Field(description="Names of the consumer teams registered on the asset")


class ModelImpact(BaseModel):
    """The impact of one node of the pull request's manifest."""

    unique_id: str
    fqn: str
    asset_id: uuid.UUID | None
    status: ModelStatus
    breaking: bool = Field(
        description="The change is breaking (depends only on the change and the asset's compatibility mode; "
        "a removed node is always breaking)"
    )
    answer_required: bool = Field(
        default=False,
        description="Some consumer team must answer before it ships (breaking and a required consumer); "
        "false: it blocks nobody",
    )
    acknowledged: bool = Field(
        description="Every breaking change is covered by an approved proposal for this schema"
    )
    changes: list[ChangeItem]
    consumers: list[ConsumerItem]
    downstream: list[DownstreamItem]
    proposal: ProposalItem | None = None
    unreliable_guarantees: list[UnreliableGuarantee] = Field(default_factory=list)


class ImpactSummary(BaseModel):
    """Counts over the nodes."""

    added: int = 0
    modified: int = 0
    removed: int = 0
    unchanged: int = 0
    breaking: int = 0
    unacknowledged: int = 0


class DbtImpactResult(BaseModel):
    """Response of ``POST /sync/dbt/impact`` (and ``/sync/dbt/propose``)."""

    verdict: Literal["pass", "fail"]
    summary: ImpactSummary
    models: list[ModelImpact] = Field(
        description="Every node; unchanged ones included (the Markdown omits them)"
    )
    warnings: list[SyncWarning]
    markdown: str
