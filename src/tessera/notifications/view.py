"""The data templates see: the documented ``data`` keys, filled in from equivalent names where missing.

:mod:`tessera.notifications.events` documents the keys templates read (``links.proposal_url``,
``versions.from``, ``response``...). Some services emit the same facts under other names
(``proposal.url``, ``base_version``, ``answer``...). Rather than teach every template both spellings,
this module derives the documented keys once; keys already present always win, and the payload sent to
webhooks is untouched (this is a rendering view only).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from tessera.notifications.events import JsonValue

JsonObject = dict[str, JsonValue]


def _obj(value: JsonValue | None) -> Mapping[str, JsonValue]:
    return value if isinstance(value, Mapping) else {}


def _first(*values: JsonValue | None) -> JsonValue:
    """The first value that is not None/empty."""
    for value in values:
        if value not in (None, "", [], {}):
            return value
    return None


def _teams_with_status(data: Mapping[str, JsonValue]) -> list[JsonValue] | None:
    """``affected_teams`` with a ``status`` taken from ``responses`` (team id -> answer) where missing."""
    teams = data.get("affected_teams")
    if not isinstance(teams, list):
        return None
    responses = _obj(data.get("responses"))
    result: list[JsonValue] = []
    for team in teams:
        if isinstance(team, Mapping) and "status" not in team:
            status = responses.get(str(team.get("id")), "pending" if responses else None)
            team = {**team, "status": status} if status is not None else dict(team)
        result.append(team)
    return result


def _team_named(data: Mapping[str, JsonValue], team_id: JsonValue) -> JsonValue:
    teams = data.get("affected_teams")
    for team in teams if isinstance(teams, list) else []:
        if isinstance(team, Mapping) and team.get("id") == team_id:
            return {"id": team_id, "name": team.get("name")}
    return {"id": team_id, "name": None} if team_id is not None else None


def template_data(data: Mapping[str, JsonValue]) -> JsonObject:
    """A copy of ``data`` with the documented keys derived from known alternatives when absent."""
    view: JsonObject = dict(data)
    asset, proposal, answer = _obj(data.get("asset")), _obj(data.get("proposal")), _obj(data.get("answer"))
    links = dict(_obj(data.get("links")))
    links.setdefault("proposal_url", _first(proposal.get("url")))
    links.setdefault("asset_url", _first(asset.get("url")))
    view["links"] = links
    versions = dict(_obj(data.get("versions")))
    versions.setdefault("from", _first(data.get("base_version"), data.get("previous_version")))
    versions.setdefault("to", _first(proposal.get("proposed_version"), data.get("version")))
    view["versions"] = versions
    if "changes" not in data and isinstance(data.get("breaking_changes"), list):
        breaking = cast(list[JsonValue], data["breaking_changes"])
        view["changes"] = [
            {**c, "breaking": c.get("breaking", True)} if isinstance(c, Mapping) else c for c in breaking
        ]
    teams = _teams_with_status(data)
    if teams is not None:
        view["affected_teams"] = teams
    if "response" not in data and answer:
        view["response"] = {
            "team": _team_named(data, answer.get("team_id")),
            "user": None,
            "comment": _first(answer.get("reason"), answer.get("comment")),
        }
    if "contract" not in data and ("contract_id" in data or "version" in data):
        view["contract"] = {"id": data.get("contract_id"), "version": data.get("version")}
    if "registration" not in data and "registration_id" in data:
        view["registration"] = {
            "id": data.get("registration_id"),
            "consumer_team": data.get("consumer_team"),
            "pinned_version": data.get("pinned_version"),
        }
    return view
