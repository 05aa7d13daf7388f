"""Search: assets, columns of current contracts ("who reads column X?") and teams, one page per section."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tessera.deps import ReadSessionDep
from tessera.search import service
from tessera.ui.deps import UiDep
from tessera.ui.pages.sections import SECTION_SIZE, section, section_cursor, section_page
from tessera.ui.render import render

router = APIRouter(include_in_schema=False)

SECTIONS = ("assets", "columns", "teams")


@router.get("/search")
async def search_page(request: Request, ui: UiDep, session: ReadSessionDep) -> Response:
    """``/search?q=``: matching assets (name, description), columns with their readers, and teams."""
    text = service.clean_query(request.query_params.get("q", ""))
    context: dict[str, object] = {"ui": ui, "q": text, "results": None}
    if text:
        pages = {name: section_page(request, name) for name in SECTIONS}
        cursors = {name: section_cursor(request, name) for name in SECTIONS}
        found = await service.search(session, text, pages=pages, per_page=SECTION_SIZE, cursors=cursors)
        context["results"] = {
            name: section(request, name, part.items, part.total, part.page)
            for name, part in (("assets", found.assets), ("columns", found.columns), ("teams", found.teams))
        }
        context["team_names"] = found.team_names
    return render(request, "search/results.html", context)
