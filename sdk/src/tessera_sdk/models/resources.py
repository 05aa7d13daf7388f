"""Models of the API's resources: teams, users, assets, contracts, registrations, proposals, keys, audit."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from tessera_sdk.models._base import Change, JsonObject, Model


class Team(Model):
    """A team."""

    id: uuid.UUID
    name: str
    description: str | None = None
    contact: str | None = None
    slack_webhook_url: str | None = None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


class User(Model):
    """A user and the teams they belong to."""

    id: uuid.UUID
    email: str
    name: str
    github_username: str | None = None
    gitlab_username: str | None = None
    slack_member_id: str | None = None
    team_ids: list[uuid.UUID] = Field(default_factory=list)
    active: bool = True
    created_at: datetime
    deactivated_at: datetime | None = None


class Asset(Model):
    """A warehouse object with a contract; ``current_version`` is its active contract's version."""

    id: uuid.UUID
    fqn: str
    environment: str
    owner_team_id: uuid.UUID
    steward_user_id: uuid.UUID | None = None
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    resource_type: str
    compatibility_mode: str
    guarantee_mode: str
    require_passing_audit: bool = False
    require_all_consumers: bool = False
    contact: str | None = None
    dbt_unique_id: str | None = None
    meta: JsonObject = Field(default_factory=dict)
    current_version: str | None = None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


class Dependency(Model):
    """A lineage edge: ``downstream_asset_id`` reads from ``upstream_asset_id``."""

    id: uuid.UUID
    downstream_asset_id: uuid.UUID
    upstream_asset_id: uuid.UUID
    kind: str
    created_at: datetime


class DependencyList(Model):
    """Both directions of an asset's lineage edges."""

    upstream: list[Dependency]
    downstream: list[Dependency]


class Contract(Model):
    """A published contract version (``status``: active or deprecated)."""

    id: uuid.UUID
    asset_id: uuid.UUID
    version: str
    status: str
    schema_: JsonObject = Field(alias="schema")
    schema_fingerprint: str
    guarantees: JsonObject = Field(default_factory=dict)
    changes: list[Change] = Field(default_factory=list)
    bump: str
    forced: bool = False
    force_reason: str | None = None
    proposal_id: uuid.UUID | None = None
    published_by_team_id: uuid.UUID
    published_by_user_id: uuid.UUID | None = None
    published_at: datetime
    deprecated_at: datetime | None = None


class ImpactReason(Model):
    """Why a team is concerned by a proposal (``kind``: direct, via, all_columns, unknown, whole_table,
    strict, not_affected)."""

    kind: str
    columns: list[str] = Field(default_factory=list)
    via_asset_id: uuid.UUID | None = None
    via_asset: str | None = None
    via_column: str | None = None
    message: str = ""


class Acknowledgment(Model):
    """A consumer team's answer (``response``: pending, approved, migrating, blocked)."""

    team_id: uuid.UUID
    team_name: str | None = None
    user_id: uuid.UUID | None = None
    response: str
    migration_deadline: datetime | None = None
    reason: str | None = None
    responded_at: datetime | None = None
    required: bool = True
    affected_columns: list[str] = Field(default_factory=list)
    impact: list[ImpactReason] = Field(default_factory=list)


class Proposal(Model):
    """A proposed breaking change and every consumer team's answer.

    ``status``: open, approved, published, force_approved, withdrawn, expired, stale, superseded.
    ``source``: publish, pull_request, sync. ``kind``: change or removal.
    """

    id: uuid.UUID
    asset_id: uuid.UUID
    asset_fqn: str | None = None
    kind: str
    status: str
    source: str
    source_ref: str | None = None
    base_contract_id: uuid.UUID | None = None
    base_version: str | None = None
    proposed_version: str | None = None
    schema_: JsonObject | None = Field(default=None, alias="schema")
    schema_fingerprint: str | None = None
    guarantees: JsonObject | None = None
    changes: list[Change] = Field(default_factory=list)
    breaking_changes: list[Change] = Field(default_factory=list)
    suggested_bump: str
    reason: str | None = None
    proposed_by_team_id: uuid.UUID
    proposed_by_user_id: uuid.UUID | None = None
    created_at: datetime
    expires_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution_note: str | None = None
    published_contract_id: uuid.UUID | None = None
    acknowledgments: list[Acknowledgment] = Field(default_factory=list)
    pending_team_ids: list[uuid.UUID] = Field(default_factory=list)
    required_team_ids: list[uuid.UUID] = Field(default_factory=list)
    informed_team_ids: list[uuid.UUID] = Field(default_factory=list)


