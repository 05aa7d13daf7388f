"""Data-quality run shapes."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import AwareDatetime, Field

from tessera.enums import QualityStatus
from tessera.schemas import ApiModel


class GuaranteeResult(ApiModel):
    """The outcome of checking one guarantee."""

    guarantee: str = Field(min_length=1, max_length=300, description="e.g. not_null:customer_id")
    status: QualityStatus
    message: str | None = Field(default=None, max_length=5000)
    failing_rows: int | None = Field(default=None, ge=0)


class QualityRunCreate(ApiModel):
    """A data-quality run to record."""

    status: QualityStatus
    results: list[GuaranteeResult] = Field(default_factory=list)
    run_id: str | None = Field(default=None, max_length=200)
    triggered_by: str | None = Field(
        default=None, max_length=100, description="e.g. dbt_test, airflow, manual"
    )
    run_at: AwareDatetime | None = None


class QualityRunRead(ApiModel):
    """A recorded run."""

    id: uuid.UUID
    asset_id: uuid.UUID
    status: QualityStatus
    run_id: str | None
    triggered_by: str | None
    results: list[GuaranteeResult]
    guarantees_checked: int
    guarantees_passed: int
    guarantees_failed: int
    run_at: datetime
    recorded_by_team_id: uuid.UUID | None


class TrendPoint(ApiModel):
    """Pass rate of one day."""

    day: date
    runs: int
    passed: int
    pass_rate: float


class QualityTrends(ApiModel):
    """Pass rate over time."""

    asset_id: uuid.UUID
    days: int
    runs: int
    pass_rate: float | None
    points: list[TrendPoint]
