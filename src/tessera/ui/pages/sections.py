"""Pages with several independently paginated sections (search results, a team's page).

Each section reads its position from ``<name>_cursor`` (a keyset cursor of the paginator, as list pages
use) or, from older links, ``<name>_page`` in the query string; its links change that parameter and keep
every other one, so each section's state stays in the URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from tessera.enums import Scope
from tessera.errors import Forbidden
from tessera.ui.deps import UiContext
from tessera.ui.listing import cursor_param, page_number

SECTION_SIZE = 25


def section_page(request: Request, name: str) -> int:
    """The page number (from 1) of section ``name``; a bad one is the user's mistake (422)."""
    return page_number(request.query_params.get(f"{name}_page", "1"), f"{name}_page", SECTION_SIZE)


def section_cursor(request: Request, name: str) -> str | None:
    """The cursor of section ``name``'s page (``None``: its first page, or the one ``_page`` names)."""
    return cursor_param(request.query_params.get(f"{name}_cursor"), f"{name}_cursor")


def section_offset(request: Request, name: str) -> int:
    """Rows section ``name`` skips: 0 on a page placed by its cursor, else by its page number."""
    if section_cursor(request, name):
        return 0
    return (section_page(request, name) - 1) * SECTION_SIZE


@dataclass(frozen=True, slots=True)
class SectionView:
    """One page of a section as the template sees it, with links to its neighbours.

    ``total`` is the paginator's :class:`~tessera.db.paging.PageTotal`: it carries the cursors of the
    next and previous pages."""

    name: str
    path: str
    query: dict[str, str]
    items: list[Any]
    total: int
    page: int
    per_page: int = SECTION_SIZE

    @property
    def estimated(self) -> bool:
        """Whether the total is the database's estimate."""
        return bool(getattr(self.total, "estimated", False))

    @property
    def next_url(self) -> str | None:
        """Link of the section's next page, if any."""
        cursor = getattr(self.total, "next_cursor", None)
        return self.url(cursor) if cursor else None

    @property
    def previous_url(self) -> str | None:
        """Link of the section's previous page, if any."""
        cursor = getattr(self.total, "previous_cursor", None)
        return self.url(cursor) if cursor else None

    @property
    def first_url(self) -> str | None:
        """Link of the section's first page, unless this is it."""
        at_start = self.page == 1 and getattr(self.total, "previous_cursor", None) is None
        return None if at_start else self.url()

    def url(self, cursor: str | None = None) -> str:
        """This page's URL with only this section moved to ``cursor`` (its first page without one)."""
        moved = (f"{self.name}_page", f"{self.name}_cursor")
        query = {k: v for k, v in self.query.items() if k not in moved}
        if cursor:
            query[f"{self.name}_cursor"] = cursor
        return f"{self.path}?{urlencode(query)}" if query else self.path


def section(request: Request, name: str, items: list[Any], total: int, page: int) -> SectionView:
    """A :class:`SectionView` of ``request``'s page."""
    return SectionView(name, request.url.path, dict(request.query_params), items, total, page)


def require_write(ui: UiContext) -> None:
    """The API's write-scope rule for a UI action (a read key's forged form post is refused the same way)."""
    if not ui.principal.has_scope(Scope.WRITE):
        raise Forbidden("This action needs an API key with the 'write' scope.", code="insufficient_scope")
