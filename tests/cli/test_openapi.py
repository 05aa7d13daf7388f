"""``tessera openapi sync|check`` against the real endpoints, and ``tessera openapi diff`` offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tessera.cli.main import app
from tests.cli.conftest import Cli, new_key
from tests.ingest.openapi.documents import dumps, pet, petstore

GET_PET = "pet-store.get:/pets/{petId}.response.200.application/json"
runner = CliRunner()


def write(tmp_path: Path, name: str, doc: dict[str, Any], as_yaml: bool = False) -> str:
    path = tmp_path / name
    path.write_bytes(yaml.safe_dump(doc).encode() if as_yaml else dumps(doc))
    return str(path)


def without_status() -> dict[str, Any]:
    doc = petstore()
    del pet(doc)["properties"]["status"]
    return doc


def test_sync_then_check_fails_on_a_removed_response_field(cli: Cli, tmp_path: Path) -> None:
    cli.ok("team", "create", "platform")
    out = cli.ok("openapi", "sync", write(tmp_path, "a.yaml", petstore(), True), "--owner-team", "platform")
    assert "Synced openapi project pet-store" in out.stdout
    cli.ok("team", "create", "mobile")
    mobile = new_key(cli, "mobile")
    cli.ok("register", GET_PET, key=mobile)
    report = tmp_path / "report.md"
    result = cli.run(
        "openapi", "check", write(tmp_path, "b.json", without_status()), "--json", "--markdown", str(report)
    )
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "fail"
    row = next(m for m in data["models"] if m["fqn"] == GET_PET)
    assert row["breaking"] and [c["team"] for c in row["consumers"]] == ["mobile"]
    assert GET_PET in report.read_text() and "tessera openapi check --propose" in report.read_text()
    terminal = cli.run("openapi", "check", write(tmp_path, "b.json", without_status()))
    assert "FAIL: 1 asset with breaking changes not yet acknowledged" in terminal.stdout
    assert "model" not in terminal.stdout.lower()
    assert cli.run("openapi", "check", write(tmp_path, "c.json", petstore())).exit_code == 0


def test_check_propose_opens_proposals_for_the_pull_request(cli: Cli, tmp_path: Path) -> None:
    cli.ok("team", "create", "platform")
    cli.ok("openapi", "sync", write(tmp_path, "a.yaml", petstore(), True), "--owner-team", "platform")
    cli.ok("team", "create", "mobile")
    cli.ok("register", GET_PET, key=new_key(cli, "mobile"))
    changed = write(tmp_path, "b.json", without_status())
    assert "--source-ref" in cli.fails("openapi", "check", changed, "--propose", code=2)
    result = cli.run("openapi", "check", changed, "--propose", "--source-ref", "github:o/api#5", "--json")
    assert result.exit_code == 1, result.output
    row = next(m for m in json.loads(result.stdout)["models"] if m["fqn"] == GET_PET)
    assert row["proposal"] is not None and row["proposal"]["status"] == "open"


def diff(*args: str) -> Any:
    return runner.invoke(app, ["openapi", "diff", *args])


def test_diff_exit_codes_and_json_shape(tmp_path: Path) -> None:
    old = write(tmp_path, "old.yaml", petstore(), True)
    assert diff(old, write(tmp_path, "same.json", petstore())).exit_code == 0
    result = diff(old, write(tmp_path, "new.json", without_status()), "--json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["compatible"] is False
    removed = [c for c in data["changes"] if c["kind"] == "property_removed"]
    assert {c["path"] for c in removed} >= {f"{GET_PET.split('.', 1)[1]}#/properties/status"}
    assert set(data["changes"][0]) == {"kind", "path", "breaking", "dangerous", "message"}


def test_a_new_response_enum_value_is_dangerous_not_breaking(tmp_path: Path) -> None:
    doc = petstore()
    pet(doc)["properties"]["status"]["enum"].append("pending")
    result = diff(write(tmp_path, "old.json", petstore()), write(tmp_path, "new.json", doc), "--json")
    assert result.exit_code == 0, result.output
    changes = json.loads(result.stdout)["changes"]
    response = [c for c in changes if ".response." in c["path"]]
    request = [c for c in changes if ".request." in c["path"]]
    assert response and all(c["dangerous"] and not c["breaking"] for c in response)
    assert request and not any(c["dangerous"] or c["breaking"] for c in request)


def test_a_removed_operation_and_a_new_required_parameter_break(tmp_path: Path) -> None:
    doc = petstore()
    del doc["paths"]["/pets/{petId}"]["delete"]
    doc["paths"]["/pets"]["get"]["parameters"][0]["required"] = True
    result = diff(write(tmp_path, "old.json", petstore()), write(tmp_path, "new.json", doc), "--json")
    assert result.exit_code == 1
    breaking = {(c["kind"], c["path"]) for c in json.loads(result.stdout)["changes"] if c["breaking"]}
    assert breaking == {
        ("asset_removed", "delete:/pets/{petId}.parameters"),
        ("required_added", "get:/pets.parameters#/properties/query:limit"),
    }


def test_unusable_input_exits_2_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 3.0.3\ninfo: {title: x}\npaths: {}\n")
    result = diff(write(tmp_path, "old.json", petstore()), str(bad))
    assert result.exit_code == 2
    assert "bad.yaml" in result.output and "invalid" in result.output.lower()
    assert diff(str(tmp_path / "missing.json"), str(bad)).exit_code == 2


def test_diff_without_the_parser_packages_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A client-only install (the GitHub Action's) has no document parsers: `diff` says what to install.
    import importlib

    real = importlib.import_module

    def missing(name: str, *args: Any) -> Any:
        if name == "tessera.ingest.openapi":
            raise ModuleNotFoundError("No module named 'yaml'", name="yaml")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", missing)
    old = write(tmp_path, "old.json", petstore())
    result = diff(old, old)
    assert result.exit_code == 2
    assert "needs the package 'yaml'" in result.output
    assert "pip install openapi-spec-validator pyyaml" in result.output
