"""Search: assets by name or description, columns of current contracts with the teams reading them,
and teams by name. Each section is one page of its own; the whole search costs a fixed number of queries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tessera.errors import ValidationFailed
from tessera.registrations import repository as registrations_repo
from tessera.search import repository
from tessera.teams import repository as teams_repo

MAX_QUERY = 200


@dataclass(frozen=True, slots=True)
class Reader:
    """A consumer team reading a column: named in its registration's columns, or the whole asset."""

    team_id: uuid.UUID
    team_name: str
    whole_asset: bool


@dataclass(frozen=True, slots=True)
class Section:
    """One page of one kind of result, with how many match in all."""

    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the total fills (at least one)."""
        return max(1, -(-self.total // self.per_page))


@dataclass(frozen=True, slots=True)
class SearchResults:
    """The three sections of a search."""

    text: str
    assets: Section
    columns: Section
    teams: Section
    team_names: dict[uuid.UUID, str] = field(default_factory=dict)


def clean_query(text: str) -> str:
    """The search text trimmed; too long a text is the user's mistake (422)."""
    text = text.strip()
    if len(text) > MAX_QUERY:
        raise ValidationFailed(f"Search for at most {MAX_QUERY} characters.", code="query_too_long")
    return text


def readers_of(column: str, registrations: list[Any], names: dict[uuid.UUID, str]) -> list[Reader]:
    """The consumer teams among ``registrations`` (of one asset) that read ``column``.

    A registration that lists its columns reads only those; one that lists none reads the whole asset.
    Teams that are gone (no name) are left out.
    """
    out = []
    for reg in registrations:
        listed = reg.columns or []
        name = names.get(reg.consumer_team_id)
        if name is not None and (not listed or column in listed):
            out.append(Reader(reg.consumer_team_id, name, whole_asset=not listed))
    return sorted(out, key=lambda r: r.team_name.lower())


async def search(
    session: AsyncSession,
    text: str,
    *,
    pages: dict[str, int],
    per_page: int,
    descending: frozenset[str] = frozenset(),
    cursors: dict[str, str | None] | None = None,
) -> SearchResults:
    """Assets, columns (with their readers) and teams matching ``text``; ``cursors`` places each
    section's page (a keyset cursor of the paginator), else ``pages`` gives its page number (from 1);
    ``descending`` names the sections listed Z to A. Five queries whatever the data size."""
    at = cursors or {}
    offset = {
        name: 0 if at.get(name) else (pages.get(name, 1) - 1) * per_page
        for name in ("assets", "columns", "teams")
    }
    asset_rows, asset_total = await repository.assets(
        session,
        text,
        limit=per_page,
        offset=offset["assets"],
        cursor=at.get("assets"),
        descending="assets" in descending,
    )
    column_rows, column_total = await repository.columns(
        session,
        text,
        limit=per_page,
        offset=offset["columns"],
        cursor=at.get("columns"),
        descending="columns" in descending,
    )
    team_rows, team_total = await teams_repo.list_teams(
        session,
        name=text,
        limit=per_page,
        offset=offset["teams"],
        cursor=at.get("teams"),
        descending="teams" in descending,
    )
    registrations = await registrations_repo.for_assets(session, {r["asset_id"] for r in column_rows})
    wanted = {r["owner_team_id"] for r in asset_rows + column_rows}
    wanted |= {reg.consumer_team_id for regs in registrations.values() for reg in regs}
    names = {t.id: t.name for t in (await teams_repo.get_many(session, wanted)).values()}
    for row in column_rows:
        row["readers"] = readers_of(row["column"], registrations[row["asset_id"]], names)
    teams = [{"id": t.id, "name": t.name, "description": t.description} for t in team_rows]
    return SearchResults(
        text,
        Section(asset_rows, asset_total, pages.get("assets", 1), per_page),
        Section(column_rows, column_total, pages.get("columns", 1), per_page),
        Section(teams, team_total, pages.get("teams", 1), per_page),
        names,
    )
