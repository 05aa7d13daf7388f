"""Pages with several independently paginated sections (search results, a team's page).

Each section reads its page from ``<name>_page`` in the query string; its links change that parameter
and keep every other one, so each section's state stays in the URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from tessera.enums import Scope
from tessera.errors import Forbidden
from tessera.ui.deps import UiContext
from tessera.ui.listing import page_number

SECTION_SIZE = 25


def section_page(request: Request, name: str) -> int:
    """The page number (from 1) of section ``name``; a bad one is the user's mistake (422)."""
    return page_number(request.query_params.get(f"{name}_page", "1"), f"{name}_page", SECTION_SIZE)


@dataclass(frozen=True, slots=True)
class SectionView:
    """One page of a section as the template sees it, with links to its neighbours."""

    name: str
    path: str
    query: dict[str, str]
    items: list[Any]
    total: int
    page: int
    per_page: int = SECTION_SIZE

    @property
    def pages(self) -> int:
        """How many pages the total fills (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first_row(self) -> int:
        """1-based number of this page's first row (0 when empty)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_row(self) -> int:
        """1-based number of this page's last row."""
        return (self.page - 1) * self.per_page + len(self.items)

    def url(self, page: int) -> str:
        """This page's URL with only this section moved to ``page``."""
        query = {k: v for k, v in self.query.items() if k != f"{self.name}_page"}
        if page > 1:
            query[f"{self.name}_page"] = str(page)
        return f"{self.path}?{urlencode(query)}" if query else self.path


def section(request: Request, name: str, items: list[Any], total: int, page: int) -> SectionView:
    """A :class:`SectionView` of ``request``'s page."""
    return SectionView(name, request.url.path, dict(request.query_params), items, total, page)


def require_write(ui: UiContext) -> None:
    """The API's write-scope rule for a UI action (a read key's forged form post is refused the same way)."""
    if not ui.principal.has_scope(Scope.WRITE):
        raise Forbidden("This action needs an API key with the 'write' scope.", code="insufficient_scope")
