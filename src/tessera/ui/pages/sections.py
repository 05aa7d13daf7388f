"""Pages with several independently paginated sections (search results, a team's page).

Each section reads its position from ``<name>_cursor`` (a keyset cursor of the paginator, as list pages
use) or, from older links, ``<name>_page`` in the query string; where it is filterable and sortable, its
filter from ``<name>_q`` and its sort from ``<name>_sort`` (``-key`` for descending). Its links change
those parameters and keep every other one, so each section's state stays in the URL; a new filter or sort
starts the section again at its first page (a cursor belongs to one order).
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
from tessera.ui.listing import cursor_param, page_number

SECTION_SIZE = 25
FILTER_MAX_CHARS = 200


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
class SectionQuery:
    """What one filterable, sortable section asks for: page (a cursor, or a page number from older
    links), filter text (or ``None``), sort, direction."""

    page: int
    q: str | None
    sort: str
    descending: bool
    cursor: str | None = None

    @property
    def offset(self) -> int:
        """Rows skipped before this page: none when its cursor places it."""
        return 0 if self.cursor else (self.page - 1) * SECTION_SIZE


def section_query(request: Request, name: str, *, sorts: Sequence[str], default_sort: str) -> SectionQuery:
    """Parse ``<name>_cursor``, ``<name>_page``, ``<name>_q`` and ``<name>_sort``; a bad page or cursor,
    an unknown sort or an overlong filter is the user's mistake (422)."""
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
    return SectionQuery(
        section_page(request, name), q, sort, raw_sort.startswith("-"), section_cursor(request, name)
    )


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
    asked: SectionQuery | None = None  # set for a filterable, sortable section

    @property
    def filter(self) -> str:
        """The section's filter text ('' when none)."""
        return (self.asked.q or "") if self.asked else ""

    @property
    def kept(self) -> list[tuple[str, str]]:
        """The query parameters of the other sections, which this section's filter form carries along."""
        own = {f"{self.name}_page", f"{self.name}_cursor", f"{self.name}_q"}
        return [(k, v) for k, v in self.query.items() if k not in own]

    @property
    def clear_url(self) -> str:
        """This page with the section's filter (and page) removed, the rest kept."""
        query = dict(self.kept)
        return f"{self.path}?{urlencode(query)}#h-{self.name}" if query else f"{self.path}#h-{self.name}"

    def sort_url(self, key: str) -> str:
        """A column header's link: sort this section by ``key`` ascending, or flip it if already so."""
        flip = self.asked is not None and self.asked.sort == key and not self.asked.descending
        moved = (f"{self.name}_page", f"{self.name}_cursor")  # a cursor belongs to one order
        query = {k: v for k, v in self.query.items() if k not in moved}
        query[f"{self.name}_sort"] = ("-" if flip else "") + key
        return f"{self.path}?{urlencode(query)}#h-{self.name}"

    def aria_sort(self, key: str) -> str:
        """``ascending``/``descending`` for the sorted column, ``none`` for others."""
        if self.asked is None or self.asked.sort != key:
            return "none"
        return "descending" if self.asked.descending else "ascending"

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
