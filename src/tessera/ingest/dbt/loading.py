"""Turn uploaded bytes (plain or gzip JSON) into a manifest mapping, with errors that say what is wrong."""

from __future__ import annotations

import json
import re
import sys
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import orjson

from tessera.errors import PayloadTooLarge
from tessera.ingest.dbt.models import InvalidManifestError

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
MIN_SCHEMA_VERSION = 7
LARGE_MANIFEST_BYTES = 16_000_000
MAX_KNOWN_SCHEMA_VERSION = 12
# The most a gzip upload may inflate to: a few hundred kilobytes of zeros inflate to gigabytes, and any
# key (a read key can ask for an impact check) could send them. Checked while inflating.
MAX_INFLATED_BYTES = 256 * 1024 * 1024
_INFLATE_CHUNK = 4 * 1024 * 1024

_SCHEMA_URL = re.compile(r"/dbt/([a-z-]+)/v(\d+)(?:\.json)?\s*$")
_LITERALS = (b"true", b"false", b"null")

ManifestInput = bytes | bytearray | memoryview | str | Mapping[str, object]


@dataclass(frozen=True, slots=True)
class LoadedManifest:
    """The decoded manifest and the facts every later step needs."""

    data: Mapping[str, object]
    metadata: Mapping[str, object]
    nodes: Mapping[str, object]
    sources: Mapping[str, object]
    exposures: Mapping[str, object]
    schema_version: int


def decode(
    data: ManifestInput,
    *,
    max_inflated_bytes: int = MAX_INFLATED_BYTES,
    lean: bool = False,
    lean_from_bytes: int = LARGE_MANIFEST_BYTES,
) -> Mapping[str, object]:
    """Decode JSON bytes (optionally gzip-compressed, inflating to at most ``max_inflated_bytes``) or pass
    a mapping through unchanged.

    ``lean``: for a document of ``lean_from_bytes`` or more, decode the manifest a node at a time and keep
    only what :func:`~tessera.ingest.dbt.parse_manifest` reads (see :func:`_decode_lean`), so the whole
    document never exists as Python objects at once. A ``bytearray`` is emptied once it is decoded to
    text, so its memory goes before the objects are built (the dbt sync passes the request body so).
    """
    if isinstance(data, Mapping):
        return data
    if isinstance(data, str):
        raw = data.encode()
    elif isinstance(data, bytearray):
        raw = bytes(data)
        data.clear()  # the caller handed the buffer over: free it before the objects are built
    else:
        raw = bytes(data)
    if not raw.strip():
        raise InvalidManifestError("empty", "the manifest is empty")
    if raw.startswith(GZIP_MAGIC):
        raw = _gunzip(raw, max_inflated_bytes)
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM) :]
    if lean and len(raw) >= lean_from_bytes:
        text = _utf8(raw)
        del raw
        value = _decode_lean(text)
    elif len(raw) < LARGE_MANIFEST_BYTES:
        value = _loads_small(raw)
    else:
        # Text first, so that a decompressed buffer can go before the objects are built.
        text = _utf8(raw)
        del raw
        value = _loads_large(text)
    if not isinstance(value, dict):
        raise InvalidManifestError(
            "not_a_manifest", f"a manifest is a JSON object, got {type(value).__name__}"
        )
    return value


def _gunzip(raw: bytes, limit: int) -> bytes:
    """Inflate ``raw`` a chunk at a time, refusing it as soon as the output passes ``limit`` bytes."""
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out: list[bytes] = []
    size = 0
    pending = raw
    try:
        while pending and not decompressor.eof:
            out.append(decompressor.decompress(pending, _INFLATE_CHUNK))
            size += len(out[-1])
            if size > limit:
                raise PayloadTooLarge(
                    f"The gzip-compressed manifest inflates to more than {limit // (1024 * 1024)} MiB "
                    "(the limit); upload a smaller manifest."
                )
            pending = decompressor.unconsumed_tail
    except zlib.error as exc:
        raise InvalidManifestError("invalid_gzip", f"the gzip data is corrupt: {exc}") from None
    if not decompressor.eof:
        raise InvalidManifestError(
            "truncated", f"the gzip data is truncated: it ends after {len(raw):,} compressed bytes"
        )
    return b"".join(out)


def _loads_small(raw: bytes) -> object:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _describe(raw, exc) from None


