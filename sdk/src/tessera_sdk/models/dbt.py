"""Models of the dbt endpoints' answers: sync results and pull-request impact checks."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from tessera_sdk.models._base import Model


class SyncWarning(Model):
    """Something a sync could not do as asked, with the node it concerns."""

    node: str
    code: str
    message: str


class SyncedAsset(Model):
    """What a sync did with one dbt node.

    ``status``: created, updated, unchanged, proposed, published_from_proposal, removal_proposed, removed,
    skipped.
    """

    unique_id: str
    fqn: str
    asset_id: uuid.UUID | None = None
    status: str
    version: str | None = None
    proposal_id: uuid.UUID | None = None
    message: str | None = None


class SyncSummary(Model):
    """Counts of what a sync did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    proposed: int = 0
    published_from_proposal: int = 0
    removal_proposed: int = 0
    removed: int = 0
    registrations_created: int = 0
    registrations_updated: int = 0
    registrations_retired: int = 0
    dependencies_created: int = 0
    definition_changes: int = 0
    lineage_fallbacks: int = 0
    warnings: int = 0


class LineageFallback(Model):
    """A reader whose columns the lineage analysis could not narrow down (its team reads every column)."""

    node: str
    reason: str


class DefinitionChange(Model):
    """Columns whose SQL expression changed while their type did not; ``teams`` were told."""

    node: str
    fqn: str
    asset_id: uuid.UUID
    columns: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)


class SyncResult(Model):
    """The answer of ``dbt.sync`` (and ``openapi.sync``; ``source`` names which)."""

    project_name: str
    source: str = "dbt"
    dbt_version: str | None = None
    schema_version: int | None = None
    version: str | None = None
    summary: SyncSummary
    assets: list[SyncedAsset] = Field(default_factory=list)
    warnings: list[SyncWarning] = Field(default_factory=list)
    lineage_fallbacks: list[LineageFallback] = Field(default_factory=list)
    definition_changes: list[DefinitionChange] = Field(default_factory=list)


class ChangeItem(Model):
    """One change of a dbt node's contract (``category``: schema or guarantee)."""

    kind: str
    path: str
    breaking: bool
    message: str
    category: str = "schema"
    column: str | None = None
    location: str = ""
    text: str = ""


class ConsumerItem(Model):
    """A consumer team of a changed node, with its answer (``None`` without a proposal).

    ``required``: its answer gates the change (it reads an affected column, every column, or unknown
    columns); otherwise it is only informed.
    """

    team_id: uuid.UUID
    team: str
    response: str | None = None
    required: bool = True
    affected_columns: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    migration_deadline: datetime | None = None
    answer_reason: str | None = None
    """What the team said with its answer (why it blocks, how it migrates)."""


class DownstreamItem(Model):
    """An asset downstream of a dbt node through lineage."""

    asset_id: uuid.UUID
    fqn: str
    owner_team: str | None = None
    depth: int


class ProposalItem(Model):
    """The proposal covering a node's breaking change; ``covers_this_change`` when it is for this schema."""

    id: uuid.UUID
    status: str
    source_ref: str | None = None
    expires_at: datetime | None = None
    covers_this_change: bool = False


class UnreliableGuarantee(Model):
    """A guarantee consumers rely on that broke in ``broken`` of its last ``runs`` runs."""

    guarantee: str
    broken: int
    runs: int
    consumers: list[str] = Field(default_factory=list)


class ModelImpact(Model):
    """The impact of one dbt node (``status``: added, modified, removed, unchanged)."""

    unique_id: str
    fqn: str
    asset_id: uuid.UUID | None = None
    status: str
    breaking: bool
    """The change is breaking (the change and the compatibility mode alone; a removed node always is)."""
    answer_required: bool = False
    """Some consumer team must answer before it ships; false: it blocks nobody."""
    acknowledged: bool
    changes: list[ChangeItem] = Field(default_factory=list)
    consumers: list[ConsumerItem] = Field(default_factory=list)
    downstream: list[DownstreamItem] = Field(default_factory=list)
    proposal: ProposalItem | None = None
    unreliable_guarantees: list[UnreliableGuarantee] = Field(default_factory=list)


class ImpactSummary(Model):
    """Counts over the nodes of an impact check."""

    added: int = 0
    modified: int = 0
    removed: int = 0
    unchanged: int = 0
    breaking: int = 0
    unacknowledged: int = 0


class DbtImpactResult(Model):
    """The answer of ``dbt.impact`` and ``dbt.propose``: ``verdict`` is "pass" or "fail"."""

    verdict: str
    summary: ImpactSummary
    models: list[ModelImpact] = Field(default_factory=list)
    warnings: list[SyncWarning] = Field(default_factory=list)
    markdown: str = ""

    @property
    def passed(self) -> bool:
        """True when nothing breaking is left unacknowledged."""
        return self.verdict == "pass"
