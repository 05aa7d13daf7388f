"""The home page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tessera.deps import ReadSessionDep
from tessera.ui.deps import UiDep
from tessera.ui.render import render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home(request: Request, ui: UiDep, _: ReadSessionDep) -> Response:
    """Where a signed-in person lands: who they are and where to go next."""
    return render(request, "home.html", {"ui": ui})
