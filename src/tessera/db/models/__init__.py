"""All ORM models, importable from one place (Alembic's autogenerate reads ``Base.metadata``)."""

from tessera.db.models.assets import Asset, AssetDependency
from tessera.db.models.audit import AuditEvent, GuaranteeState, QualityRun
from tessera.db.models.contracts import Contract
from tessera.db.models.keys import ApiKey
from tessera.db.models.outbox import OutboxMessage, Webhook, WebhookDelivery
from tessera.db.models.proposals import Acknowledgment, Proposal
from tessera.db.models.registrations import Registration
from tessera.db.models.teams import Team, TeamMember, User
from tessera.db.models.ui import UiSession

__all__ = [
    "Acknowledgment",
    "ApiKey",
    "Asset",
    "AssetDependency",
    "AuditEvent",
    "Contract",
    "GuaranteeState",
    "OutboxMessage",
    "Proposal",
    "QualityRun",
    "Registration",
    "Team",
    "TeamMember",
    "UiSession",
    "User",
    "Webhook",
    "WebhookDelivery",
]
