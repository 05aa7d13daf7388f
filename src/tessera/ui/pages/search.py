"""Search: assets, columns of current contracts ("who reads column X?") and teams, one page per section."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tessera.deps import ReadSessionDep
from tessera.search import service
from tessera.ui.deps import UiDep
from tessera.ui.pages.sections import SECTION_SIZE, section, section_query
from tessera.ui.render import render

router = APIRouter(include_in_schema=False)

# Each section sorts by its name column, A to Z or (``<section>_sort=-<key>``) Z to A.
SECTIONS = {"assets": "fqn", "columns": "column", "teams": "name"}


@router.get("/search")
async def search_page(request: Request, ui: UiDep, session: ReadSessionDep) -> Response:
    """``/search?q=``: matching assets (name, description), columns with their readers, and teams; each
    section pages and sorts (by name, either way) on its own."""
    text = service.clean_query(request.query_params.get("q", ""))
    context: dict[str, object] = {"ui": ui, "q": text, "results": None}
    if text:
        asked = {
            name: section_query(request, name, sorts=(key,), default_sort=key)
            for name, key in SECTIONS.items()
        }
        found = await service.search(
            session,
            text,
            pages={name: a.page for name, a in asked.items()},
            per_page=SECTION_SIZE,
            descending=frozenset(name for name, a in asked.items() if a.descending),
            cursors={name: a.cursor for name, a in asked.items()},
        )
        context["results"] = {
            name: section(request, name, part.items, part.total, part.page, asked[name])
            for name, part in (("assets", found.assets), ("columns", found.columns), ("teams", found.teams))
        }
        context["team_names"] = found.team_names
    return render(request, "search/results.html", context)
