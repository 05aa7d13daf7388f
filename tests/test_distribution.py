"""Distribution names: ones free on PyPI, while the import names and the ``tessera`` command stay."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER, SDK = "tessera-datacontracts", "tessera-datacontracts-sdk"
# Names other projects own on PyPI: never something we publish or tell people to install by bare name.
TAKEN = ("tessera", "tessera-sdk", "tessera-contracts")


def project(path: Path) -> dict[str, object]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data["project"], dict)
    return data["project"]


def test_distributions_use_the_free_names_and_keep_imports_and_command() -> None:
    server = project(ROOT / "pyproject.toml")
    sdk = project(ROOT / "sdk" / "pyproject.toml")
    assert (server["name"], sdk["name"]) == (SERVER, SDK)
    assert SDK in server["dependencies"]  # type: ignore[operator]
    assert server["scripts"] == {"tessera": "tessera.cli.main:run"}
    assert (ROOT / "src" / "tessera" / "__init__.py").is_file()
    assert (ROOT / "sdk" / "src" / "tessera_sdk" / "__init__.py").is_file()


def test_the_lock_file_knows_the_new_names_only() -> None:
    names = {p["name"] for p in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}
    assert {SERVER, SDK} <= names
    assert not names & set(TAKEN)


def test_no_document_installs_a_taken_name() -> None:
    files = [ROOT / "README.md", ROOT / "action.yml", *sorted((ROOT / "docs").glob("*.md"))]
    files += sorted((ROOT / "ci").rglob("*.yml")) if (ROOT / "ci").is_dir() else []
    offenders = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "pip install" not in line and " @ git+" not in line:
                continue
            for match in re.finditer(r"""(?:^|[\s"'])(tessera(?:-sdk|-contracts)?)\s+@""", line):
                offenders.append(f"{path.name}: {match.group(1)} in {line.strip()}")
            for match in re.finditer(
                r"pip install(?:\s+-\S+)*\s+(tessera(?:-sdk|-contracts)?)(?![\w-])", line
            ):
                offenders.append(f"{path.name}: {match.group(1)} in {line.strip()}")
    assert offenders == []