def _utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidManifestError(
            "invalid_encoding", f"the manifest is not valid UTF-8 (byte {exc.start:,})"
        ) from None


def _loads_large(text: str) -> object:
    # orjson is the fastest decoder but holds a whole document tree beside the Python objects while it
    # converts (+115 MB peak on a 47 MB manifest); for large manifests the standard library's decoder
    # (0.2 s slower there) keeps the peak within the memory budget.
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    raw = text.encode()
    try:  # orjson's messages tell truncation apart: let it describe the problem
        orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _describe(raw, exc) from None
    raise InvalidManifestError("invalid_json", "the manifest is not valid JSON")


# What parse_manifest never reads, dropped as each node is decoded: a 47 MB manifest's nodes are mostly
# paths, checksums, unrendered and default config, and per-column settings, and the whole document as
# Python objects took 169 MB at once (103 MB kept this way). Sections it never reads are dropped.
_UNREAD_SECTIONS = frozenset(
    {"macros", "docs", "parent_map", "child_map", "disabled", "group_map", "selectors", "unit_tests"}
)
_NODE_SECTIONS = frozenset({"nodes", "sources"})
_UNREAD_NODE_FIELDS = frozenset(
    {
        "build_path",
        "checksum",
        "compiled_path",
        "config_call_dict",
        "created_at",
        "deferred",
        "doc_blocks",
        "docs",
        "extra_ctes",
        "extra_ctes_injected",
        "file_key_name",
        "fqn",
        "patch_path",
        "path",
        "refs",
        "relation_name",
        "root_path",
        "unrendered_config",
        "unrendered_config_call_dict",
    }
)
# A test is read for what it checks and what it is attached to (and its package, as every node is).
_READ_TEST_FIELDS = (
    "resource_type",
    "name",
    "unique_id",
    "package_name",
    "original_file_path",
    "test_metadata",
    "column_name",
    "config",
    "attached_node",
    "depends_on",
)
_READ_CONFIG_FIELDS = ("contract", "freshness", "materialized", "meta", "tags", "where")
_READ_COLUMN_FIELDS = ("name", "data_type", "description", "constraints")
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
# The decoder's own string scanner (C): a key and the index after it. Not in the type stubs.
_scan_key: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


class _NotWalkable(Exception):
    """The text is not a JSON object the lean decoder can walk: the full decoder says what is wrong."""


def _decode_lean(text: str) -> object:
    """The manifest, decoded a node at a time, each node without the fields the parse never reads.

    The result holds every section and field :func:`~tessera.ingest.dbt.parse_manifest` reads, with the
    same values ``json.loads`` gives them. Anything the walk does not expect (not an object, invalid
    JSON) goes to the full decoder, which describes the problem.
    """
    try:
        value, end = _object(text, _skip(text, 0), _top_member)
        if _skip(text, end) != len(text):
            raise _NotWalkable
        return value
    except (_NotWalkable, json.JSONDecodeError, IndexError):
        return _loads_large(text)


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


def _object(
    text: str, index: int, member: Callable[[str, str, int], tuple[object, int]]
) -> tuple[dict[str, object], int]:
    """Decode the JSON object at ``index``; ``member(key, text, start)`` decodes each value."""
    if not text.startswith("{", index):
        raise _NotWalkable
    out: dict[str, object] = {}
    index = _skip(text, index + 1)
    if text.startswith("}", index):
        return out, index + 1
    while True:
        if not text.startswith('"', index):
            raise _NotWalkable
        key, index = _scan_key(text, index + 1)
        index = _skip(text, index)
        if not text.startswith(":", index):
            raise _NotWalkable
        value, index = member(key, text, _skip(text, index + 1))
        if value is not _DROPPED:
            out[key] = value
        index = _skip(text, index)
        if text.startswith(",", index):
            index = _skip(text, index + 1)
        elif text.startswith("}", index):
            return out, index + 1
        else:
            raise _NotWalkable


_DROPPED = object()


def _top_member(key: str, text: str, index: int) -> tuple[object, int]:
    if key in _NODE_SECTIONS and text.startswith("{", index):
        return _object(text, index, _node_member)
    value, end = _DECODER.raw_decode(text, index)
    return (_DROPPED if key in _UNREAD_SECTIONS else value), end


def _node_member(_key: str, text: str, index: int) -> tuple[object, int]:
    node, end = _DECODER.raw_decode(text, index)
    return (_lean_node(node) if isinstance(node, dict) else node), end


