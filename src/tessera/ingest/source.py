"""The one extractor interface: every source (dbt, OpenAPI, GraphQL, ...) yields a :class:`SourceProject`.

An adapter parses an artifact (a manifest, an API description, a schema) into plain, immutable,
source-neutral values, with no database or HTTP code. The sync, the impact check and the pull-request
proposals (``tessera.sync``) are written once over these values; adding a source means adding an
adapter module with a parse function and, when its assets are not identified the dbt way, nothing else.

Each asset has a stable ``unique_id`` inside its project (how a later sync recognises it), an ``fqn``
(the asset's name in Tessera), a ``resource_type`` (the source's kind: ``model``, ``response``, ``object``,
...), a JSON Schema contract (``schema``), ``guarantees``, owner hints, and the ids of the project's
assets it depends on. Readers (:class:`SourceReader`) are things that consume assets without being one
(a dbt exposure): their owners become consumer teams. Column-level lineage is an optional capability of
a source (see :mod:`tessera.ingest.lineage`); a source without it registers consumers of whole assets.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from tessera.errors import TesseraError
from tessera.ingest.lineage import ProjectLineage

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"
JsonObject: TypeAlias = "dict[str, JsonValue]"

DOCUMENT = "manifest"
"""The ``node`` of a :class:`SourceWarning` about the artifact as a whole."""


class InvalidSourceError(TesseraError):
    """The uploaded artifact cannot be read; ``message`` names what is wrong and where (a 400)."""

    status_code = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True, slots=True)
class OwnerRef:
    """An owner as the artifact writes it: ``raw`` is the text to show, name/email what was found."""

    raw: str
    name: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class SourceWarning:
    """Something the sync should tell the user about; ``node`` is a unique_id or :data:`DOCUMENT`."""

    node: str
    code: str
    message: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceAsset:
    """One asset of a source with its contract, guarantees, owner hints and dependencies.

    ``schema``, ``guarantees`` and ``meta`` are read-only (fragments may be shared between assets).
    ``compatibility_mode`` is the mode a new asset starts with (``None``: the server's default); after
    creation the mode belongs to the asset's owner and a sync never changes it.
    """

    unique_id: str
    name: str
    resource_type: str
    fqn: str
    description: str
    schema: JsonObject
    guarantees: JsonObject
    owner: OwnerRef | None
    contact: str | None
    tags: tuple[str, ...]
    depends_on: tuple[str, ...]
    meta: Mapping[str, JsonValue]
    compatibility_mode: str | None = None


@dataclass(frozen=True, slots=True)
class SourceReader:
    """A reader that is not an asset (a dbt exposure, semantic model, metric or saved query).

    Its owner consumes the assets in ``depends_on``. ``columns`` maps each of those assets to the
    (lower-case) columns the reader names (``None`` for an asset where that could not be resolved), or is
    ``None`` when the reader cannot name columns at all.
    """

    unique_id: str
    name: str
    owner: OwnerRef | None
    depends_on: tuple[str, ...]
    resource_type: str = "exposure"
    columns: Mapping[str, frozenset[str] | None] | None = None
    lineage_note: str | None = None
    """What could not be resolved to columns (an ``expr`` that is an expression, an unknown measure)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceProject:
    """Everything Tessera takes from one artifact, in a deterministic order.

    ``source`` names the adapter (``dbt``, ``openapi``, ``graphql``); it tags what the sync stores (asset
    meta, registrations, lineage edges, audit events) so a later sync of the same project recognises its
    own assets. ``version`` is the artifact's own version (a dbt version, an API's ``info.version``).
    """

    source: str
    project_name: str
    assets: Mapping[str, SourceAsset]
    exposures: tuple[SourceReader, ...] = ()
    warnings: tuple[SourceWarning, ...] = ()
    version: str | None = None
    unreadable: frozenset[str] = frozenset()
    """Nodes the artifact has but that cannot be read (a dbt node with malformed ``columns``): reported in
    ``warnings``, absent from ``assets``, and never taken for removed; a sync leaves their assets alone."""
    lineage: ProjectLineage | None = None
    """Column lineage the artifact carries already computed (a SQLMesh project read client-side); dbt's is
    analysed by the server from the SQL instead. ``None``: readers register with unknown columns."""

    def lists(self, unique_id: str | None) -> bool:
        """True when the artifact has the node, readable or not: only a node it lacks is removed."""
        return unique_id is not None and (unique_id in self.assets or unique_id in self.unreadable)

    def asset_meta(self, node: SourceAsset) -> dict[str, JsonValue]:
        """What an asset keeps of its node, including how this project's later syncs recognise it."""
        return {
            "source": self.source,
            "source_project": self.project_name,
            "source_node": node.unique_id,
            "source_kind": node.resource_type,
            "source_meta": dict(node.meta),
        }

    def node_of(self, meta: Mapping[str, object], dbt_unique_id: str | None) -> str | None:
        """The unique_id of the node an asset (its ``meta`` and ``dbt_unique_id``) was synced from."""
        if meta.get("source") != self.source or meta.get("source_project") != self.project_name:
            return None
        node = meta.get("source_node")
        return node if isinstance(node, str) else None

    def stored_unique_id(self, node: SourceAsset) -> str | None:
        """The value of the asset's ``dbt_unique_id`` column (only dbt nodes have one)."""
        return None

    def owns(self, meta: Mapping[str, object], dbt_unique_id: str | None, include_packages: bool) -> bool:
        """True for assets an earlier sync of this project created (so their absence means removal).

        ``include_packages`` is dbt's notion (nodes of installed packages); other sources ignore it.
        """
        return self.node_of(meta, dbt_unique_id) is not None


class SourceParser(Protocol):
    """An adapter's entry point: the raw artifact bytes -> a project, or :class:`InvalidSourceError`."""

    def __call__(self, raw: bytes, /) -> SourceProject: ...
