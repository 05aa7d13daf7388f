"""The UI's routes (pages at the site root; static files are mounted by create_app at /static)."""

from __future__ import annotations

from fastapi import APIRouter

from tessera.ui import signin
from tessera.ui.pages import assets, home

router = APIRouter(include_in_schema=False)
for module in (signin, home, assets):
    router.include_router(module.router)
