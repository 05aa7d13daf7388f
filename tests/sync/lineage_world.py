"""The teams of the ``lineage`` fixture project (tests/fixtures/dbt/projects/lineage) and sync helpers."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from tests.helpers import ADMIN, Api, TeamCtx

MANIFESTS = Path(__file__).parents[1] / "fixtures" / "dbt" / "manifests"
TEAMS = ("ingest", "core", "finance", "marketing", "growth", "audit", "crm", "science", "bi", "exec")


def manifest(variant: str) -> bytes:
    """The raw JSON of ``lineage__<variant>.json.gz`` (real dbt-core output)."""
    return gzip.decompress((MANIFESTS / f"lineage__{variant}.json.gz").read_bytes())


class Lineage:
    """One team per ``meta.owner`` of the project (a user ``<team>@lineage.example`` in each)."""

    def __init__(self, api: Api, platform: TeamCtx, teams: dict[str, TeamCtx]) -> None:
        self.api, self.platform, self.teams = api, platform, teams
        self.names = {t.id: name for name, t in teams.items()}

    @classmethod
    async def create(cls, api: Api) -> Lineage:
        platform = await api.team("platform")
        teams = {}
        for name in TEAMS:
            teams[name] = await api.team(name)
            await api.call(
                "POST",
                "/users",
                201,
                ADMIN,
                json={
                    "email": f"{name}@lineage.example",
                    "name": f"{name} bot",
                    "team_ids": [teams[name].id],
                },
            )
        return cls(api, platform, teams)

    async def sync(self, variant: str, *, body: bytes | None = None) -> Any:
        resp = await self.api.client.post(
            f"/api/v1/sync/dbt?owner_team_id={self.platform.id}",
            content=body if body is not None else manifest(variant),
            headers={**ADMIN, "Content-Type": "application/json"},
        )
        assert resp.status_code == 200, resp.text
        return resp.json()

    async def check(self, variant: str) -> Any:
        resp = await self.api.client.post(
            "/api/v1/sync/dbt/impact",
            content=manifest(variant),
            headers={**self.teams["core"].read, "Content-Type": "application/json"},
        )
        assert resp.status_code == 200, resp.text
        return resp.json()

    async def asset(self, name: str) -> Any:
        found = await self.api.call("GET", f"/assets?q=.{name}", 200, ADMIN)
        return next(a for a in found["items"] if a["fqn"].endswith(f".{name}"))

    async def proposal_of(self, result: Any, node: str) -> Any:
        """The proposal the sync opened (or published at once) for ``node``."""
        item = next(a for a in result["assets"] if a["unique_id"] == node)
        asset_id = item["asset_id"]
        found = await self.api.call("GET", f"/proposals?asset_id={asset_id}", 200, ADMIN)
        return found["items"][0]

    def asked(self, proposal: Any) -> set[str]:
        return {self.names[a["team_id"]] for a in proposal["acknowledgments"] if a["required"]}

    def informed(self, proposal: Any) -> set[str]:
        return {self.names[a["team_id"]] for a in proposal["acknowledgments"] if not a["required"]}
