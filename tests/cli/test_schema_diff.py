"""``tessera schema diff``: exit codes 0/1/2, the JSON object, the table, clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tessera.cli.main import app

runner = CliRunner()
OLD = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "email": {"type": "string"}, "zip": {"type": "string"}},
    "required": ["id"],
}
NEW_COMPATIBLE = {**OLD, "properties": {**OLD["properties"], "nickname": {"type": "string"}}}
NEW_BREAKING = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "postcode": {"type": "string"}},
    "required": ["id"],
}


def write(tmp_path: Path, name: str, content: Any) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def invoke(*args: str) -> Any:
    return runner.invoke(app, ["schema", "diff", *args])


@pytest.mark.parametrize(
    ("new", "mode", "code"),
    [
        (OLD, "backward", 0),
        (NEW_COMPATIBLE, "backward", 0),
        (NEW_COMPATIBLE, "forward", 1),
        (NEW_BREAKING, "backward", 1),
        (NEW_BREAKING, "none", 0),
        (NEW_BREAKING, "full_transitive", 1),
    ],
)
def test_exit_codes(tmp_path: Path, new: Any, mode: str, code: int) -> None:
    result = invoke(write(tmp_path, "old.json", OLD), write(tmp_path, "new.json", new), "--mode", mode)
    assert result.exit_code == code, result.output
    # The sentence a user reads agrees with the exit code.
    verdict = f"Compatible under {mode}" if code == 0 else f"NOT compatible under {mode}"
    assert verdict in result.stdout


def test_json_output_is_exactly_one_object(tmp_path: Path) -> None:
    result = invoke(
        write(tmp_path, "old.json", OLD), write(tmp_path, "new.json", NEW_BREAKING), "--format", "json"
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["compatible"] is False
    assert data["mode"] == "backward"
    assert data["suggested_bump"] == "major"
    assert {"kind", "path", "breaking", "message"} <= set(data["changes"][0])
    kinds = [(c["kind"], c["path"], c["breaking"]) for c in data["changes"]]
    assert kinds == [
        ("property_removed", "/properties/email", True),
        ("property_added", "/properties/postcode", False),
        ("property_removed", "/properties/zip", True),
    ]
    assert data["renames"] == []  # two removed string columns, one added: too ambiguous to call a rename


def test_json_output_when_compatible(tmp_path: Path) -> None:
    result = invoke(
        write(tmp_path, "o.json", OLD),
        write(tmp_path, "n.json", NEW_COMPATIBLE),
        "-f",
        "json",
        "-m",
        "backward",
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["compatible"] is True
    assert data["suggested_bump"] == "minor"


def test_text_output_is_a_table(tmp_path: Path) -> None:
    result = invoke(write(tmp_path, "old.json", OLD), write(tmp_path, "new.json", NEW_BREAKING))
    assert result.exit_code == 1
    out = result.stdout
    assert "property_removed" in out
    assert "/properties/email" in out
    assert "NOT compatible under backward" in out
    assert "suggested version" in out


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
        ("[1, 2]", "must be an object or a boolean"),
        ('{"type": "strnig"}', "unknown type 'strnig'"),
        ('{"properties": {"a": {"$ref": "#/$defs/Gone"}}}', "cannot be resolved"),
        ("\udcff", "not UTF-8"),
    ],
)
def test_unusable_input_exits_2_with_a_clear_message(tmp_path: Path, content: str, fragment: str) -> None:
    bad = tmp_path / "bad.json"
    if content == "\udcff":
        bad.write_bytes(b"\xff\xfe\x00garbage")
    else:
        bad.write_text(content)
    result = invoke(write(tmp_path, "old.json", OLD), str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert fragment in result.stderr
    assert "bad.json" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "nope.json"), write(tmp_path, "new.json", OLD))
    assert result.exit_code == 2
    assert "nope.json: cannot read the file" in result.stderr


def test_unknown_mode_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(write(tmp_path, "old.json", OLD), write(tmp_path, "new.json", OLD), "--mode", "sideways")
    assert result.exit_code == 2
    assert "--mode: 'sideways' is not a valid choice; use one of backward" in result.stderr
    assert result.stdout == ""
    near = invoke(write(tmp_path, "old.json", OLD), write(tmp_path, "new.json", OLD), "--mode", "backwrd")
    assert near.exit_code == 2 and "Value error" not in near.stderr
    assert near.stderr.strip() == "error: --mode: 'backwrd' is not a valid choice; did you mean 'backward'?"
    fmt = invoke(write(tmp_path, "old.json", OLD), write(tmp_path, "new.json", OLD), "--format", "jsn")
    assert fmt.exit_code == 2 and "did you mean 'json'?" in fmt.stderr


def test_deeply_nested_json_file(tmp_path: Path) -> None:
    deep = '{"type":"array","items":' * 200 + '{"type":"string"}' + "}" * 200
    result = invoke(
        write(tmp_path, "old.json", deep),
        write(tmp_path, "new.json", deep.replace("string", "integer")),
        "-f",
        "json",
    )
    assert result.exit_code == 1
    assert json.loads(result.stdout)["changes"][0]["kind"] == "type_changed"


def test_json_flag_is_the_same_as_format_json(tmp_path: Path) -> None:
    old, new = write(tmp_path, "old.json", OLD), write(tmp_path, "new.json", NEW_BREAKING)
    assert invoke(old, new, "--json").stdout == invoke(old, new, "--format", "json").stdout
    assert json.loads(invoke(old, new, "--json").stdout)["compatible"] is False


# v2 already dropped email (published under some earlier mode); NEW equals v2.
V1_EMAIL = {"type": "object", "properties": {"id": {"type": "integer"}, "email": {"type": "string"}}}
V2_NO_EMAIL = {"type": "object", "properties": {"id": {"type": "integer"}}}


def test_transitive_modes_compare_with_every_earlier_version_offline(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    write(versions, "v1.json", V1_EMAIL)
    write(versions, "v2.json", V2_NO_EMAIL)
    new = write(tmp_path, "new.json", V2_NO_EMAIL)
    # Against the latest version alone nothing changes; against every version the email is gone.
    assert invoke(str(versions / "v2.json"), new, "--mode", "backward_transitive").exit_code == 0
    several = invoke(
        str(versions / "v1.json"), str(versions / "v2.json"), new, "--mode", "backward_transitive"
    )
    assert several.exit_code == 1, several.output
    assert invoke(str(versions), new, "--mode", "backward_transitive").exit_code == 1
    assert invoke(str(versions), new, "--mode", "backward").exit_code == 0


def test_one_schema_or_an_empty_directory_is_unusable(tmp_path: Path) -> None:
    assert invoke(write(tmp_path, "only.json", OLD)).exit_code == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    result = invoke(str(empty), write(tmp_path, "new.json", OLD))
    assert result.exit_code == 2 and "without any .json file" in result.stderr
