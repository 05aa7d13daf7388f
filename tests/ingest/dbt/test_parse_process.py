"""A manifest parsed in a child process is the project parsed here, and its errors arrive whole."""

from __future__ import annotations

import gzip
import tempfile
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from tessera.ingest.dbt import InvalidManifestError, parse_manifest, parse_process

MANIFESTS = Path(__file__).resolve().parents[2] / "fixtures" / "dbt" / "manifests"


def leftover_files() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("tessera-manifest-*"))


@pytest.mark.parametrize("name", ["shop__base", "lineage__base_compiled"])
def test_the_child_parses_what_this_process_parses(name: str) -> None:
    compressed = (MANIFESTS / f"{name}.json.gz").read_bytes()
    before = leftover_files()
    for raw in (compressed, gzip.decompress(compressed)):
        assert parse_process.parse_in_child(raw, include_packages=False) == parse_manifest(raw)
    assert parse_process.parse_in_child(compressed, include_packages=True) == parse_manifest(
        compressed, include_packages=True
    )
    assert leftover_files() == before  # the hand-over file is removed


def test_a_bytearray_is_emptied_once_handed_over() -> None:
    raw = bytearray(gzip.decompress((MANIFESTS / "shop__base.json.gz").read_bytes()))
    expected = parse_manifest(bytes(raw))
    assert parse_process.parse_in_child(raw, include_packages=False) == expected
    assert raw == bytearray()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "invalid_json"),
        (b'{"metadata": {}, "nodes": {', "truncated"),
        (
            b'{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/run-results/v6.json"}}',
            "not_a_manifest",
        ),
    ],
)
def test_a_parse_error_in_the_child_arrives_with_its_code_and_message(body: bytes, code: str) -> None:
    with pytest.raises(InvalidManifestError) as here:
        parse_manifest(body)
    with pytest.raises(InvalidManifestError) as there:
        parse_process.parse_in_child(body, include_packages=False)
    assert (there.value.code, there.value.message, there.value.status_code) == (
        here.value.code,
        here.value.message,
        400,
    )


def test_a_child_that_cannot_run_leaves_the_parse_to_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def __init__(self, **_: Any) -> None:
            pass

        def __enter__(self) -> Broken:
            raise BrokenProcessPool("the child was killed")

        def __exit__(self, *_: object) -> None:
            pass

    monkeypatch.setattr(parse_process, "ProcessPoolExecutor", Broken)
    raw = (MANIFESTS / "shop__base.json.gz").read_bytes()
    before = leftover_files()
    assert parse_process.parse_in_child(raw, include_packages=False) == parse_manifest(raw)
    assert leftover_files() == before
