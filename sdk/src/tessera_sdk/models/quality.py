"""Models of the data-quality result endpoints: uploads from dbt / Great Expectations, guarantee health."""

from __future__ import annotations

import uuid
from datetime import datetime

from tessera_sdk.models._base import Model


class RecordedAsset(Model):
    """The run recorded for one asset; ``duplicate`` when this invocation was already recorded.

    ``status``: passed, failed, error.
    """

    asset_id: uuid.UUID
    fqn: str
    status: str
    checks: int
    duplicate: bool


class UnmatchedResult(Model):
    """A result not recorded (no known asset, or not a guarantee), and why."""

    check: str
    relation: str | None = None
    reason: str


class ResultsIngest(Model):
    """What an uploaded result artifact led to; ``failed``/``recovered`` are "fqn / guarantee" texts."""

    source: str
    invocation_id: str
    checks: int
    recorded: list[RecordedAsset]
    unmatched: list[UnmatchedResult]
    failed: list[str]
    recovered: list[str]


class GuaranteeRun(Model):
    """One past status of a guarantee."""

    status: str
    run_at: datetime | None = None


class GuaranteeHealth(Model):
    """Where one guarantee stands. ``status``: passed, warned, failed, error, skipped."""

    guarantee: str
    status: str
    since: datetime
    last_run_at: datetime
    source: str
    failing_rows: int | None = None
    message: str | None = None
    recent: list[GuaranteeRun]
    unreliable: bool
    reliability: str


class AssetGuarantees(Model):
    """Every checked guarantee of an asset."""

    asset_id: uuid.UUID
    guarantees: list[GuaranteeHealth]
