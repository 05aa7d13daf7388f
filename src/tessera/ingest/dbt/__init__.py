"""The dbt adapter: a ``manifest.json`` -> a :class:`DbtProject` of plain, immutable values.

See ``docs/dbt.md`` for what becomes an asset, the FQN rule, the type mapping and the guarantees.
"""

from tessera.ingest.dbt.fqn import relation_fqn
from tessera.ingest.dbt.manifest import parse_manifest
from tessera.ingest.dbt.models import (
    DbtAsset,
    DbtExposure,
    DbtProject,
    InvalidManifestError,
    JsonObject,
    JsonValue,
    ManifestWarning,
    OwnerRef,
)
from tessera.ingest.dbt.types import map_data_type

__all__ = [
    "DbtAsset",
    "DbtExposure",
    "DbtProject",
    "InvalidManifestError",
    "JsonObject",
    "JsonValue",
    "ManifestWarning",
    "OwnerRef",
    "map_data_type",
    "parse_manifest",
    "relation_fqn",
]
