"""``parse_manifest``: a dbt ``manifest.json`` -> :class:`DbtProject`, in one pass over the manifest.

The manifest is indexed once (tests by the node they guard) so the cost grows with the manifest's size,
never with models x nodes. Volatile fields (``created_at``, ``checksum``, paths, ``invocation_id``,
``generated_at``) are never read. The code of models and snapshots (``raw_code``/``compiled_code``) is
kept for the column-lineage analysis, with line endings normalised.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections.abc import Mapping, Sequence

from tessera.ingest.dbt.fqn import node_relation, normalise_identifier, relation_fqn
from tessera.ingest.dbt.loading import MAX_KNOWN_SCHEMA_VERSION, ManifestInput, load_manifest
from tessera.ingest.dbt.models import (
    MANIFEST,
    DbtAsset,
    DbtCode,
    DbtExposure,
    DbtProject,
    InvalidManifestError,
    JsonObject,
    JsonValue,
    ManifestWarning,
    OwnerRef,
)
from tessera.ingest.dbt.owners import OwnerError, contact_from_value, merged_meta, owner_from_value
from tessera.ingest.dbt.semantic import semantic_readers
from tessera.ingest.dbt.tests import GuaranteeBuilder, attached_targets
from tessera.ingest.dbt.types import shared_fragment
from tessera.perf import paused_gc

Node = Mapping[str, object]

ASSET_TYPES = frozenset({"model", "seed", "snapshot", "source"})
CODE_TYPES = frozenset({"model", "snapshot"})
_PACKAGE_DIRS = ("dbt_packages/", "dbt_modules/")
COMPACT_FROM_ASSETS = 1000
"""A parsed project of this many assets or more is rebuilt in memory of its own (see ``_compacted``)."""


def parse_manifest(
    data: ManifestInput, *, include_packages: bool = False, compact: bool = False
) -> DbtProject:
    """Parse a dbt manifest (JSON bytes, gzip bytes, text or an already decoded mapping).

    Models, seeds, snapshots and sources of the root project (and of installed packages when
    ``include_packages``) become :class:`DbtAsset` values keyed by unique_id in sorted order.
    Raises :class:`InvalidManifestError` when the manifest cannot be read; everything that can be
    read around a problem is kept and the problem is reported in ``DbtProject.warnings``.
    A decoded mapping must hold plain dicts and lists, as ``json.loads`` gives. A ``bytearray`` is
    emptied once decoded (its memory freed early); a large manifest is decoded a node at a time, keeping
    only the fields read here (:func:`~tessera.ingest.dbt.loading.decode`, ``lean``). ``compact``: a
    project of :data:`COMPACT_FROM_ASSETS` assets or more is then rebuilt in memory of its own, for a
    caller that keeps it through a long operation (the dbt sync; see ``_compacted``).
    """
    # Decoding creates millions of containers and none of them is garbage: cyclic GC passes during
    # the parse only cost time (about 3x on a 40 MB manifest).
    with paused_gc():
        project = _parse(data, include_packages=include_packages)
        return _compacted(project) if compact and len(project.assets) >= COMPACT_FROM_ASSETS else project


def _compacted(project: DbtProject) -> DbtProject:
    """The same project, rebuilt in memory of its own.

    Its objects were made among ~150 MB (a 50 MB manifest) of short-lived ones, the decoded nodes; once
    those are freed, the allocator still keeps every arena in which one of the project's objects sits, so
    a big sync's memory grew on top of what its parse had taken (~40 MB more at the sync's peak on 5,000
    models). A copy made after the original is gone fills fresh arenas; the old ones are returned to the
    system. Pickle is the quickest deep copy here (~0.35 s on 5,000 models).
    """
    packed = pickle.dumps(project, protocol=pickle.HIGHEST_PROTOCOL)
    del project
    copy: DbtProject = pickle.loads(packed)  # noqa: S301 - pickled just above, in this process
    return copy


def _parse(data: ManifestInput, *, include_packages: bool) -> DbtProject:
    loaded = load_manifest(data, lean=True)
    metadata = loaded.metadata
    warnings: list[ManifestWarning] = []
    if loaded.schema_version > MAX_KNOWN_SCHEMA_VERSION:
        warnings.append(
            ManifestWarning(
                MANIFEST,
                "newer_schema_version",
                f"manifest schema v{loaded.schema_version} is newer than v{MAX_KNOWN_SCHEMA_VERSION}; "
                "read on a best-effort basis",
            )
        )
    lookup = _lookup(loaded.nodes, loaded.sources)
    root = _root_project(metadata, lookup, warnings)
    adapter = metadata.get("adapter_type")
    dialect = adapter if isinstance(adapter, str) else None

    def included(node: Node) -> bool:
        return include_packages or root is None or node.get("package_name") == root

    candidates = sorted(
        uid for uid, node in lookup.items() if node.get("resource_type") in ASSET_TYPES and included(node)
    )
    asset_ids = frozenset(candidates)
    tests_by_node: dict[str, list[Node]] = {}
    for uid, node in loaded.nodes.items():
        if isinstance(node, dict) and node.get("resource_type") == "test":
            targets = attached_targets(node, lookup)
            if not targets:
                warnings.append(
                    ManifestWarning(uid, "unattached_test", "cannot tell which node this test guards")
                )
            for target in targets:
                if target in asset_ids:
                    tests_by_node.setdefault(target, []).append(node)

    assets: dict[str, DbtAsset] = {}
    unreadable: set[str] = set()
    for uid in candidates:
        try:
            assets[uid] = _asset(
                uid, lookup[uid], tests_by_node.get(uid, ()), lookup, asset_ids, dialect, warnings
            )
        except _Unreadable as exc:
            # Read as "no columns", a malformed node would publish a contract without them: skip it.
            warnings.append(ManifestWarning(uid, "malformed_columns", f"{exc}; the node is left unchanged"))
            unreadable.add(uid)
    exposures = [
        _exposure(uid, node, asset_ids, warnings)
        for uid, node in sorted(loaded.exposures.items())
        if isinstance(node, dict) and included(node)
    ]
    exposures += semantic_readers(
        _collection(loaded.data, "semantic_models"),
        _collection(loaded.data, "metrics"),
        _collection(loaded.data, "saved_queries"),
        asset_ids,
        included,
        warnings,
    )
    assets, exposures = _one_node_per_relation(assets, exposures, warnings)
    code = {uid: _code(lookup[uid]) for uid in assets if lookup[uid].get("resource_type") in CODE_TYPES}
    return DbtProject(
        source="dbt",
        project_name=root or "",
        dbt_version=str(metadata.get("dbt_version") or ""),
        schema_version=loaded.schema_version,
        assets=assets,
        exposures=tuple(exposures),
        warnings=tuple(sorted(set(warnings), key=lambda w: (w.node, w.code, w.message))),
        adapter_type=dialect,
        code=code,
        unreadable=frozenset(unreadable),
    )


# Which node stands for a relation that several nodes name: the one that builds it, then the first.
_BUILDER_RANK = {"model": 0, "snapshot": 1, "seed": 2, "source": 3}


def _one_node_per_relation(
    assets: dict[str, DbtAsset], readers: list[DbtExposure], warnings: list[ManifestWarning]
) -> tuple[dict[str, DbtAsset], list[DbtExposure]]:
    """Keep one node per relation (fqn); the others' dependants depend on the kept node instead.

    Projects declare the tables their snapshots build again as sources (to read them with
    ``source()``), and two sources can name one table: one relation is one asset, so the node that
    builds it is kept (else the first source) and each other one is reported as ``duplicate_relation``.
    """
    by_fqn: dict[str, list[str]] = {}
    for uid, asset in assets.items():
        by_fqn.setdefault(asset.fqn, []).append(uid)
    kept_for: dict[str, str] = {}
    for fqn, uids in by_fqn.items():
        if len(uids) < 2:
            continue
        keeper, *others = sorted(uids, key=lambda u: (_BUILDER_RANK.get(assets[u].resource_type, 9), u))
        for uid in others:
            kept_for[uid] = keeper
            warnings.append(
                ManifestWarning(
                    uid,
                    "duplicate_relation",
                    f"it names the relation {fqn} that {keeper} also names; synced as {keeper}, "
                    "and what depends on it depends on that node",
                )
            )
    if not kept_for:
        return assets, readers

    def remap(uid: str, parents: tuple[str, ...]) -> tuple[str, ...]:
        mapped = {kept_for.get(p, p) for p in parents}
        mapped.discard(uid)
        return tuple(sorted(mapped))

    kept = {
        uid: dataclasses.replace(asset, depends_on=remap(uid, asset.depends_on))
        for uid, asset in assets.items()
        if uid not in kept_for
    }
    remapped_readers = []
    for reader in readers:
        columns = reader.columns
        if columns is not None:
            merged: dict[str, frozenset[str] | None] = {}
            for parent, names in columns.items():
                target = kept_for.get(parent, parent)
                before = merged.get(target, frozenset())
                merged[target] = None if names is None or before is None else before | names
            columns = merged
        remapped_readers.append(
            dataclasses.replace(
                reader, depends_on=remap(reader.unique_id, reader.depends_on), columns=columns
            )
        )
    return kept, remapped_readers


def _collection(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _code(node: Node) -> DbtCode:
    """The code the column-lineage analysis reads (kept as the manifest has it; never normalised)."""
    raw = node.get("raw_code", node.get("raw_sql"))
    compiled = node.get("compiled_code", node.get("compiled_sql"))
    language = node.get("language")
    return DbtCode(
        language=language if isinstance(language, str) else "sql",
        raw_code=_unix(raw) if isinstance(raw, str) else "",
        compiled_code=_unix(compiled) if isinstance(compiled, str) and compiled.strip() else None,
    )


def _unix(text: str) -> str:
    """CRLF/CR line endings (a manifest made on Windows) as LF, so two OSes give equal projects."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _lookup(nodes: Mapping[str, object], sources: Mapping[str, object]) -> dict[str, Node]:
    lookup: dict[str, Node] = {}
    for collection in (nodes, sources):
        for uid, node in collection.items():
            if not isinstance(node, dict):
                raise InvalidManifestError("invalid_field", f"node {uid!r} is not an object")
            if node.get("resource_type") in ASSET_TYPES and not isinstance(node.get("name"), str):
                raise InvalidManifestError("invalid_field", f"node {uid!r} has no `name`")
            lookup[uid] = node
    return lookup


