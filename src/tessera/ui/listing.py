"""List pages: query parameters (filters, sort, page) parsed once, and the links that keep them.

A list route calls :func:`list_params` with the sorts and filters it accepts, fetches one page through the
feature's repository (which uses the one paginator, ``db/paging.fetch_page``) and hands the template a
:class:`ListView`; the macros in ``templates/macros.html`` draw its filter form, sortable headers and
pagination from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from tessera.errors import ValidationFailed
from tessera.schemas import MAX_OFFSET

PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class ListParams:
    """A list request: page number (from 1), sort key and direction, and the non-empty filters."""

    page: int
    sort: str
    descending: bool
    filters: dict[str, str] = field(default_factory=dict)
    per_page: int = PER_PAGE

    @property
    def offset(self) -> int:
        """Rows before this page."""
        return (self.page - 1) * self.per_page


def list_params(
    request: Request, *, sorts: Sequence[str], default_sort: str, filters: Sequence[str]
) -> ListParams:
    """Parse ``page``, ``sort`` (``-name`` for descending) and the ``filters`` from the query string.

    A bad page number or an unknown sort is the user's mistake: :class:`ValidationFailed` (422).
    """
    query = request.query_params
    page = page_number(query.get("page", "1"), "page", PER_PAGE)
    raw_sort = query.get("sort") or default_sort
    descending = raw_sort.startswith("-")
    sort = raw_sort.removeprefix("-")
    if sort not in sorts:
        raise ValidationFailed(
            f"Unknown sort {sort!r}; sort by one of: {', '.join(sorts)}.", code="invalid_sort"
        )
    values = {name: query[name].strip() for name in filters if query.get(name, "").strip()}
    return ListParams(page, sort, descending, values)


def page_number(raw: str, name: str, per_page: int) -> int:
    """A page number from 1 whose rows lie below :data:`MAX_OFFSET`; else a 422 naming ``name``."""
    last = MAX_OFFSET // per_page
    # isdecimal, not isdigit: int() refuses superscript digits; the length check comes before int().
    if not (raw.isascii() and raw.isdecimal()) or len(raw) > 10 or not 1 <= int(raw) <= last:
        raise ValidationFailed(
            f"{name} must be a whole number from 1 to {last} (got {raw[:20]!r}).", code="invalid_page"
        )
    return int(raw)


@dataclass(frozen=True, slots=True)
class ListView:
    """One page of a list as the templates see it, with links that keep filters and sort."""

    path: str
    params: ListParams
    items: list[Any]
    total: int

    @property
    def pages(self) -> int:
        """How many pages the total fills (at least one)."""
        return max(1, -(-self.total // self.params.per_page))

    @property
    def first_row(self) -> int:
        """1-based number of this page's first row (0 when empty)."""
        return self.params.offset + 1 if self.items else 0

    @property
    def last_row(self) -> int:
        """1-based number of this page's last row."""
        return self.params.offset + len(self.items)

    def url(self, *, page: int | None = None, sort: str | None = None) -> str:
        """This list's URL with the current filters, ``sort`` (e.g. ``-fqn``) and ``page`` changed."""
        current_sort = ("-" if self.params.descending else "") + self.params.sort
        query = {**self.params.filters, "sort": sort or current_sort}
        wanted = page if page is not None else (1 if sort else self.params.page)
        if wanted > 1:
            query["page"] = str(wanted)
        return f"{self.path}?{urlencode(query)}"

    def sort_url(self, key: str) -> str:
        """Link of a column header: sort by ``key`` ascending, or flip the direction if already sorted."""
        flip = key == self.params.sort and not self.params.descending
        return self.url(sort=("-" if flip else "") + key)

    def aria_sort(self, key: str) -> str:
        """``ascending``/``descending`` for the sorted column, ``none`` for others."""
        if key != self.params.sort:
            return "none"
        return "descending" if self.params.descending else "ascending"

    def page_numbers(self, around: int = 2) -> list[int | None]:
        """Page links to show: first, last and ``around`` either side of the current one (``None`` = gap)."""
        current, last = self.params.page, self.pages
        wanted = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
        shown: list[int | None] = []
        previous = 0
        for number in sorted(wanted):
            if previous and number - previous > 1:
                shown.append(None)
            shown.append(number)
            previous = number
        return shown
