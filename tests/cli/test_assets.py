"""``tessera asset``, ``tessera contract`` and ``tessera register``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli, new_key
from tests.helpers import V1

V2_DROPPED = {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}
V1_WIDER = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "email": {"type": "string"}, "nick": {"type": "string"}},
    "required": ["id", "email"],
}


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def test_asset_create_list_show_by_fqn(cli: Cli) -> None:
    cli.ok("team", "create", "analytics")
    created = cli.json("asset", "create", "warehouse.core.users", "--owner-team", "analytics", "--tag", "pii")
    assert isinstance(created, dict)
    assert created["tags"] == ["pii"]
    cli.ok("asset", "create", "warehouse.core.users_daily", "--owner-team", "analytics")
    assert "warehouse.core.users_daily" in cli.ok("asset", "list").stdout
    listed = cli.json("asset", "list", "-q", "users_daily")
    assert [a["fqn"] for a in listed] == ["warehouse.core.users_daily"]  # type: ignore[union-attr,index]
    shown = cli.json("asset", "show", "warehouse.core.users")
    assert isinstance(shown, dict)
    assert shown["id"] == created["id"]
    assert shown["contracts"] == []
    assert "warehouse.core.users" in cli.ok("asset", "show", str(created["id"])).stdout


def test_asset_errors(cli: Cli) -> None:
    cli.ok("team", "create", "analytics")
    assert "no asset with FQN 'warehouse.none'" in cli.fails("asset", "show", "warehouse.none")
    assert "asset_not_found" in cli.fails("asset", "show", "00000000-0000-0000-0000-000000000000")
    cli.ok("asset", "create", "w.s.t", "--owner-team", "analytics")
    cli.ok("asset", "create", "w.s.t", "--owner-team", "analytics", "-e", "staging")
    assert "pass --environment" in cli.fails("asset", "show", "w.s.t")
    assert cli.json("asset", "show", "w.s.t", "-e", "staging")["environment"] == "staging"  # type: ignore[index]


def test_contract_publish_list_diff_and_register(cli: Cli, tmp_path: Path) -> None:
    cli.ok("team", "create", "analytics")
    cli.ok("team", "create", "marketing")
    owner_key = new_key(cli, "analytics")
    consumer_key = new_key(cli, "marketing")
    cli.ok("asset", "create", "warehouse.core.users", "--owner-team", "analytics")

    first = cli.json(
        "contract",
        "publish",
        "warehouse.core.users",
        "--schema",
        write(tmp_path, "v1.json", V1),
        key=owner_key,
    )
    assert isinstance(first, dict)
    assert (first["outcome"], first["contract"]["version"]) == ("published", "1.0.0")
    wider = cli.ok(
        "contract",
        "publish",
        "warehouse.core.users",
        "--schema",
        write(tmp_path, "v11.json", V1_WIDER),
        key=owner_key,
    )
    assert "Published version 1.1.0" in wider.stdout

    reg = cli.ok("register", "warehouse.core.users", "--columns", "email,id", key=consumer_key)
    assert "Registered on warehouse.core.users (email, id)" in reg.stdout

    proposed = cli.ok(
        "contract",
        "publish",
        "warehouse.core.users",
        "--schema",
        write(tmp_path, "v2.json", V2_DROPPED),
        key=owner_key,
    )
    assert "Breaking change: proposal" in proposed.stdout
    assert proposed.stdout.count("Breaking change") == 1  # said once, not twice
    assert "Waiting for: marketing" in proposed.stdout
    assert f"Review and answer: {cli.url}/proposals/" in proposed.stdout  # the page, not the API

    versions = cli.json("contract", "list", "warehouse.core.users")
    assert [c["version"] for c in versions] == ["1.1.0", "1.0.0"]  # type: ignore[union-attr,index]
    diff = cli.json("contract", "diff", "warehouse.core.users", "--from", "1.0.0", "--to", "1.1.0")
    assert isinstance(diff, dict)
    assert diff["compatible"] is True
    human = cli.ok("contract", "diff", "warehouse.core.users", "--from", "1.0.0", "--to", "1.1.0").stdout
    assert "warehouse.core.users 1.0.0 -> 1.1.0: compatible" in human
    assert "(suggested bump: minor)" in human
    assert "users.nick" in human and "column added" in human  # the column by name, in words


def test_contract_errors(cli: Cli, tmp_path: Path) -> None:
    cli.ok("team", "create", "analytics")
    cli.ok("asset", "create", "w.c.t", "--owner-team", "analytics")
    assert "file not found" in cli.fails(
        "contract", "publish", "w.c.t", "--schema", str(tmp_path / "missing.json")
    )
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert "invalid JSON" in cli.fails("contract", "publish", "w.c.t", "--schema", str(bad))
    assert "must hold a JSON object" in cli.fails(
        "contract", "publish", "w.c.t", "--schema", write(tmp_path, "l.json", [1])
    )
    assert "not_found" in cli.fails("contract", "diff", "w.c.t", "--from", "1.0.0", "--to", "2.0.0")
    # None of the refused publishes stored a contract.
    assert cli.json("contract", "list", "w.c.t") == []
    # Registering on an unknown asset names the asset, not some registration failure.
    assert "no asset with FQN 'w.c.none'" in cli.fails("register", "w.c.none")
