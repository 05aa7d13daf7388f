"""The plain, immutable values a dbt manifest is turned into, and the error for a bad manifest.

Nothing here knows about HTTP or the database; the sync service reads these values. The ``schema``,
``guarantees`` and ``meta`` dicts are read-only: column type fragments inside ``schema`` are shared
between columns and assets (that keeps the result of a 100,000-column manifest small), so copy before
changing anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

from tessera.errors import TesseraError

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = "dict[str, JsonValue]"

MANIFEST = "manifest"
"""The ``node`` of a :class:`ManifestWarning` about the manifest as a whole."""


class InvalidManifestError(TesseraError):
    """The uploaded manifest cannot be read; ``message`` names what is wrong.

    Codes: ``empty``, ``invalid_gzip``, ``truncated``, ``invalid_json``, ``invalid_encoding``,
    ``not_a_manifest``, ``missing_field``, ``invalid_field``, ``unsupported_schema_version``.
    """

    status_code = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True, slots=True)
class OwnerRef:
    """An owner as written in ``meta.owner``: ``raw`` is the text to show, name/email what was found."""

    raw: str
    name: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class ManifestWarning:
    """Something the sync should tell the user about; ``node`` is a unique_id or ``"manifest"``."""

    node: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class DbtAsset:
    """A model, seed, snapshot or source: one warehouse relation with its contract and guarantees."""

    unique_id: str
    name: str
    resource_type: str
    package_name: str
    fqn: str
    database: str | None
    schema_name: str | None
    identifier: str
    description: str
    schema: JsonObject
    guarantees: JsonObject
    owner: OwnerRef | None
    contact: str | None
    tags: tuple[str, ...]
    depends_on: tuple[str, ...]
    materialized: str | None
    contract_enforced: bool
    meta: Mapping[str, JsonValue]
    source_name: str | None = None
    """For a source, the name of its ``sources:`` block (``source('<source_name>', '<name>')``)."""
    version: str | None = None
    """For a versioned model, its version (``ref('name', v=...)``); ``latest`` tells the unpinned one."""
    latest: bool = True


@dataclass(frozen=True, slots=True)
class DbtExposure:
    """A reader that is not a relation: an exposure, semantic model, metric or saved query.

    Its owner consumes the assets in ``depends_on`` (for metrics and saved queries: the models under their
    semantic models). ``columns`` maps each of those assets to the (lower-case) columns the reader names
    (``None`` for an asset where that could not be resolved), or is ``None`` when the reader cannot name
    columns at all (exposures).
    """

    unique_id: str
    name: str
    owner: OwnerRef | None
    depends_on: tuple[str, ...]
    resource_type: str = "exposure"
    columns: Mapping[str, frozenset[str] | None] | None = None
    lineage_note: str | None = None
    """What could not be resolved to columns (an ``expr`` that is an expression, an unknown measure)."""


@dataclass(frozen=True, slots=True)
class DbtCode:
    """The code of a model or snapshot, as the column-lineage analysis needs it.

    ``compiled_code`` is present when the manifest came from ``dbt compile`` (or run/build);
    ``language`` is ``"sql"`` or ``"python"``.
    """

    language: str
    raw_code: str
    compiled_code: str | None


@dataclass(frozen=True, slots=True)
class DbtProject:
    """Everything Tessera takes from one manifest, in a deterministic order."""

    project_name: str
    dbt_version: str
    schema_version: int
    assets: Mapping[str, DbtAsset]
    exposures: tuple[DbtExposure, ...]
    warnings: tuple[ManifestWarning, ...]
    adapter_type: str | None = None
    code: Mapping[str, DbtCode] = field(default_factory=dict)
    """The code of each model and snapshot of ``assets``, keyed by unique_id."""
    unreadable: frozenset[str] = frozenset()
    """Nodes the manifest has but that cannot be read (malformed ``columns``): reported in ``warnings``,
    absent from ``assets``, and never taken for removed; a sync leaves their assets as they are."""

    def lists(self, unique_id: str | None) -> bool:
        """True when the manifest has the node, readable or not: only a node it lacks is removed."""
        return unique_id is not None and (unique_id in self.assets or unique_id in self.unreadable)
