"""Typed models of the API's responses.

They mirror the server's response shapes and tolerate fields this SDK version does not know yet (kept in
``model_extra``), so a newer server does not break an older client. Enumerations the server may extend
(statuses, kinds) are plain strings; the values known today are listed in each docstring.
"""

from pydantic import JsonValue

from tessera_sdk.models._base import Change, JsonObject, Model, Page
from tessera_sdk.models.dbt import (
    ChangeItem,
    ConsumerItem,
    DbtImpactResult,
    DefinitionChange,
    DownstreamItem,
    ImpactSummary,
    LineageFallback,
    ModelImpact,
    ProposalItem,
    SyncedAsset,
    SyncResult,
    SyncSummary,
    SyncWarning,
    UnreliableGuarantee,
)
from tessera_sdk.models.quality import (
    AssetGuarantees,
    GuaranteeHealth,
    GuaranteeRun,
    RecordedAsset,
    ResultsIngest,
    UnmatchedResult,
)
from tessera_sdk.models.resources import (
    Acknowledgment,
    ApiKey,
    ApiKeyCreated,
    Asset,
    AuditEvent,
    ConsumerImpact,
    Contract,
    ContractDiff,
    Dependency,
    DependencyList,
    DownstreamAsset,
    ImpactReason,
    ImpactResult,
    Proposal,
    PublishResult,
    Registration,
    Team,
    User,
)
from tessera_sdk.models.webhooks import Delivery, Webhook, WebhookCreated

__all__ = [
    "Acknowledgment",
    "ApiKey",
    "ApiKeyCreated",
    "Asset",
    "AssetGuarantees",
    "AuditEvent",
    "Change",
    "ChangeItem",
    "ConsumerImpact",
    "ConsumerItem",
    "Contract",
    "ContractDiff",
    "DbtImpactResult",
    "DefinitionChange",
    "Delivery",
    "Dependency",
    "DependencyList",
    "DownstreamAsset",
    "DownstreamItem",
    "GuaranteeHealth",
    "GuaranteeRun",
    "ImpactReason",
    "ImpactResult",
    "ImpactSummary",
    "JsonObject",
    "JsonValue",
    "LineageFallback",
    "Model",
    "ModelImpact",
    "Page",
    "Proposal",
    "ProposalItem",
    "PublishResult",
    "RecordedAsset",
    "Registration",
    "ResultsIngest",
    "SyncResult",
    "SyncSummary",
    "SyncWarning",
    "SyncedAsset",
    "Team",
    "UnmatchedResult",
    "UnreliableGuarantee",
    "User",
    "Webhook",
    "WebhookCreated",
]
