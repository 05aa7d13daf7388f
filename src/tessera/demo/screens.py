"""The pages ``python3 run.py screenshots`` renders, and how each is reached on the demo.

Pure data and planning (no browser): ``scripts/screenshots.py`` drives Chromium over :func:`plan`'s
result. A shot names the route it needs as the UI router declares it (``/proposals/{proposal_id}``); a
page that is not built yet is skipped with a note rather than failing the run, and every other UI page
the router has (a GET whose parameters the demo can fill) is rendered too, as ``extra-...``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from tessera.demo.seed import DemoSeed
from tessera.demo.story import CUSTOMERS, ORDERS, REVENUE
from tessera.ui.security import is_ui_path

_PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")
NOT_PAGES = frozenset({"/signin", "/signout"})
"""UI GET routes that are not pages to show (sign-in is where every shot starts)."""


@dataclass(frozen=True, slots=True)
class Shot:
    """One screenshot: ``docs/images/<name>.png``.

    ``params`` names the demo object each path parameter takes (``proposal:open``, ``asset:<dbt id>``,
    ``team:<name>``); ``click`` is a Playwright selector clicked after loading, then ``wait_for`` must
    appear before the picture is taken (the editor's live verdict).
    """

    name: str
    route: str
    signed_in_as: str
    query: str = ""
    params: tuple[tuple[str, str], ...] = ()
    dark: bool = False
    click: str | None = None
    wait_for: str | None = None
    caption: str = ""


SHOTS: tuple[Shot, ...] = (
    Shot("home", "/", "finance", caption="Inbox: the proposals waiting for finance's answer"),
    Shot(
        "proposal",
        "/proposals/{proposal_id}",
        "finance",
        params=(("proposal_id", "proposal:open"),),
        caption="A proposal: the semantic diff, each consumer team's answer and affected columns",
    ),
    Shot(
        "proposal-dark",
        "/proposals/{proposal_id}",
        "finance",
        params=(("proposal_id", "proposal:open"),),
        dark=True,
        caption="The proposal page in dark mode",
    ),
    Shot("assets", "/assets", "analytics", caption="Assets, filterable and sortable"),
    Shot(
        "asset",
        "/assets/{asset_id}",
        "analytics",
        params=(("asset_id", f"asset:{ORDERS}"),),
        caption="An asset: its contract as columns, owner, consumers, lineage and quality",
    ),
    Shot(
        "asset-quality",
        "/assets/{asset_id}/quality",
        "finance",
        params=(("asset_id", f"asset:{REVENUE}"),),
        caption="Data-quality runs and their trend",
    ),
    Shot(
        "asset-lineage",
        "/assets/{asset_id}/lineage",
        "analytics",
        params=(("asset_id", f"asset:{ORDERS}"),),
        caption="Lineage up and down",
    ),
    Shot(
        "compare",
        "/assets/{asset_id}/compare",
        "analytics",
        query="from=1.0.0&to=2.0.0",
        params=(("asset_id", f"asset:{CUSTOMERS}"),),
        caption="Compare any two versions with the same semantic diff",
    ),
    Shot(
        "editor",
        "/assets/{asset_id}/check",
        "analytics",
        params=(("asset_id", f"asset:{CUSTOMERS}"),),
        click='button[aria-label="Remove tier"]',
        wait_for='[data-verdict="breaking"]',
        caption="Check a change: removing a column, the live verdict names the teams that must answer",
    ),
    Shot("teams", "/teams", "data-platform", caption="Teams"),
    Shot(
        "team",
        "/teams/{team_id}",
        "finance",
        params=(("team_id", "team:finance"),),
        caption="A team: its assets, members and webhook health with failed deliveries",
    ),
    Shot("search", "/search", "marketing", query="q=customer_id", caption="Who reads customer_id?"),
    Shot("audit", "/audit", "data-platform", caption="The audit log"),
    Shot("keys", "/keys", "data-platform", caption="API keys (admin)"),
)


@dataclass(frozen=True, slots=True)
class Planned:
    """A shot the current router can serve, with its concrete URL path."""

    shot: Shot
    path: str


def ui_pages(app: FastAPI) -> set[str]:
    """The UI's GET routes as declared (``/assets/{asset_id}``), sign-in and sign-out excepted."""
    return {
        context.path or ""
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and "GET" in (context.original_route.methods or set())
        and is_ui_path(context.path or "")
        and (context.path or "") not in NOT_PAGES
    }


def demo_values(seed: DemoSeed) -> dict[str, str]:
    """Every object a shot may name, by its name (``proposal:open``, ``asset:<dbt id>``, ``team:<name>``)."""
    values = {f"proposal:{name}": str(pid) for name, pid in seed.proposals.items()}
    values.update({f"asset:{uid}": str(aid) for uid, aid in seed.assets.items()})
    values.update({f"team:{name}": str(tid) for name, tid in seed.teams.items()})
    return values


# What an uncovered page's parameter takes, by parameter name.
DEFAULT_PARAMS: Mapping[str, str] = {
    "proposal_id": "proposal:open",
    "asset_id": f"asset:{ORDERS}",
    "team_id": "team:finance",
}


def _fill(route: str, params: Mapping[str, str], values: Mapping[str, str]) -> str | None:
    """``route`` with each ``{name}`` replaced by its demo value; None when one cannot be filled."""
    missing = False

    def value(match: re.Match[str]) -> str:
        nonlocal missing
        found = values.get(params.get(match.group(1), ""))
        if found is None:
            missing = True
            return ""
        return found

    path = _PARAM.sub(value, route)
    return None if missing else path


def _slug(route: str) -> str:
    words = re.sub(r"{[^}]+}", "", route).strip("/").replace("/", "-")
    return re.sub(r"-+", "-", words).strip("-") or "root"


def plan(
    pages: Iterable[str], seed: DemoSeed, shots: Iterable[Shot] = SHOTS
) -> tuple[list[Planned], list[str]]:
    """The shots the router can serve (listed ones first, then extra pages) and notes on skipped ones."""
    available = set(pages)
    values = demo_values(seed)
    planned: list[Planned] = []
    notes: list[str] = []
    covered: set[str] = set()
    for shot in shots:
        if shot.route not in available:
            notes.append(f"{shot.name}: skipped, {shot.route} is not a page of this build")
            continue
        covered.add(shot.route)
        path = _fill(shot.route, dict(shot.params), values)
        if path is None:
            notes.append(f"{shot.name}: skipped, the demo has no value for a parameter of {shot.route}")
            continue
        planned.append(Planned(shot, f"{path}?{shot.query}" if shot.query else path))
    for route in sorted(available - covered):
        path = _fill(route, DEFAULT_PARAMS, values)
        if path is None:
            notes.append(f"{route}: not rendered, the demo has no value for its parameters")
            continue
        planned.append(Planned(Shot(f"extra-{_slug(route)}", route, "data-platform"), path))
    return planned, notes
