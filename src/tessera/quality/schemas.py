"""Data-quality run shapes."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import AwareDatetime, Field

from tessera.enums import GuaranteeStatus, QualityStatus
from tessera.schemas import ApiModel


class GuaranteeResult(ApiModel):
    """The outcome of checking one guarantee."""

    guarantee: str = Field(min_length=1, max_length=300, description="e.g. not_null:customer_id")
    status: GuaranteeStatus
    message: str | None = Field(default=None, max_length=5000)
    failing_rows: int | None = Field(default=None, ge=0)
    check: str | None = Field(default=None, max_length=500, description="What ran: a dbt test id, ...")
    seconds: float | None = Field(default=None, ge=0, description="How long the check took")
    age_seconds: float | None = Field(default=None, description="Freshness: age of the newest row")


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
    source: str | None = Field(description="dbt, dbt_freshness, great_expectations; null when posted by hand")
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


class UnmatchedResult(ApiModel):
    """A result not recorded: no known asset (or no guarantee) to tie it to."""

    check: str
    relation: str | None
    reason: str


class RecordedAsset(ApiModel):
    """The run recorded for one asset (or the earlier one, when this invocation was already recorded)."""

    asset_id: uuid.UUID
    fqn: str
    status: QualityStatus
    checks: int
    duplicate: bool = Field(description="This invocation was already recorded for the asset: nothing new")


class ResultsIngest(ApiModel):
    """What an uploaded result artifact led to."""

    source: str
    invocation_id: str
    checks: int = Field(description="Checks read from the artifact and tied to an asset")
    recorded: list[RecordedAsset]
    unmatched: list[UnmatchedResult]
    failed: list[str] = Field(description="asset fqn / guarantee that started failing with this run")
    recovered: list[str] = Field(description="asset fqn / guarantee that holds again with this run")


class GuaranteeRun(ApiModel):
    """One past status of a guarantee."""

    status: str
    run_at: datetime | None


class GuaranteeHealthRead(ApiModel):
    """Where one guarantee of an asset stands."""

    guarantee: str
    status: GuaranteeStatus
    since: datetime
    last_run_at: datetime
    source: str
    failing_rows: int | None
    message: str | None
    recent: list[GuaranteeRun] = Field(description="Last statuses, newest first")
    unreliable: bool = Field(description="Broken in most of its last runs")
    reliability: str = Field(description="e.g. 'fails 6 of the last 10 runs'")


class AssetGuarantees(ApiModel):
    """Every checked guarantee of an asset."""

    asset_id: uuid.UUID
    guarantees: list[GuaranteeHealthRead]
