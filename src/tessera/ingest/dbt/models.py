"""The dbt flavour of the source-neutral values (tessera.ingest.source), and the error for a bad manifest.

Nothing here knows about HTTP or the database; the sync service reads these values. The ``schema``,
``guarantees`` and ``meta`` dicts are read-only: column type fragments inside ``schema`` are shared
between columns and assets (that keeps the result of a 100,000-column manifest small), so copy before
changing anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tessera.ingest.source import (
    DOCUMENT,
    InvalidSourceError,
    JsonObject,
    JsonValue,
    OwnerRef,
    SourceAsset,
    SourceProject,
    SourceReader,
    SourceWarning,
)

__all__ = [
    "MANIFEST",
    "DbtAsset",
    "DbtCode",
    "DbtExposure",
    "DbtProject",
    "InvalidManifestError",
    "JsonObject",
    "JsonValue",
    "ManifestWarning",
    "OwnerRef",
]

MANIFEST = DOCUMENT
"""The ``node`` of a :class:`ManifestWarning` about the manifest as a whole."""

ManifestWarning = SourceWarning
"""dbt's name for a source warning (``node`` is a unique_id or ``"manifest"``)."""

DbtExposure = SourceReader
"""dbt's readers (exposures, semantic models, metrics, saved queries) are the neutral readers."""


class InvalidManifestError(InvalidSourceError):
    """The uploaded manifest cannot be read; ``message`` names what is wrong.

    Codes: ``empty``, ``invalid_gzip``, ``truncated``, ``invalid_json``, ``invalid_encoding``,
    ``not_a_manifest``, ``missing_field``, ``invalid_field``, ``unsupported_schema_version``.
    """


@dataclass(frozen=True, slots=True, kw_only=True)
class DbtAsset(SourceAsset):
    """A model, seed, snapshot or source: one warehouse relation, with what only dbt knows of it."""

    package_name: str
    database: str | None
    schema_name: str | None
    identifier: str
    materialized: str | None
    contract_enforced: bool
    source_name: str | None = None
    """For a source, the name of its ``sources:`` block (``source('<source_name>', '<name>')``)."""
    version: str | None = None
    """For a versioned model, its version (``ref('name', v=...)``); ``latest`` tells the unpinned one."""
    latest: bool = True


@dataclass(frozen=True, slots=True)
class DbtCode:
    """The code of a model or snapshot, as the column-lineage analysis needs it.

    ``compiled_code`` is present when the manifest came from ``dbt compile`` (or run/build);
    ``language`` is ``"sql"`` or ``"python"``.
    """

    language: str
    raw_code: str
    compiled_code: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class DbtProject(SourceProject):
    """Everything Tessera takes from one manifest, in a deterministic order.

    Its assets are :class:`DbtAsset` values; assets are recognised by their ``dbt_unique_id`` column and
    keep the ``dbt_*`` meta keys they always had.
    """

    assets: Mapping[str, DbtAsset]
    dbt_version: str
    schema_version: int
    adapter_type: str | None = None
    code: Mapping[str, DbtCode] = field(default_factory=dict)
    """The code of each model and snapshot of ``assets``, keyed by unique_id."""

    def asset_meta(self, node: SourceAsset) -> dict[str, Any]:
        """What the asset keeps of its dbt node (and how the sync recognises its own assets later)."""
        assert isinstance(node, DbtAsset)
        return {
            "dbt_project": self.project_name,
            "dbt_package": node.package_name,
            "dbt_resource_type": node.resource_type,
            "dbt_materialized": node.materialized,
            "dbt_contract_enforced": node.contract_enforced,
            # owner/contact live in their own fields; their spelling (string or object) is not a change.
            "dbt_meta": {k: v for k, v in node.meta.items() if k not in ("owner", "contact")},
        }

    def node_of(self, meta: Mapping[str, object], dbt_unique_id: str | None) -> str | None:
        """A dbt asset is recognised by its ``dbt_unique_id``, whichever project synced it."""
        return dbt_unique_id

    def stored_unique_id(self, node: SourceAsset) -> str | None:
        """dbt nodes keep their unique_id in the asset's ``dbt_unique_id`` column."""
        return node.unique_id

    def owns(self, meta: Mapping[str, object], dbt_unique_id: str | None, include_packages: bool) -> bool:
        """Assets this project's syncs created; those of installed packages only with ``include_packages``."""
        if not dbt_unique_id or meta.get("dbt_project") != self.project_name:
            return False
        return include_packages or meta.get("dbt_package") == self.project_name
