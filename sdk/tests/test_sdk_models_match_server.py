"""Every field the server's response models send has a typed home in the SDK's models (no silent drift)."""

from __future__ import annotations

import pydantic
import pytest

from tessera.api_keys.schemas import ApiKeyCreated as ServerKeyCreated
from tessera.api_keys.schemas import ApiKeyRead
from tessera.assets.schemas import AssetRead, DependencyRead
from tessera.audit.schemas import AuditEventRead
from tessera.contracts.schemas import ContractDiff as ServerDiff
from tessera.contracts.schemas import ContractRead
from tessera.contracts.schemas import PublishResult as ServerPublish
from tessera.impact.schemas import ConsumerImpact as ServerConsumer
from tessera.impact.schemas import DownstreamAsset as ServerDownstream
from tessera.impact.schemas import ImpactResult as ServerImpact
from tessera.proposals.schemas import AcknowledgmentRead, ProposalRead
from tessera.registrations.schemas import RegistrationRead
from tessera.sync import schemas as sync
from tessera.teams.schemas import TeamRead
from tessera.users.schemas import UserRead
from tessera_sdk import models

PAIRS: list[tuple[type[pydantic.BaseModel], type[pydantic.BaseModel]]] = [
    (TeamRead, models.Team),
    (UserRead, models.User),
    (AssetRead, models.Asset),
    (DependencyRead, models.Dependency),
    (ContractRead, models.Contract),
    (ServerPublish, models.PublishResult),
    (ServerDiff, models.ContractDiff),
    (RegistrationRead, models.Registration),
    (AcknowledgmentRead, models.Acknowledgment),
    (ProposalRead, models.Proposal),
    (ServerImpact, models.ImpactResult),
    (ServerConsumer, models.ConsumerImpact),
    (ServerDownstream, models.DownstreamAsset),
    (ApiKeyRead, models.ApiKey),
    (ServerKeyCreated, models.ApiKeyCreated),
    (AuditEventRead, models.AuditEvent),
    (sync.SyncResult, models.SyncResult),
    (sync.SyncSummary, models.SyncSummary),
    (sync.SyncedAsset, models.SyncedAsset),
    (sync.SyncWarning, models.SyncWarning),
    (sync.DbtImpactResult, models.DbtImpactResult),
    (sync.ImpactSummary, models.ImpactSummary),
    (sync.ModelImpact, models.ModelImpact),
    (sync.ChangeItem, models.ChangeItem),
    (sync.ConsumerItem, models.ConsumerItem),
    (sync.DownstreamItem, models.DownstreamItem),
    (sync.ProposalItem, models.ProposalItem),
]


def _wire_names(model: type[pydantic.BaseModel]) -> dict[str, bool]:
    """JSON field names (serialisation aliases) -> required."""
    return {
        (f.serialization_alias or f.alias or name): f.is_required() for name, f in model.model_fields.items()
    }


@pytest.mark.parametrize(("server", "sdk"), PAIRS, ids=[s.__name__ for s, _ in PAIRS])
def test_sdk_model_covers_the_server_model(
    server: type[pydantic.BaseModel], sdk: type[pydantic.BaseModel]
) -> None:
    sent = _wire_names(server)
    known = _wire_names(sdk)
    assert set(sent) <= set(known), f"{sdk.__name__} lacks {sorted(set(sent) - set(known))}"
    # The SDK never requires a field the server may leave out.
    optional_on_server = {name for name, required in sent.items() if not required}
    assert not {name for name in optional_on_server if known[name]}, (
        f"{sdk.__name__} requires optional fields"
    )
