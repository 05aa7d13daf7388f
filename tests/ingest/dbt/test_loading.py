"""Reading bytes into a manifest, and the errors that name what is wrong."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tessera.errors import PayloadTooLarge
from tessera.ingest.dbt import InvalidManifestError, parse_manifest
from tessera.ingest.dbt.loading import _loads_large, decode

from .builders import manifest, model

GOOD = json.dumps(manifest(model("m", columns={"id": "int"}))).encode()


def error_of(data: object) -> InvalidManifestError:
    with pytest.raises(InvalidManifestError) as caught:
        parse_manifest(data)  # type: ignore[arg-type]
    return caught.value


@pytest.mark.parametrize(
    "data",
    [GOOD, GOOD.decode(), gzip.compress(GOOD), b"\xef\xbb\xbf" + GOOD, bytearray(GOOD), json.loads(GOOD)],
)
def test_accepts_json_text_gzip_bom_and_mappings(data: object) -> None:
    assert list(parse_manifest(data).assets) == ["model.shop.m"]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "code", "fragment"),
    [
        (b"", "empty", "empty"),
        (b"  \n", "empty", "empty"),
        (GOOD[:200], "truncated", "truncated at byte 200"),
        (GOOD[: GOOD.index(b"true") + 2] if b"true" in GOOD else GOOD[:-1], "truncated", "truncated"),
        (gzip.compress(GOOD)[:40], "truncated", "gzip data is truncated"),
        (b"\x1f\x8bnot really gzip", "invalid_gzip", "corrupt"),
        (b"{'metadata': 1}", "invalid_json", "line 1, column 2"),
        (b"<html>502 Bad Gateway</html>", "invalid_json", "not valid JSON"),
        (b"[1, 2]", "not_a_manifest", "got list"),
        (b'{"nodes": {}}', "missing_field", "`metadata`"),
        (
            json.dumps(
                {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"}}
            ).encode(),
            "missing_field",
            "no `nodes`",
        ),
        (json.dumps({"metadata": {}, "nodes": {}}).encode(), "missing_field", "dbt_schema_version"),
        (
            json.dumps(
                {
                    "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v5.json"},
                    "nodes": {},
                }
            ).encode(),
            "unsupported_schema_version",
            "v5",
        ),
        (
            json.dumps(
                {
                    "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/catalog/v1.json"},
                    "nodes": {},
                }
            ).encode(),
            "not_a_manifest",
            "catalog",
        ),
        (
            json.dumps(
                {
                    "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},
                    "nodes": [],
                }
            ).encode(),
            "invalid_field",
            "`nodes` must be an object",
        ),
        (
            json.dumps(manifest({"unique_id": "model.shop.x", "resource_type": "model"})).encode(),
            "invalid_field",
            "model.shop.x",
        ),
    ],
)
def test_errors_name_what_is_wrong(data: bytes, code: str, fragment: str) -> None:
    error = error_of(data)
    assert error.code == code
    assert fragment in error.message


def test_large_manifest_path_reports_the_same_errors() -> None:
    with pytest.raises(InvalidManifestError) as caught:
        _loads_large(GOOD[:300].decode())
    assert caught.value.code == "truncated"
    with pytest.raises(InvalidManifestError) as caught:
        _loads_large('{"a": nope}')
    assert caught.value.code == "invalid_json"
    assert _loads_large(GOOD.decode()) == json.loads(GOOD)


def test_invalid_utf8_is_reported() -> None:
    error = error_of(b'{"metadata": "\xff\xfe"}')
    assert error.code == "invalid_encoding"
    assert error.message.startswith("the manifest is not valid UTF-8")


def test_newer_schema_version_is_read_with_a_warning() -> None:
    data = manifest(
        model("m"), metadata={"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v13.json"}
    )
    project = parse_manifest(data)
    assert project.schema_version == 13
    assert [(w.node, w.code) for w in project.warnings] == [("manifest", "newer_schema_version")]


def test_a_gzip_bomb_is_refused_while_inflating() -> None:
    # 64 MiB of zeros compress to ~64 KB; the cap stops inflation one chunk past the limit.
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=1)
    with pytest.raises(PayloadTooLarge) as caught:
        decode(bomb, max_inflated_bytes=1024 * 1024)
    assert caught.value.status_code == 413
    assert "1 MiB" in caught.value.message


def test_a_gzip_upload_within_the_cap_inflates() -> None:
    assert decode(gzip.compress(GOOD), max_inflated_bytes=len(GOOD))["nodes"]


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "dbt"
REAL_MANIFESTS = sorted((FIXTURES / "manifests").glob("*.json.gz")) + sorted(
    (FIXTURES / "results").glob("*/manifest.json.gz")
)


@pytest.mark.parametrize("path", REAL_MANIFESTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_lean_decoding_parses_to_the_same_project(path: Path) -> None:
    # Real dbt manifests: decoded a node at a time without the unread fields, the project is the same.
    raw = gzip.decompress(path.read_bytes())
    lean = decode(raw, lean=True, lean_from_bytes=0)
    assert parse_manifest(lean) == parse_manifest(json.loads(raw))
    nodes = lean["nodes"]
    assert isinstance(nodes, dict)
    assert not any("checksum" in node or "unrendered_config" in node for node in nodes.values())
    assert "macros" not in lean and "child_map" not in lean


def test_the_lean_decoding_keeps_every_value_it_does_not_drop() -> None:
    data = manifest(model("m", columns={"id": "int"}))
    data["macros"] = {"macro.x": {"name": "x"}}
    node = data["nodes"]["model.shop.m"]
    node["checksum"] = {"name": "sha256", "checksum": "0"}
    node["config"] = {"materialized": "table", "enabled": True, "meta": {"owner": "a"}}
    text = json.dumps(data, indent=2)
    lean = decode(text, lean=True, lean_from_bytes=0)
    kept = lean["nodes"]["model.shop.m"]  # type: ignore[index]
    assert "checksum" not in kept and kept["config"] == {"materialized": "table", "meta": {"owner": "a"}}
    assert kept["name"] == "m" and "macros" not in lean
    assert lean["metadata"] == data["metadata"]


@pytest.mark.parametrize(
    ("data", "code"),
    [(GOOD[:200], "truncated"), (b"[1, 2]", "not_a_manifest"), (b"{'metadata': 1}", "invalid_json")],
)
def test_the_lean_decoding_reports_the_same_errors(data: bytes, code: str) -> None:
    with pytest.raises(InvalidManifestError) as caught:
        decode(data, lean=True, lean_from_bytes=0)
    assert caught.value.code == code


def test_a_bytearray_is_emptied_once_decoded() -> None:
    # The sync hands its request buffer over, so the bytes go before the objects are built.
    buffer = bytearray(GOOD)
    assert list(parse_manifest(buffer).assets) == ["model.shop.m"]
    assert buffer == bytearray()
