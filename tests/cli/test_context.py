"""The shared CLI plumbing: one-line error descriptions and JSON rendering."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from tessera.cli.context import CliError, cell_text, describe, to_jsonable
from tessera_sdk import AuthenticationError, NotFound, TransportError
from tessera_sdk.models import Team
from tests.cli.conftest import Cli


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            NotFound(404, "asset_not_found", "No asset with id x."),
            "No asset with id x. (asset_not_found, HTTP 404)",
        ),
        (
            AuthenticationError(401, "invalid_key", "Unknown key."),
            "Unknown key. (invalid_key, HTTP 401); set --api-key or TESSERA_API_KEY",
        ),
        (
            TransportError("Cannot reach Tessera at http://h:1: refused"),
            "Cannot reach Tessera at http://h:1: refused",
        ),
        (FileNotFoundError(2, "No such file", "s.json"), "file not found: s.json"),
        (
            json.JSONDecodeError("Expecting value", "{x", 1),
            "invalid JSON: Expecting value at line 1 column 2",
        ),
        (CliError("multi\nline   message"), "multi line message"),
        (RuntimeError("boom"), "RuntimeError: boom"),
    ],
)
def test_describe_is_one_line(exc: BaseException, expected: str) -> None:
    assert describe(exc) == expected


def test_to_jsonable_uses_api_field_names() -> None:
    now = datetime(2030, 1, 2, tzinfo=UTC)
    team = Team(id=uuid.UUID(int=1), name="t", created_at=now, updated_at=now)
    data = to_jsonable([team, {"n": 1, "when": now}])
    assert isinstance(data, list)
    assert data[0]["id"] == "00000000-0000-0000-0000-000000000001"  # type: ignore[index,call-overload]
    assert data[1] == {"n": 1, "when": "2030-01-02 00:00:00+00:00"}


@pytest.mark.parametrize(
    ("value", "text"), [(None, "-"), ([], "-"), (["a", "b"], "a, b"), (True, "yes"), (3, "3")]
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_missing_key_is_explained(cli: Cli) -> None:
    cli.key = None
    line = cli.fails("team", "list")
    assert "HTTP 401" in line
    assert "TESSERA_API_KEY" in line
