"""Turning what a user types (an id, a team name, an asset FQN) into ids."""

from __future__ import annotations

import uuid

from tessera.cli.choices import check_choice, did_you_mean
from tessera.cli.context import CliError
from tessera_sdk import TesseraClient
from tessera_sdk.models import Asset, Team


def as_uuid(text: str) -> uuid.UUID | None:
    """``text`` as a UUID, or ``None`` when it is not one."""
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def require_id(text: str, what: str) -> uuid.UUID:
    """``text`` as a UUID, or a clear error naming ``what`` was expected."""
    value = as_uuid(text)
    if value is None:
        raise CliError(f"{what} must be an id (UUID), got {text!r}")
    return value


def resolve_team(client: TesseraClient, ref: str) -> Team:
    """A team by id or by exact name (case-insensitive)."""
    team_id = as_uuid(ref)
    if team_id is not None:
        return client.teams.get(team_id)
    matches = [t for t in client.teams.iter_all(name=ref) if t.name.lower() == ref.strip().lower()]
    if not matches:
        names = [t.name for t in client.teams.iter_all()]
        raise CliError(f"no team named {ref!r}{did_you_mean(ref, names)}")
    if len(matches) > 1:
        raise CliError(f"several teams are named {ref!r}; use the team id")
    return matches[0]


def team_names(client: TesseraClient) -> dict[uuid.UUID, str]:
    """Every team's name by id (one listing), to show names instead of UUIDs."""
    return {t.id: t.name for t in client.teams.iter_all()}


def resolve_team_id(client: TesseraClient, ref: str | None) -> uuid.UUID | None:
    """The id of a team reference, or ``None`` when none was given."""
    return None if ref is None else resolve_team(client, ref).id


def resolve_asset(client: TesseraClient, ref: str, environment: str | None = None) -> Asset:
    """An asset by id or by exact FQN (``environment`` picks one when several environments share it)."""
    asset_id = as_uuid(ref)
    if asset_id is not None:
        return client.assets.get(asset_id)
    matches = client.assets.find_by_fqn(ref.strip(), environment=environment)
    if not matches:
        where = f" in environment {environment!r}" if environment else ""
        raise CliError(f"no asset with FQN {ref!r}{where}")
    if len(matches) > 1:
        envs = ", ".join(sorted(a.environment for a in matches))
        raise CliError(f"asset {ref!r} exists in several environments ({envs}); pass --environment")
    return matches[0]


def resolve_user_id(client: TesseraClient, ref: str) -> uuid.UUID:
    """A user by id or by email (case-insensitive)."""
    user_id = as_uuid(ref)
    if user_id is not None:
        return user_id
    found = [u for u in client.users.iter_all(email=ref.strip()) if u.email.lower() == ref.strip().lower()]
    if not found:
        raise CliError(f"no user with email {ref!r}")
    return found[0].id


__all__ = ["check_choice", "did_you_mean"]