def _root_project(metadata: Node, lookup: Mapping[str, Node], warnings: list[ManifestWarning]) -> str | None:
    """``metadata.project_name`` (v10+); before that, the package whose md5 is ``project_id``."""
    name = metadata.get("project_name")
    if isinstance(name, str) and name:
        return name
    packages = {node.get("package_name") for node in lookup.values()}
    project_id = metadata.get("project_id")
    for package in sorted(p for p in packages if isinstance(p, str)):
        if hashlib.md5(package.encode(), usedforsecurity=False).hexdigest() == project_id:
            return package
    # Last resort: the package of nodes that do not live under an installed-packages folder.
    local = {
        node.get("package_name")
        for node in lookup.values()
        if not str(node.get("original_file_path", "")).replace("\\", "/").startswith(_PACKAGE_DIRS)
    }
    if len(local) == 1 and isinstance(root := next(iter(local)), str):
        return root
    warnings.append(
        ManifestWarning(
            MANIFEST, "unknown_root_project", "cannot tell the root project; every package is included"
        )
    )
    return None


def _owner_and_contact(
    uid: str, meta: Mapping[str, JsonValue], warnings: list[ManifestWarning]
) -> tuple[OwnerRef | None, str | None]:
    owner: OwnerRef | None = None
    contact: str | None = None
    try:
        owner = owner_from_value(meta.get("owner"))
    except OwnerError as exc:
        warnings.append(ManifestWarning(uid, "invalid_owner", str(exc)))
    try:
        contact = contact_from_value(meta.get("contact"))
    except OwnerError as exc:
        warnings.append(ManifestWarning(uid, "invalid_contact", str(exc)))
    return owner, contact