class PublishResult(Model):
    """What a publish led to (``outcome``: published, proposed, unchanged, force_published)."""

    outcome: str
    message: str
    contract: Contract | None = None
    proposal: Proposal | None = None
    suggested_version: str | None = None
    changes: list[Change] = Field(default_factory=list)
    breaking_changes: list[Change] = Field(default_factory=list)
    guarantee_changes: list[Change] = Field(default_factory=list)


class ContractDiff(Model):
    """The difference between two published versions under the asset's modes."""

    asset_id: uuid.UUID
    from_version: str
    to_version: str
    compatibility_mode: str
    compatible: bool
    suggested_bump: str
    changes: list[Change] = Field(default_factory=list)
    breaking_changes: list[Change] = Field(default_factory=list)
    guarantee_changes: list[Change] = Field(default_factory=list)


class Registration(Model):
    """A consumer team registered on an asset.

    ``columns`` are the effective ones (``declared_columns`` by hand plus ``derived_columns`` from dbt
    lineage); ``column_scope``: columns, all (reads every column) or unknown (no column information).
    """

    id: uuid.UUID
    asset_id: uuid.UUID
    consumer_team_id: uuid.UUID
    registered_by_user_id: uuid.UUID | None = None
    pinned_version: str | None = None
    columns: list[str] = Field(default_factory=list)
    declared_columns: list[str] = Field(default_factory=list)
    missing_columns: list[str] = Field(default_factory=list)
    """Declared columns the active contract no longer has (dropped or renamed by a publish)."""
    derived_columns: list[str] = Field(default_factory=list)
    column_scope: str = "unknown"
    scope_reason: str | None = None
    derived_by: str | None = None
    purpose: str | None = None
    source: str
    status: str = "confirmed"
    """``suggested``: created for this team by another team's sync; informs it, never gates, until it
    confirms (``registrations.confirm``)."""
    created_at: datetime
    updated_at: datetime


class ConsumerImpact(Model):
    """A consumer team of a change: ``required`` when its answer would gate it, else informed.

    ``registration_id`` is ``None`` for a team reached only through a downstream asset's column.
    """

    team_id: uuid.UUID
    team_name: str | None = None
    registration_id: uuid.UUID | None = None
    pinned_version: str | None = None
    columns: list[str] = Field(default_factory=list)
    column_scope: str = "unknown"
    affected_columns: list[str] = Field(default_factory=list)
    required: bool = True
    reasons: list[ImpactReason] = Field(default_factory=list)
    response: str | None = None


class DownstreamAsset(Model):
    """An asset reading (directly or transitively) from the analysed one."""

    asset_id: uuid.UUID
    fqn: str
    owner_team_id: uuid.UUID
    owner_team_name: str | None = None
    depth: int


class ImpactResult(Model):
    """What publishing a proposed contract would do: nothing is written by the check."""

    asset_id: uuid.UUID
    fqn: str
    compatibility_mode: str
    guarantee_mode: str
    current_version: str | None = None
    suggested_version: str
    safe_to_publish: bool
    unchanged: bool
    changes: list[Change] = Field(default_factory=list)
    breaking_changes: list[Change] = Field(default_factory=list)
    guarantee_changes: list[Change] = Field(default_factory=list)
    consumers: list[ConsumerImpact] = Field(default_factory=list)
    downstream: list[DownstreamAsset] = Field(default_factory=list)
    open_proposal_id: uuid.UUID | None = None
    lineage_truncated: bool = False


class ApiKey(Model):
    """An API key without its secret (``scopes``: read, write, admin)."""

    id: uuid.UUID
    key_id: str
    name: str
    team_id: uuid.UUID
    user_id: uuid.UUID | None = None
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None


class ApiKeyCreated(ApiKey):
    """A new key with its secret ``key``, shown this once."""

    key: str


class AuditEvent(Model):
    """One audit-log event (``action`` such as ``proposal.acknowledged``)."""

    id: uuid.UUID
    occurred_at: datetime
    action: str
    target_type: str
    target_id: str
    asset_id: uuid.UUID | None = None
    actor_team_id: uuid.UUID | None = None
    actor_user_id: uuid.UUID | None = None
    actor_key_id: str | None = None
    request_id: str | None = None
    details: JsonObject = Field(default_factory=dict)
