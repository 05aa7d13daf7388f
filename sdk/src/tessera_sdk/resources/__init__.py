"""Resource groups of the clients (``client.teams``, ``client.dbt`` ...)."""

from tessera_sdk.resources.api_keys import ApiKeys, AsyncApiKeys
from tessera_sdk.resources.assets import Assets, AsyncAssets
from tessera_sdk.resources.audit import AsyncAudit, Audit
from tessera_sdk.resources.contracts import AsyncContracts, Contracts
from tessera_sdk.resources.dbt import AsyncDbt, Dbt, ManifestSource, encode_manifest
from tessera_sdk.resources.proposals import AsyncProposals, Proposals
from tessera_sdk.resources.quality import AsyncQuality, Quality
from tessera_sdk.resources.registrations import AsyncRegistrations, Registrations
from tessera_sdk.resources.sources import (
    AsyncGraphQl,
    AsyncOpenApi,
    AsyncSqlMesh,
    DocumentSource,
    GraphQl,
    OpenApi,
    SqlMesh,
)
from tessera_sdk.resources.teams import AsyncTeams, Teams
from tessera_sdk.resources.users import AsyncUsers, Users
from tessera_sdk.resources.webhooks import AsyncWebhooks, Webhooks

__all__ = [
    "ApiKeys",
    "Assets",
    "AsyncApiKeys",
    "AsyncAssets",
    "AsyncAudit",
    "AsyncContracts",
    "AsyncDbt",
    "AsyncGraphQl",
    "AsyncOpenApi",
    "AsyncProposals",
    "AsyncQuality",
    "AsyncRegistrations",
    "AsyncSqlMesh",
    "AsyncTeams",
    "AsyncUsers",
    "AsyncWebhooks",
    "Audit",
    "Contracts",
    "Dbt",
    "DocumentSource",
    "GraphQl",
    "ManifestSource",
    "OpenApi",
    "Proposals",
    "Quality",
    "Registrations",
    "SqlMesh",
    "Teams",
    "Users",
    "Webhooks",
    "encode_manifest",
]
