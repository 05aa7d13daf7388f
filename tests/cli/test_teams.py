"""``tessera team`` and ``tessera user``."""

from __future__ import annotations

from tests.cli.conftest import Cli


def test_team_create_and_list(cli: Cli) -> None:
    created = cli.ok("team", "create", "analytics", "--contact", "#analytics")
    assert "Created team analytics" in created.stdout
    cli.ok("team", "create", "finance")
    table = cli.ok("team", "list").stdout
    assert "analytics" in table
    assert "finance" in table
    listed = cli.json("team", "list", "--name", "fin")
    assert [t["name"] for t in listed] == ["finance"]  # type: ignore[union-attr,index]
    one = cli.json("team", "list", "--limit", "1")
    assert isinstance(one, list)
    assert len(one) == 1


def test_team_create_error_is_one_line(cli: Cli) -> None:
    cli.ok("team", "create", "dup")
    line = cli.fails("team", "create", "dup")
    assert line.startswith("error:")
    assert "A team named 'dup' already exists. (team_exists, HTTP 409)" in line
    reader = cli.json("team", "create", "readers")
    assert isinstance(reader, dict)
    key = cli.json("api-key", "create", "--team", "readers", "--name", "r", "--scope", "read")
    assert isinstance(key, dict)
    line = cli.fails("team", "create", "nope", key=str(key["key"]))
    assert "(insufficient_scope, HTTP 403)" in line
    assert sorted(t["name"] for t in cli.json("team", "list")) == ["dup", "readers"]  # type: ignore[union-attr,index]
