"""The committed front-end files are exactly the ones VENDOR.json describes (pinned package versions)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = [
    ROOT / "src" / "tessera" / "ui" / "static" / "vendor" / "VENDOR.json",
    ROOT / "tests" / "ui" / "vendor" / "VENDOR.json",
]


@pytest.mark.parametrize("manifest", MANIFESTS, ids=lambda p: p.parent.relative_to(ROOT).as_posix())
def test_vendored_files_match_the_manifest(manifest: Path) -> None:
    entries = json.loads(manifest.read_text())
    assert entries, "an empty manifest vouches for nothing"
    for entry in entries:
        path = manifest.parent / entry["file"]
        assert path.is_file(), f"{entry['file']} is listed in {manifest.name} but missing"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == entry["sha256"], (
            f"{entry['file']} differs from {entry['package']} {entry['version']}"
        )
        assert entry["license"], f"{entry['package']} has no licence recorded"


def test_manifest_versions_are_the_locked_ones() -> None:
    lock = json.loads((ROOT / "ui" / "package-lock.json").read_text())["packages"]
    for manifest in MANIFESTS:
        for entry in json.loads(manifest.read_text()):
            assert lock[f"node_modules/{entry['package']}"]["version"] == entry["version"]


def test_every_vendored_static_file_is_listed() -> None:
    manifest = MANIFESTS[0]
    listed = {e["file"] for e in json.loads(manifest.read_text())}
    present = {
        p.relative_to(manifest.parent).as_posix()
        for p in manifest.parent.rglob("*")
        if p.is_file() and p.suffix in (".js", ".css", ".png")
    }
    assert present == listed
