"""Pages with several independently paginated sections (search results, a team's page).

Each section reads its page from ``<name>_page`` in the query string (and, where it is filterable and
sortable, its filter from ``<name>_q`` and its sort from ``<name>_sort``, ``-key`` for descending); its
links change those parameters and keep every other one, so each section's state stays in the URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from tessera.enums import Scope
from tessera.errors import Forbidden, ValidationFailed
from tessera.ui.deps import UiContext
from tessera.ui.listing import page_number

SECTION_SIZE = 25
FILTER_MAX_CHARS = 200


def section_page(request: Request, name: str) -> int:
    """The page number (from 1) of section ``name``; a bad one is the user's mistake (422)."""
    return page_number(request.query_params.get(f"{name}_page", "1"), f"{name}_page", SECTION_SIZE)


@dataclass(frozen=True, slots=True)
class SectionQuery:
    """What one filterable, sortable section asks for: page, filter text (or ``None``), sort, direction."""

    page: int
    q: str | None
    sort: str
    descending: bool

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * SECTION_SIZE


def section_query(request: Request, name: str, *, sorts: Sequence[str], default_sort: str) -> SectionQuery:
    """Parse ``<name>_page``, ``<name>_q`` and ``<name>_sort``; a bad page, an unknown sort or an
    overlong filter is the user's mistake (422)."""
    query = request.query_params
    raw_sort = query.get(f"{name}_sort") or default_sort
    sort = raw_sort.removeprefix("-")
    if sort not in sorts:
        raise ValidationFailed(
            f"Unknown {name}_sort {sort!r}; sort by one of: {', '.join(sorts)}.", code="invalid_sort"
        )
    q = query.get(f"{name}_q", "").strip() or None
    if q is not None and len(q) > FILTER_MAX_CHARS:
        raise ValidationFailed(
            f"{name}_q is limited to {FILTER_MAX_CHARS} characters.", code="invalid_filter"
        )
    return SectionQuery(section_page(request, name), q, sort, raw_sort.startswith("-"))


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
    asked: SectionQuery | None = None  # set for a filterable, sortable section

    @property
    def filter(self) -> str:
        """The section's filter text ('' when none)."""
        return (self.asked.q or "") if self.asked else ""

    @property
    def kept(self) -> list[tuple[str, str]]:
        """The query parameters of the other sections, which this section's filter form carries along."""
        own = {f"{self.name}_page", f"{self.name}_q"}
        return [(k, v) for k, v in self.query.items() if k not in own]

    @property
    def clear_url(self) -> str:
        """This page with the section's filter (and page) removed, the rest kept."""
        query = dict(self.kept)
        return f"{self.path}?{urlencode(query)}#h-{self.name}" if query else f"{self.path}#h-{self.name}"

    def sort_url(self, key: str) -> str:
        """A column header's link: sort this section by ``key`` ascending, or flip it if already so."""
        flip = self.asked is not None and self.asked.sort == key and not self.asked.descending
        query = {k: v for k, v in self.query.items() if k != f"{self.name}_page"}
        query[f"{self.name}_sort"] = ("-" if flip else "") + key
        return f"{self.path}?{urlencode(query)}#h-{self.name}"

    def aria_sort(self, key: str) -> str:
        """``ascending``/``descending`` for the sorted column, ``none`` for others."""
        if self.asked is None or self.asked.sort != key:
            return "none"
        return "descending" if self.asked.descending else "ascending"

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


def section(
    request: Request,
    name: str,
    items: list[Any],
    total: int,
    page: int,
    asked: SectionQuery | None = None,
) -> SectionView:
    """A :class:`SectionView` of ``request``'s page (``asked``: its filter and sort, if it has them)."""
    return SectionView(name, request.url.path, dict(request.query_params), items, total, page, asked=asked)


def require_write(ui: UiContext) -> None:
    """The API's write-scope rule for a UI action (a read key's forged form post is refused the same way)."""
    if not ui.principal.has_scope(Scope.WRITE):
        raise Forbidden("This action needs an API key with the 'write' scope.", code="insufficient_scope")
