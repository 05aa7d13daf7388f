"""Turn uploaded bytes (plain or gzip JSON) into a manifest mapping, with errors that say what is wrong."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Mapping
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


def decode(data: ManifestInput, *, max_inflated_bytes: int = MAX_INFLATED_BYTES) -> Mapping[str, object]:
    """Decode JSON bytes (optionally gzip-compressed, inflating to at most ``max_inflated_bytes``) or pass
    a mapping through unchanged."""
    if isinstance(data, Mapping):
        return data
    raw = data.encode() if isinstance(data, str) else bytes(data)
    if not raw.strip():
        raise InvalidManifestError("empty", "the manifest is empty")
    if raw.startswith(GZIP_MAGIC):
        raw = _gunzip(raw, max_inflated_bytes)
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM) :]
    if len(raw) < LARGE_MANIFEST_BYTES:
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


def load_manifest(data: ManifestInput) -> LoadedManifest:
    """Decode ``data`` and check the top-level shape; raises :class:`InvalidManifestError`."""
    manifest = decode(data)
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
