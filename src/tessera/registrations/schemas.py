"""Registration API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, model_validator

from tessera.core.gating import Scope, read_scope
from tessera.schemas import ApiModel


class RegistrationCreate(ApiModel):
    """A consumer team registers on an asset (not on one version)."""

    asset_id: uuid.UUID
    consumer_team_id: uuid.UUID | None = Field(default=None, description="Defaults to the key's team")
    pinned_version: str | None = Field(default=None, max_length=100)
    columns: list[str] = Field(
        default_factory=list,
        description="Columns the team reads, declared by hand (kept across dbt syncs). Empty: unknown "
        "until a dbt sync derives them; a team with unknown columns is asked about every breaking change.",
    )
    purpose: str | None = Field(default=None, max_length=2000)


class RegistrationUpdate(ApiModel):
    """Changeable registration fields."""

    pinned_version: str | None = Field(default=None, max_length=100)
    columns: list[str] | None = Field(default=None, description="Replaces the columns declared by hand")
    purpose: str | None = Field(default=None, max_length=2000)


class RegistrationRead(ApiModel):
    """A registration with the columns the team reads and where each came from."""

    id: uuid.UUID
    asset_id: uuid.UUID
    consumer_team_id: uuid.UUID
    registered_by_user_id: uuid.UUID | None
    pinned_version: str | None
    columns: list[str] = Field(description="Effective columns: declared by hand plus derived from lineage")
    declared_columns: list[str] = Field(description="Declared by hand (kept across syncs)")
    missing_columns: list[str] = Field(
        default_factory=list,
        description="Declared columns the active contract no longer has (dropped or renamed by a publish): "
        "update the registration's columns",
    )
    derived_columns: list[str] = Field(description="Derived from column lineage (refreshed every sync)")
    column_scope: Scope = Field(
        description="columns (exactly these), all (reads every column) or unknown (no column information)"
    )
    scope_reason: str | None = Field(description="Why the scope is all or unknown")
    derived_by: str | None = Field(description="The dbt project whose lineage derived it, if any")
    purpose: str | None
    source: str
    status: str = Field(
        default="confirmed",
        description="confirmed, or suggested: created for this team by another team's sync; informs the "
        "team but never requires its answer until it confirms (POST /registrations/{id}/confirm)",
    )
    created_at: datetime
    updated_at: datetime

    @model_validator(mode="before")
    @classmethod
    def _from_row(cls, value: Any) -> Any:
        # A stored registration keeps declared and derived columns apart; the API shows both and the sum.
        if isinstance(value, dict) or not hasattr(value, "derived_columns"):
            return value
        scope = read_scope(
            value.columns or [], value.derived_columns or [], value.derived_scope, value.scope_reason
        )
        return {
            "id": value.id,
            "asset_id": value.asset_id,
            "consumer_team_id": value.consumer_team_id,
            "registered_by_user_id": value.registered_by_user_id,
            "pinned_version": value.pinned_version,
            "columns": sorted(scope.columns),
            "declared_columns": list(value.columns or []),
            "missing_columns": list(value.missing_columns or []),
            "derived_columns": list(value.derived_columns or []),
            "column_scope": scope.scope,
            "scope_reason": scope.reason,
            "derived_by": value.derived_by,
            "purpose": value.purpose,
            "source": value.source,
            "status": value.status,
            "created_at": value.created_at,
            "updated_at": value.updated_at,
        }
