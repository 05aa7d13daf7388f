"""Multiply a small, real dataset into a large one on PostgreSQL, in a few statements.

The rows the real app wrote (a team, an asset with a contract, a registration, an open proposal with its
acknowledgment, audit events) serve as templates: each table's newest row is copied ``n`` times by one
``INSERT ... SELECT ... FROM generate_series`` that runs inside the server (no rows cross the network),
with new ids, spread timestamps and foreign keys pointing across the teams and the copied assets. Every
column the statement does not set is copied from the template, so the copies stay valid as the schema
grows. Used by ``bench/bench_large_lists.py`` (100,000 assets ...) and by the list-plan test (a few
thousand rows), so both read the same shape of data.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from tessera.db.models import Acknowledgment, Asset, AuditEvent, Proposal, Registration

PREFIX = "bench."
"""FQN prefix of the copied assets."""

ACTIONS = (
    "asset.created",
    "contract.published",
    "registration.created",
    "proposal.acknowledged",
    "asset.updated",
)
"""Actions the copied audit events cycle through."""


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind to add."""

    assets: int
    registrations: int
    events: int
    proposals: int


# Team i (0-based, by id) and copied asset i (0-based, by id), for joining copies to their parents.
_TEAMS = (
    "tm AS (SELECT id, (row_number() OVER (ORDER BY id) - 1) AS i FROM core.teams WHERE deleted_at IS NULL)"
)
_ASSETS = (
    "a AS (SELECT id, (row_number() OVER (ORDER BY id) - 1) AS i FROM core.assets "
    f"WHERE fqn LIKE '{PREFIX}%')"
)
_COUNTS = "k AS (SELECT (SELECT count(*) FROM tm) AS teams, (SELECT greatest(count(*), 1) FROM a) AS assets)"


async def _copy(
    conn: AsyncConnection, table: sa.Table, count: int, overrides: dict[str, str], joins: str
) -> None:
    columns = [c.name for c in table.columns]
    select = ", ".join(overrides.get(name, f't."{name}"') for name in columns)
    target = f"{table.schema}.{table.name}"
    quoted = ", ".join(f'"{name}"' for name in columns)
    sql = (
        f"WITH {_TEAMS}, {_ASSETS}, {_COUNTS}, "
        f"t AS (SELECT * FROM {target} ORDER BY {_newest(table)} DESC LIMIT 1) "
        f"INSERT INTO {target} ({quoted}) "
        f"SELECT {select} FROM t CROSS JOIN k CROSS JOIN generate_series(1, {int(count)}) AS g(n) {joins}"
    )
    await conn.exec_driver_sql(sql)


def _newest(table: sa.Table) -> str:
    return "occurred_at" if "occurred_at" in table.columns else "created_at"


async def multiply(conn: AsyncConnection, sizes: Sizes) -> None:
    """Add ``sizes`` rows, copied from the newest row of each table (see the module docstring).

    Registrations pair copied asset ``n mod A`` with team ``(n div A) mod T``, so each (asset, team) pair
    is used once while ``registrations <= A * T``; open proposals land on distinct assets while
    ``proposals <= A``. Needs at least one live row in each table.
    """
    ago = "now() - g.n * interval '{}'"
    team = "JOIN tm ON tm.i = g.n % k.teams"
    await _copy(
        conn,
        Asset.__table__,  # type: ignore[arg-type]
        sizes.assets,
        {
            "id": "gen_random_uuid()",
            "fqn": f"'{PREFIX}s' || (g.n % 50) || '.m' || lpad(g.n::text, 7, '0')",
            "environment": "(ARRAY['production', 'staging', 'dev'])[1 + g.n % 3]",
            "owner_team_id": "tm.id",
            "tags": "CASE WHEN g.n % 10 = 0 THEN '[\"pii\"]'::jsonb ELSE '[]'::jsonb END",
            "created_at": ago.format("1 second"),
            "updated_at": ago.format("1 second"),
            "deleted_at": "NULL",
        },
        team,
    )
    await _copy(
        conn,
        Registration.__table__,  # type: ignore[arg-type]
        sizes.registrations,
        {
            "id": "gen_random_uuid()",
            "asset_id": "a.id",
            "consumer_team_id": "tm.id",
            "created_at": ago.format("300 milliseconds"),
            "updated_at": ago.format("300 milliseconds"),
            "deleted_at": "NULL",
        },
        "JOIN a ON a.i = g.n % k.assets JOIN tm ON tm.i = (g.n / k.assets) % k.teams",
    )
    actions = ", ".join(f"'{a}'" for a in ACTIONS)
    await _copy(
        conn,
        AuditEvent.__table__,  # type: ignore[arg-type]
        sizes.events,
        {
            "id": "gen_random_uuid()",
            "occurred_at": ago.format("100 milliseconds"),
            "action": f"(ARRAY[{actions}])[1 + g.n % {len(ACTIONS)}]",
            "target_type": "'asset'",
            "target_id": "a.id::text",
            "asset_id": "a.id",
            "actor_team_id": "tm.id",
        },
        "JOIN a ON a.i = g.n % k.assets JOIN tm ON tm.i = g.n % k.teams",
    )
    await _copy(
        conn,
        Proposal.__table__,  # type: ignore[arg-type]
        sizes.proposals,
        {
            "id": "gen_random_uuid()",
            "asset_id": "a.id",
            "status": "CASE WHEN g.n % 5 = 0 THEN 'open' "
            "ELSE (ARRAY['approved', 'published', 'withdrawn', 'expired'])[1 + g.n % 4] END",
            "proposed_by_team_id": "tm.id",
            "created_at": ago.format("1 second"),
            "updated_at": ago.format("1 second"),
        },
        "JOIN a ON a.i = g.n % k.assets JOIN tm ON tm.i = g.n % k.teams",
    )
    # One acknowledgment per copied proposal, pending on the open ones.
    await _copy(
        conn,
        Acknowledgment.__table__,  # type: ignore[arg-type]
        sizes.proposals,
        {
            "id": "gen_random_uuid()",
            "proposal_id": "p.id",
            "team_id": "tm.id",
            "response": "CASE WHEN p.status = 'open' THEN 'pending' ELSE 'approved' END",
            "created_at": ago.format("1 second"),
            "updated_at": ago.format("1 second"),
        },
        "JOIN (SELECT id, status, (row_number() OVER (ORDER BY id) - 1) AS i FROM workflow.proposals "
        "WHERE asset_id IN (SELECT id FROM a)) AS p ON p.i = g.n - 1 JOIN tm ON tm.i = g.n % k.teams",
    )
