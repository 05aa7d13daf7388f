"""The UI's routes (pages at the site root; static files are mounted by create_app at /static)."""

from __future__ import annotations

from fastapi import APIRouter

from tessera.ui import signin
from tessera.ui.pages import assets, home
from tessera.ui.pages import audit as audit_page
from tessera.ui.pages import editor as editor_page
from tessera.ui.pages import keys as keys_page
from tessera.ui.pages import search as search_page
from tessera.ui.pages import teams as teams_page

router = APIRouter(include_in_schema=False)
for module in (signin, home, assets):
    router.include_router(module.router)
# Teams, search, audit log, API keys (one line each, so parallel page streams do not conflict here).
router.include_router(teams_page.router)
router.include_router(search_page.router)
router.include_router(audit_page.router)
router.include_router(keys_page.router)
router.include_router(editor_page.router)
