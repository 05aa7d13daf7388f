"""``tessera user create|list``."""

from __future__ import annotations

from tests.cli.conftest import Cli


def test_user_create_in_a_team_and_list(cli: Cli) -> None:
    cli.ok("team", "create", "analytics")
    user = cli.json(
        "user", "create", "ada@example.com", "Ada Lovelace", "--team", "analytics", "--github", "ada"
    )
    assert isinstance(user, dict)
    assert user["github_username"] == "ada"
    assert len(user["team_ids"]) == 1
    human = cli.ok("user", "list", "--team", "analytics").stdout
    assert "ada@example.com" in human
    ada_row = next(line for line in human.splitlines() if "ada@example.com" in line)
    assert "analytics" in ada_row and user["team_ids"][0] not in ada_row  # the team by name
    listed = cli.json("user", "list", "--email", "ada@example.com")
    assert [u["name"] for u in listed] == ["Ada Lovelace"]  # type: ignore[union-attr,index]


def test_user_errors(cli: Cli) -> None:
    assert "no team named 'ghosts'" in cli.fails("user", "create", "b@example.com", "B", "--team", "ghosts")
    line = cli.fails("user", "create", "not-an-email", "C")
    assert "(validation_error, HTTP 422)" in line
    assert "email" in line
    assert cli.json("user", "list") == []
