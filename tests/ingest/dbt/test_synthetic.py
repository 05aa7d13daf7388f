"""The synthetic manifest generator (bench/dbt_manifest_gen.py) produces manifests the adapter reads."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from tessera.ingest.dbt import parse_manifest

GENERATOR = Path(__file__).resolve().parents[3] / "bench" / "dbt_manifest_gen.py"


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dbt_manifest_gen", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("dbt_manifest_gen", module)
    spec.loader.exec_module(module)
    return module


def test_generated_manifest_parses_with_everything_wired() -> None:
    gen = load_generator()
    data = gen.generate_manifest_bytes(120, 8, seed=3)
    assert data == gen.generate_manifest_bytes(120, 8, seed=3)  # deterministic
    project = parse_manifest(data)
    models = [a for a in project.assets.values() if a.resource_type == "model"]
    sources = [a for a in project.assets.values() if a.resource_type == "source"]
    assert (len(models), len(sources), len(project.exposures)) == (120, 12, 2)
    assert all(len(a.schema["properties"]) == 8 for a in models)
    assert any("." in a.unique_id.removeprefix("source.bigshop.").rsplit(".", 1)[0] for a in sources)
    assert all(a.owner is not None for a in project.assets.values())
    assert all(a.depends_on for a in models)
    assert all(a.guarantees["columns"]["id"]["unique"] for a in models)
    custom = {c["name"] for a in models for c in a.guarantees.get("custom", [])}
    assert "assert_consistent_0000" in custom
    assert any("volume" in a.guarantees for a in models) or any("dbt_" in name for name in custom)
    assert any(a.guarantees.get("freshness") for a in sources)
    assert {w.code for w in project.warnings} <= {"unknown_data_type"}


def test_gzip_output_is_accepted() -> None:
    gen = load_generator()
    plain = parse_manifest(gen.generate_manifest_bytes(20, 4, seed=5))
    gzipped = parse_manifest(gen.generate_manifest_bytes(20, 4, seed=5, gzipped=True))
    assert list(gzipped.assets) == list(plain.assets)
    assert sum(a.resource_type == "model" for a in gzipped.assets.values()) == 20
