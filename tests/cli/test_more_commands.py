"""``tessera --version``, ``impact``, ``asset update``, ``registration``, ``webhook`` and ``audit events``,
against a live server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tessera import __version__
from tessera.cli.api_keys import SCOPES
from tessera.cli.webhooks import DELIVERY_STATUSES
from tessera.enums import DeliveryStatus, Scope
from tests.cli.conftest import Cli, new_key
from tests.helpers import V1

DROPPED = {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def _shared(cli: Cli, tmp_path: Path) -> tuple[str, str]:
    """analytics owns warehouse.core.users (V1 published); marketing reads its email column."""
    cli.ok("team", "create", "analytics")
    cli.ok("team", "create", "marketing")
    owner, consumer = new_key(cli, "analytics"), new_key(cli, "marketing")
    cli.ok("asset", "create", "warehouse.core.users", "--owner-team", "analytics")
    cli.ok(
        "contract", "publish", "warehouse.core.users", "--schema", write(tmp_path, "v1.json", V1), key=owner
    )
    cli.ok("register", "warehouse.core.users", "--columns", "email", key=consumer)
    return owner, consumer


def result_lines(cli: Cli, *args: str, key: str) -> list[str]:
    """The terminal lines of a command that may exit non-zero."""
    return cli.run(*args, key=key).stdout.splitlines()


def test_version(cli: Cli) -> None:
    assert cli.ok("--version").stdout.strip() == f"tessera {__version__}"


def test_impact_is_a_dry_run_naming_the_column_and_the_team(cli: Cli, tmp_path: Path) -> None:
    owner, _ = _shared(cli, tmp_path)
    dropped = write(tmp_path, "v2.json", DROPPED)
    result = cli.run("impact", "warehouse.core.users", dropped, key=owner)
    assert result.exit_code == 1, result.output
    assert "users.email" in result.stdout and "column removed" in result.stdout
    assert "marketing" in result.stdout and "Breaking" in result.stdout
    # A team reading none of the changed columns is informed, its affected columns "none".
    cli.ok("team", "create", "finance")
    cli.ok("register", "warehouse.core.users", "--team", "finance", "--columns", "id")
    finance_row = next(
        line
        for line in result_lines(cli, "impact", "warehouse.core.users", dropped, key=owner)
        if "finance" in line
    )
    assert "none" in finance_row and "whole table" not in finance_row
    data: Any = json.loads(cli.run("impact", "warehouse.core.users", dropped, "--json", key=owner).stdout)
    assert data["safe_to_publish"] is False
    assert len(cli.json("contract", "list", "warehouse.core.users")) == 1  # type: ignore[arg-type]  # a dry run
    same = cli.ok("impact", "warehouse.core.users", write(tmp_path, "same.json", V1), key=owner)
    assert "No change" in same.stdout


def test_asset_update_and_show_with_team_names_and_columns(cli: Cli, tmp_path: Path) -> None:
    owner, _ = _shared(cli, tmp_path)
    updated = cli.json(
        "asset",
        "update",
        "warehouse.core.users",
        "--compatibility-mode",
        "full",
        "--guarantee-mode",
        "notify",
        "--require-passing-audit",
        key=owner,
    )
    assert isinstance(updated, dict)
    assert (updated["compatibility_mode"], updated["guarantee_mode"]) == ("full", "notify")
    assert updated["require_passing_audit"] is True
    cli.ok("user", "create", "ada@example.com", "Ada Lovelace", "--team", "analytics")
    cli.ok("asset", "update", "warehouse.core.users", "--steward", "ada@example.com", key=owner)
    shown = cli.ok("asset", "show", "warehouse.core.users").stdout
    assert "Ada Lovelace <ada@example.com>" in shown  # the steward by name, not by id
    assert "analytics" in shown and "marketing" in shown
    assert "Columns (1.0.0)" in shown and "email" in shown
    assert updated["owner_team_id"] not in shown  # names, not UUIDs
    listed = next(
        line for line in cli.ok("asset", "list").stdout.splitlines() if "warehouse.core.users" in line
    )
    assert "analytics" in listed and updated["owner_team_id"] not in listed
    error = cli.fails("asset", "update", "warehouse.core.users", "--compatibility-mode", "backwrd", key=owner)
    assert error == "error: --compatibility-mode: 'backwrd' is not a valid choice; did you mean 'backward'?"
    assert "nothing to change" in cli.fails("asset", "update", "warehouse.core.users", key=owner)


def test_audit_events_dates_and_team_targets(cli: Cli) -> None:
    cli.ok("team", "create", "finance")
    shown = cli.ok("audit", "events", "--action", "team.*", "--since", "2020-01-01").stdout
    assert "team finance" in shown  # the target team by name
    error = cli.fails("audit", "events", "--since", "yesterday")
    assert error.startswith("error: --since: 'yesterday' is not a date")


def test_team_name_typos_get_a_suggestion(cli: Cli) -> None:
    cli.ok("team", "create", "finance")
    error = cli.fails("asset", "create", "w.s.t", "--owner-team", "finanse")
    assert error == "error: no team named 'finanse'; did you mean 'finance'?"


def test_registration_list_update_remove(cli: Cli, tmp_path: Path) -> None:
    _, consumer = _shared(cli, tmp_path)
    listed = cli.ok("registration", "list", "--asset", "warehouse.core.users").stdout
    assert "marketing" in listed and "warehouse.core.users" in listed and "email" in listed
    regs: Any = cli.json("registration", "list", "--team", "marketing")
    assert [r["columns"] for r in regs] == [["email"]]
    reg_id = regs[0]["id"]
    updated: Any = cli.json("registration", "update", reg_id, "--columns", "email,id", key=consumer)
    assert sorted(updated["columns"]) == ["email", "id"]
    # A registration the team made itself is confirmed already; confirming again changes nothing.
    assert regs[0]["status"] == "confirmed"
    assert "Confirmed registration" in cli.ok("registration", "confirm", reg_id, key=consumer).stdout
    assert "Removed registration" in cli.ok("registration", "remove", reg_id, key=consumer).stdout
    assert cli.json("registration", "list", "--team", "marketing") == []
    assert "REGISTRATION must be an id" in cli.fails("registration", "remove", "nope")


def test_webhook_create_list_deliveries_resume(cli: Cli) -> None:
    cli.ok("team", "create", "analytics")
    key = new_key(cli, "analytics")
    created: Any = cli.json(
        "webhook", "create", "https://93.184.216.34/hooks", "--event", "proposal.created", key=key
    )
    assert created["secret"] and created["events"] == ["proposal.created"]
    listed = cli.ok("webhook", "list", key=key).stdout
    assert "https://93.184.216.34/hooks" in listed and "analytics" in listed and "active" in listed
    assert cli.json("webhook", "deliveries", created["id"], key=key) == []
    resumed: Any = cli.json("webhook", "resume", created["id"], key=key)
    assert resumed["active"] is True and resumed["paused_at"] is None
    typo = cli.fails("webhook", "create", "https://93.184.216.34/x", "--event", "proposal.creatd", key=key)
    assert "did you mean 'proposal.created'?" in typo
    status = cli.fails("webhook", "deliveries", created["id"], "--status", "faild", key=key)
    assert status == "error: --status: 'faild' is not a valid choice; did you mean 'failed'?"


def test_cli_choices_are_the_servers(cli: Cli) -> None:
    assert [s.value for s in DeliveryStatus] == DELIVERY_STATUSES
    assert [s.value for s in Scope] == SCOPES
    cli.ok("team", "create", "analytics")
    scope = cli.fails("api-key", "create", "--team", "analytics", "--name", "ci", "--scope", "wrte")
    assert scope == "error: --scope: 'wrte' is not a valid choice; did you mean 'write'?"


def test_audit_events_names_teams(cli: Cli, tmp_path: Path) -> None:
    _shared(cli, tmp_path)
    events: Any = cli.json("audit", "events", "--action", "contract.*")
    assert [e["action"] for e in events] == ["contract.published"]
    text = cli.ok("audit", "events", "--limit", "5").stdout
    assert "registration.created" in text and "marketing" in text


def test_ack_messages_name_the_flags_typed(cli: Cli) -> None:
    pid = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    error = cli.fails("proposal", "ack", pid, "--response", "migrating")
    assert error == "error: --response migrating needs --deadline (the date the migration will be done)"
    assert "--response blocked needs --reason" in cli.fails("proposal", "ack", pid, "--response", "blocked")