def _kind(value: object) -> str:
    return "a list" if isinstance(value, list) else f"a {type(value).__name__}"


def _text(value: object) -> str:
    if not isinstance(value, str) or not value:
        return ""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.strip()


class _Unreadable(Exception):
    """A node whose columns cannot be read; the message says why."""


def _schema(uid: str, node: Node, dialect: str | None, warnings: list[ManifestWarning]) -> JsonObject:
    properties: JsonObject = {}
    columns = node.get("columns")
    if columns is None:
        columns = {}  # no columns documented (dbt writes {}): a contract of no columns, as declared
    if not isinstance(columns, dict):
        raise _Unreadable(f"`columns` is {_kind(columns)}, not an object of columns")
    for key, column in columns.items():
        if not isinstance(column, dict):
            raise _Unreadable(f"column `{key}` is {_kind(column)}, not an object")
        name = normalise_identifier(str(column.get("name") or key))
        if name in properties:
            warnings.append(ManifestWarning(uid, "duplicate_column", f"column `{name}` is declared twice"))
            continue
        data_type = column.get("data_type")
        shared, unknown = shared_fragment(data_type if isinstance(data_type, str) else None, dialect)
        if unknown:
            warnings.append(
                ManifestWarning(
                    uid, "unknown_data_type", f"column `{name}`: data_type {data_type!r} is not recognised"
                )
            )
        # Type fragments are cached and shared between columns (read-only), which keeps a 100,000-column
        # manifest's result small; only a described column gets its own top-level dict.
        description = _text(column.get("description"))
        properties[name] = {**shared, "description": description} if description else shared
    # No "required": every column is in every row, and nullability is a guarantee (not_null). Listing
    # columns as required would make each added column a "required field added" (breaking under backward).
    return {"type": "object", "properties": properties}


