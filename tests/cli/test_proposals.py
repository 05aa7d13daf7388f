"""``tessera proposal list|show|ack|withdraw|force`` and ``tessera api-key``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli, new_key
from tests.cli.test_assets import V1, V2_DROPPED


def _breaking_proposal(cli: Cli, tmp_path: Path) -> tuple[str, str, str]:
    """An asset with a consumer and an open breaking proposal; (proposal id, owner key, consumer key)."""
    cli.ok("team", "create", "analytics")
    cli.ok("team", "create", "marketing")
    owner, consumer = new_key(cli, "analytics"), new_key(cli, "marketing")
    cli.ok("asset", "create", "w.p.users", "--owner-team", "analytics")
    (tmp_path / "v1.json").write_text(json.dumps(V1))
    (tmp_path / "v2.json").write_text(json.dumps(V2_DROPPED))
    cli.ok("contract", "publish", "w.p.users", "--schema", str(tmp_path / "v1.json"), key=owner)
    cli.ok("register", "w.p.users", key=consumer)
    result = cli.json("contract", "publish", "w.p.users", "--schema", str(tmp_path / "v2.json"), key=owner)
    assert isinstance(result, dict)
    return str(result["proposal"]["id"]), owner, consumer


def test_list_show_ack(cli: Cli, tmp_path: Path) -> None:
    proposal_id, _, consumer = _breaking_proposal(cli, tmp_path)
    waiting = cli.json("proposal", "list", "--awaiting", "marketing")
    assert [p["id"] for p in waiting] == [proposal_id]  # type: ignore[union-attr,index]
    assert proposal_id in cli.ok("proposal", "list", "--asset", "w.p.users", "--status", "open").stdout
    shown = cli.ok("proposal", "show", proposal_id).stdout
    assert "marketing" in shown
    assert "pending" in shown
    assert "users.email" in shown and "column removed" in shown  # the column, in words
    assert f"{cli.url}/proposals/{proposal_id}" in shown

    line = cli.fails("proposal", "ack", proposal_id, "--response", "blocked", key=consumer)
    assert line == "error: --response blocked needs --reason (what the owners should know)"
    # The refused answer was not recorded: marketing is still asked.
    assert [p["id"] for p in cli.json("proposal", "list", "--awaiting", "marketing")] == [proposal_id]  # type: ignore[union-attr,index]
    acked = cli.ok("proposal", "ack", proposal_id, key=consumer)
    assert "the proposal is now published" in acked.stdout
    assert cli.json("asset", "show", "w.p.users")["current_version"] == "2.0.0"  # type: ignore[index]
    assert cli.json("proposal", "list", "--awaiting", "marketing") == []


def test_ack_messages_name_the_flags(cli: Cli, tmp_path: Path) -> None:
    proposal_id, _, consumer = _breaking_proposal(cli, tmp_path)
    typo = cli.fails("proposal", "ack", proposal_id, "-r", "migratng", key=consumer)
    assert typo == "error: --response: 'migratng' is not a valid choice; did you mean 'migrating'?"
    past = cli.fails(
        "proposal", "ack", proposal_id, "-r", "migrating", "--deadline", "2020-01-01", key=consumer
    )
    assert past == "error: --deadline 2020-01-01 is in the past; give the date the migration will be done"
    bad = cli.fails("proposal", "ack", proposal_id, "-r", "migrating", "--deadline", "tomorrow", key=consumer)
    assert bad.startswith("error: --deadline: 'tomorrow' is not a date; write it as 2030-01-31")
    # The admin key belongs to no team: the server's team_id is said as the flag.
    no_team = cli.fails("proposal", "ack", proposal_id)
    assert no_team.startswith("error: this key belongs to no team: pass --team")
    assert "team_id" not in no_team
    assert "Value error" not in typo + past + bad + no_team
    answered = cli.ok(
        "proposal", "ack", proposal_id, "-r", "migrating", "--deadline", "2031-01-31", key=consumer
    )
    assert "Answered migrating" in answered.stdout


def test_withdraw_and_force(cli: Cli, tmp_path: Path) -> None:
    proposal_id, owner, _ = _breaking_proposal(cli, tmp_path)
    withdrawn = cli.json("proposal", "withdraw", proposal_id, "--reason", "not now", key=owner)
    assert withdrawn["status"] == "withdrawn"  # type: ignore[index]
    refused = cli.fails("proposal", "withdraw", proposal_id, key=owner)
    assert f"Proposal {proposal_id} is withdrawn" in refused
    assert "(proposal_withdrawn, HTTP 409)" in refused
    again = cli.json("contract", "publish", "w.p.users", "--schema", str(tmp_path / "v2.json"), key=owner)
    again_id = str(again["proposal"]["id"])  # type: ignore[index]
    forced = cli.ok("proposal", "force", again_id, "--reason", "incident")
    assert f"Proposal {again_id} is now published." in forced.stdout
    assert cli.json("asset", "show", "w.p.users")["current_version"] == "2.0.0"  # type: ignore[index]


def test_proposal_id_must_be_an_id(cli: Cli) -> None:
    assert "proposal must be an id" in cli.fails("proposal", "show", "abc")


def test_api_key_create_list_revoke(cli: Cli) -> None:
    cli.ok("team", "create", "ops")
    created = cli.ok("api-key", "create", "--team", "ops", "--name", "ci", "--scope", "read")
    secret = created.stdout.strip().splitlines()[-1]
    assert "shown only now" in created.stdout
    assert cli.json("team", "list", key=secret)
    keys = cli.json("api-key", "list", "--team", "ops")
    assert [k["name"] for k in keys] == ["ci"]  # type: ignore[union-attr,index]
    assert "ci" in cli.ok("api-key", "list", "--team", "ops").stdout
    key_id = keys[0]["id"]  # type: ignore[index]
    assert "Revoked key ci" in cli.ok("api-key", "revoke", key_id).stdout
    line = cli.fails("team", "list", key=secret)
    assert "TESSERA_API_KEY" in line
    assert cli.json("api-key", "list", "--team", "ops") == []
    assert len(cli.json("api-key", "list", "--team", "ops", "--include-revoked")) == 1  # type: ignore[arg-type]
