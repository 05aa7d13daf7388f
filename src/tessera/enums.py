"""Workflow states and labels shared by models, API schemas and services."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    """API key scopes; each includes the ones before it."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


class ResourceType(StrEnum):
    """What kind of warehouse object an asset is."""

    TABLE = "table"
    VIEW = "view"
    MODEL = "model"
    SEED = "seed"
    SNAPSHOT = "snapshot"
    SOURCE = "source"
    EXTERNAL = "external"
    OTHER = "other"


class ContractStatus(StrEnum):
    """Life of a published contract version."""

    ACTIVE = "active"
    DEPRECATED = "deprecated"


class ProposalStatus(StrEnum):
    """Life of a proposal for a breaking change."""

    OPEN = "open"
    APPROVED = "approved"
    PUBLISHED = "published"
    FORCE_APPROVED = "force_approved"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    STALE = "stale"
    SUPERSEDED = "superseded"

    @property
    def is_open(self) -> bool:
        """True while consumers may still answer."""
        return self is ProposalStatus.OPEN


class ProposalKind(StrEnum):
    """What a proposal would do when it goes through."""

    CHANGE = "change"
    REMOVAL = "removal"


class ProposalSource(StrEnum):
    """Where a proposal came from; pull-request proposals wait for the merged sync to publish."""

    PUBLISH = "publish"
    PULL_REQUEST = "pull_request"
    SYNC = "sync"


class AckResponse(StrEnum):
    """A consumer team's answer to a proposal."""

    PENDING = "pending"
    APPROVED = "approved"
    MIGRATING = "migrating"
    BLOCKED = "blocked"


class QualityStatus(StrEnum):
    """Outcome of a data-quality (write-audit-publish) run."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"


class GuaranteeStatus(StrEnum):
    """Outcome of checking one guarantee in a run (dbt test, source freshness, expectation).

    A superset of :class:`QualityStatus`: ``warned`` (dbt severity warn, freshness past warn_after) still
    holds for the write-audit-publish gate; ``skipped`` (dbt skipped the test) says nothing.
    """

    PASSED = "passed"
    WARNED = "warned"
    FAILED = "failed"
    ERROR = "error"
    SKIPPED = "skipped"


class PublishOutcome(StrEnum):
    """What a publish request led to."""

    PUBLISHED = "published"
    PROPOSED = "proposed"
    UNCHANGED = "unchanged"
    FORCE_PUBLISHED = "force_published"


class DeliveryChannel(StrEnum):
    """How a notification reaches its recipient."""

    WEBHOOK = "webhook"
    SLACK = "slack"
    EMAIL = "email"


class DeliveryStatus(StrEnum):
    """Life of one notification delivery (one event to one endpoint or channel)."""

    PENDING = "pending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    FAILED = "failed"
    PAUSED = "paused"
    CANCELLED = "cancelled"

    @property
    def is_due(self) -> bool:
        """True while the worker should still attempt it."""
        return self in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