def _asset(
    uid: str,
    node: Node,
    tests: Sequence[Node],
    lookup: Mapping[str, Node],
    asset_ids: frozenset[str],
    dialect: str | None,
    warnings: list[ManifestWarning],
) -> DbtAsset:
    database, schema_name, identifier = node_relation(node)
    config = node.get("config")
    config = config if isinstance(config, dict) else {}
    meta = merged_meta(node)
    owner, contact = _owner_and_contact(uid, meta, warnings)
    builder = GuaranteeBuilder(uid, lookup, warnings)
    for test in tests:
        builder.add_test(test)
    contract = node.get("contract")
    enforced = _enforced(config.get("contract")) or _enforced(contract)
    if enforced:
        builder.add_constraints(node)
    resource_type = str(node.get("resource_type"))
    if resource_type == "source":
        builder.add_freshness(node)
    schema = _schema(uid, node, dialect, warnings)
    declared = schema["properties"]
    for column in builder.columns:
        if isinstance(declared, dict) and column not in declared:
            warnings.append(
                ManifestWarning(
                    uid, "undeclared_column", f"tests refer to column `{column}`, which is not declared"
                )
            )
    materialized = config.get("materialized")
    version = _version_text(node.get("version"))
    tags = set(_strings(node.get("tags")) + _strings(config.get("tags")))
    return DbtAsset(
        unique_id=uid,
        name=str(node.get("name")),
        resource_type=resource_type,
        package_name=str(node.get("package_name") or ""),
        fqn=relation_fqn(database, schema_name, identifier),
        database=database,
        schema_name=schema_name,
        identifier=identifier,
        description=_text(node.get("description")),
        schema=schema,
        guarantees=builder.build(),
        owner=owner,
        contact=contact,
        tags=tuple(sorted(tags)),
        depends_on=_parents(node, asset_ids),
        materialized=materialized if isinstance(materialized, str) else None,
        contract_enforced=enforced,
        meta=meta,
        source_name=_str_or_none(node.get("source_name")) if resource_type == "source" else None,
        version=version,
        latest=version is None or version == _version_text(node.get("latest_version")),
    )


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _version_text(value: object) -> str | None:
    # dbt writes versions as written in YAML: 2, "2" or 2.0
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _enforced(contract: object) -> bool:
    return isinstance(contract, dict) and contract.get("enforced") is True


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _parents(node: Node, asset_ids: frozenset[str]) -> tuple[str, ...]:
    depends = node.get("depends_on")
    nodes = depends.get("nodes") if isinstance(depends, dict) else None
    return tuple(sorted({uid for uid in _strings(nodes) if uid in asset_ids}))


def _exposure(
    uid: str, node: Node, asset_ids: frozenset[str], warnings: list[ManifestWarning]
) -> DbtExposure:
    owner: OwnerRef | None = None
    raw_owner = node.get("owner")
    if raw_owner is None:
        raw_owner = merged_meta(node).get("owner")
    try:
        owner = owner_from_value(raw_owner)
    except OwnerError as exc:
        warnings.append(ManifestWarning(uid, "invalid_owner", str(exc).replace("meta.owner", "owner")))
    return DbtExposure(
        unique_id=uid, name=str(node.get("name")), owner=owner, depends_on=_parents(node, asset_ids)
    )