def _lean_node(node: dict[str, object]) -> dict[str, object]:
    """The node without what the parse never reads (values it reads are kept as they are)."""
    if node.get("resource_type") == "test":
        node = {k: node[k] for k in _READ_TEST_FIELDS if k in node}
    else:
        for field in _UNREAD_NODE_FIELDS.intersection(node):
            del node[field]
    config = node.get("config")
    if isinstance(config, dict):
        node["config"] = {k: config[k] for k in _READ_CONFIG_FIELDS if k in config}
    columns = node.get("columns")
    if isinstance(columns, dict):
        for key, column in columns.items():
            if isinstance(column, dict):
                columns[key] = _lean_column(column)
    return node


def _lean_column(column: dict[str, object]) -> dict[str, object]:
    """A column's read fields; an empty description or constraint list reads as an absent one."""
    out = {k: column[k] for k in _READ_COLUMN_FIELDS if k in column}
    if out.get("description") == "":
        del out["description"]
    if out.get("constraints") == []:
        del out["constraints"]
    data_type = out.get("data_type")
    if isinstance(data_type, str):
        out["data_type"] = sys.intern(data_type)  # a few distinct types over thousands of columns
    return out


def _describe(raw: bytes, exc: orjson.JSONDecodeError) -> InvalidManifestError:
    rest = raw[exc.pos :].strip()
    at_end = "end of data" in exc.msg or (bool(rest) and any(lit.startswith(rest) for lit in _LITERALS))
    if at_end:
        return InvalidManifestError("truncated", f"the manifest JSON is truncated at byte {len(raw):,}")
    if "utf-8" in exc.msg.lower() or "unicode" in exc.msg.lower():
        return InvalidManifestError("invalid_encoding", f"the manifest is not valid UTF-8: {exc.msg}")
    return InvalidManifestError(
        "invalid_json",
        f"the manifest is not valid JSON: {exc.msg} at line {exc.lineno}, "
        f"column {exc.colno} (byte {exc.pos:,})",
    )


def schema_version_of(metadata: Mapping[str, object]) -> int:
    """Read the manifest schema version (``.../manifest/v12.json`` -> 12) from ``metadata``."""
    url = metadata.get("dbt_schema_version")
    if not isinstance(url, str):
        raise InvalidManifestError(
            "missing_field", "the manifest has no `metadata.dbt_schema_version`: is it a dbt manifest.json?"
        )
    match = _SCHEMA_URL.search(url)
    if match is None:
        raise InvalidManifestError("invalid_field", f"unrecognised `metadata.dbt_schema_version`: {url!r}")
    kind, version = match.group(1), int(match.group(2))
    if kind != "manifest":
        raise InvalidManifestError(
            "not_a_manifest", f"this is a dbt {kind} artifact (v{version}), not a manifest.json"
        )
    if version < MIN_SCHEMA_VERSION:
        raise InvalidManifestError(
            "unsupported_schema_version",
            f"unsupported manifest schema version v{version} (dbt older than 1.3); "
            f"v{MIN_SCHEMA_VERSION} or newer is needed",
        )
    return version


def _mapping_field(data: Mapping[str, object], key: str, *, required: bool) -> Mapping[str, object]:
    value = data.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        if value is None:
            raise InvalidManifestError("missing_field", f"the manifest has no `{key}` object")
        raise InvalidManifestError("invalid_field", f"`{key}` must be an object, got {type(value).__name__}")
    return value


def load_manifest(data: ManifestInput, *, lean: bool = False) -> LoadedManifest:
    """Decode ``data`` and check the top-level shape; raises :class:`InvalidManifestError`.

    ``lean``: a large manifest keeps only what :func:`~tessera.ingest.dbt.parse_manifest` reads (see
    :func:`decode`); other readers of the manifest (run results) need the default.
    """
    manifest = decode(data, lean=lean)
    metadata = _mapping_field(manifest, "metadata", required=True)
    schema_version = schema_version_of(metadata)
    return LoadedManifest(
        data=manifest,
        metadata=metadata,
        nodes=_mapping_field(manifest, "nodes", required=True),
        sources=_mapping_field(manifest, "sources", required=False),
        exposures=_mapping_field(manifest, "exposures", required=False),
        schema_version=schema_version,
    )
