"""Walk Tessera's core workflow against a running server.

    python3 examples/quickstart.py --url http://127.0.0.1:8000 --key <BOOTSTRAP_API_KEY>

1. create a producer team and a consumer team, each with its own API key;
2. the producer creates an asset and publishes contract 1.0.0;
3. the consumer registers on the asset, reading the `email` column;
4. the producer publishes an additive change: compatible, published as 1.1.0;
5. the producer drops `email`: breaking, so a proposal opens and nothing is published;
6. the consumer acknowledges; the proposal is approved and 2.0.0 is published.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from typing import Any

import httpx


def call(client: httpx.Client, method: str, path: str, key: str, body: Any = None) -> Any:
    """One API call; exits with the server's error message on failure."""
    resp = client.request(method, f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {key}"})
    if resp.status_code >= 400:
        error = resp.json().get("error", {})
        sys.exit(f"{method} {path} failed: {resp.status_code} {error.get('code')}: {error.get('message')}")
    return resp.json() if resp.content else None


def schema(**columns: str) -> dict[str, Any]:
    """A table's JSON Schema from column types."""
    return {"type": "object", "properties": {name: {"type": t} for name, t in columns.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True, help="an admin key (BOOTSTRAP_API_KEY)")
    args = parser.parse_args()
    suffix = uuid.uuid4().hex[:6]
    with httpx.Client(base_url=args.url, timeout=30) as c:
        producer = call(c, "POST", "/teams", args.key, {"name": f"orders-team-{suffix}"})
        consumer = call(c, "POST", "/teams", args.key, {"name": f"finance-team-{suffix}"})
        pkey = call(
            c,
            "POST",
            "/api-keys",
            args.key,
            {"name": "producer", "team_id": producer["id"], "scopes": ["write"]},
        )["key"]
        ckey = call(
            c,
            "POST",
            "/api-keys",
            args.key,
            {"name": "consumer", "team_id": consumer["id"], "scopes": ["write"]},
        )["key"]
        print(f"1. teams {producer['name']} and {consumer['name']} with their own keys")

        asset = call(
            c,
            "POST",
            "/assets",
            pkey,
            {"fqn": f"warehouse.sales.orders_{suffix}", "owner_team_id": producer["id"]},
        )
        v1 = call(
            c,
            "POST",
            f"/assets/{asset['id']}/contracts",
            pkey,
            {
                "schema": schema(id="integer", email="string", amount="number"),
                "guarantees": {"columns": {"id": {"not_null": True, "unique": True}}},
            },
        )
        print(f"2. {asset['fqn']}: {v1['outcome']} {v1['contract']['version']}")

        call(c, "POST", "/registrations", ckey, {"asset_id": asset["id"], "columns": ["email", "amount"]})
        print(f"3. {consumer['name']} registered as a consumer (reads email, amount)")

        v11 = call(
            c,
            "POST",
            f"/assets/{asset['id']}/contracts",
            pkey,
            {"schema": schema(id="integer", email="string", amount="number", currency="string")},
        )
        print(f"4. added a column: {v11['outcome']} {v11['contract']['version']}")

        impact = call(
            c,
            "POST",
            f"/assets/{asset['id']}/impact",
            ckey,
            {"schema": schema(id="integer", amount="number")},
        )
        print(
            f"   impact of dropping email: safe_to_publish={impact['safe_to_publish']}, "
            f"consumers={[x['team_name'] for x in impact['consumers']]}"
        )
        proposed = call(
            c,
            "POST",
            f"/assets/{asset['id']}/contracts",
            pkey,
            {"schema": schema(id="integer", amount="number")},
        )
        proposal = proposed["proposal"]
        print(
            f"5. dropped email: {proposed['outcome']}; proposal {proposal['id']} "
            f"waits for {len(proposal['pending_team_ids'])} team(s)"
        )

        answer = call(c, "POST", f"/proposals/{proposal['id']}/acknowledge", ckey, {"response": "approved"})
        current = call(c, "GET", f"/assets/{asset['id']}", pkey)
        print(
            f"6. {consumer['name']} approved: proposal {answer['status']}, "
            f"active version {current['current_version']}"
        )


if __name__ == "__main__":
    main()
