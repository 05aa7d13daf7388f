"""Asset API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field, field_validator

from tessera.core import CompatibilityMode, GuaranteeMode
from tessera.enums import ResourceType
from tessera.schemas import ApiModel

FQN_DESCRIPTION = "Fully qualified name of the relation, e.g. warehouse.analytics.dim_customers"


def _check_fqn(value: str) -> str:
    value = value.strip()
    if not value or any(ch.isspace() for ch in value):
        raise ValueError(
            "fqn must be non-empty and contain no whitespace, e.g. warehouse.analytics.dim_customers"
        )
    if any(part == "" for part in value.split(".")):
        raise ValueError("fqn must not have empty parts (leading, trailing or doubled dots)")
    return value


class AssetCreate(ApiModel):
    """A new asset."""

    fqn: str = Field(max_length=500, description=FQN_DESCRIPTION)
    environment: str = Field(default="production", min_length=1, max_length=64)
    owner_team_id: uuid.UUID
    steward_user_id: uuid.UUID | None = None
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    resource_type: ResourceType = ResourceType.TABLE
    compatibility_mode: CompatibilityMode = CompatibilityMode.BACKWARD
    guarantee_mode: GuaranteeMode = GuaranteeMode.STRICT
    require_passing_audit: bool = False
    require_all_consumers: bool = Field(
        default=False,
        description="Strict gating: a breaking change needs every consumer team's answer, not only the "
        "teams that read an affected column",
    )
    contact: str | None = Field(default=None, max_length=300)
    meta: dict[str, Any] = Field(default_factory=dict)

    _fqn = field_validator("fqn")(_check_fqn)


class AssetUpdate(ApiModel):
    """Changeable asset fields (omitted fields stay)."""

    fqn: str | None = Field(default=None, max_length=500)
    owner_team_id: uuid.UUID | None = None
    steward_user_id: uuid.UUID | None = None
    description: str | None = None
    tags: list[str] | None = None
    resource_type: ResourceType | None = None
    compatibility_mode: CompatibilityMode | None = None
    guarantee_mode: GuaranteeMode | None = None
    require_passing_audit: bool | None = None
    require_all_consumers: bool | None = None
    contact: str | None = Field(default=None, max_length=300)
    meta: dict[str, Any] | None = None

    @field_validator("fqn")
    @classmethod
    def _fqn(cls, value: str | None) -> str | None:
        return None if value is None else _check_fqn(value)


class AssetRead(ApiModel):
    """An asset with its current contract version."""

    id: uuid.UUID
    fqn: str
    environment: str
    owner_team_id: uuid.UUID
    steward_user_id: uuid.UUID | None
    description: str | None
    tags: list[str]
    resource_type: ResourceType
    compatibility_mode: CompatibilityMode
    guarantee_mode: GuaranteeMode
    require_passing_audit: bool
    require_all_consumers: bool
    contact: str | None
    dbt_unique_id: str | None
    meta: dict[str, Any]
    current_version: str | None = None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class DependencyCreate(ApiModel):
    """A lineage edge: this asset reads from ``upstream_asset_id``."""

    upstream_asset_id: uuid.UUID
    kind: str = Field(default="reads", max_length=32)


class DependencyRead(ApiModel):
    """A lineage edge."""

    id: uuid.UUID
    downstream_asset_id: uuid.UUID
    upstream_asset_id: uuid.UUID
    kind: str
    created_at: datetime
