"""The UI's routes (pages at the site root; static files are mounted by create_app at /static)."""

from __future__ import annotations

from fastapi import APIRouter

from tessera.ui import signin
from tessera.ui.pages import asset, assets, home
from tessera.ui.pages import audit as audit_page
from tessera.ui.pages import editor as editor_page
from tessera.ui.pages import keys as keys_page
from tessera.ui.pages import proposals as proposal_pages
from tessera.ui.pages import search as search_page
from tessera.ui.pages import teams as teams_page

router = APIRouter(include_in_schema=False)
for module in (
    signin,
    home,
    assets,
    asset,
    editor_page,
    proposal_pages,
    teams_page,
    search_page,
    audit_page,
    keys_page,
):
    router.include_router(module.router)
