"""List pages: query parameters (filters, sort, position) parsed once, and the links that keep them.

A list route calls :func:`list_params` with the sorts and filters it accepts, fetches one page through the
feature's repository (which uses the one paginator, ``db/paging.fetch_page``, passing ``params.cursor``)
and hands the template a :class:`ListView`; the macros in ``templates/macros.html`` draw its filter form,
sortable headers and pagination from it.

Pages follow each other by the paginator's keyset cursors (``?cursor=``), as the API's do: "Next" and
"Previous" cost what the first page costs however deep the list goes, and every page keeps a linkable URL.
A cursor belongs to one sort order, so changing the sort or a filter starts again at the first page.
``?page=N`` (offset paging, as older links have it) is still understood.
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
MAX_CURSOR = 2_000
"""Longest ``cursor`` accepted (a cursor holds a few order-key values; a longer one is not ours)."""


@dataclass(frozen=True, slots=True)
class ListParams:
    """A list request: page number (from 1), sort key and direction, the non-empty filters and the
    cursor of the page (which, when given, places the page instead of the number)."""

    page: int
    sort: str
    descending: bool
    filters: dict[str, str] = field(default_factory=dict)
    per_page: int = PER_PAGE
    cursor: str | None = None

    @property
    def offset(self) -> int:
        """Rows skipped before this page (0 on a page placed by its cursor)."""
        return 0 if self.cursor else (self.page - 1) * self.per_page


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
    return ListParams(page, sort, descending, values, cursor=cursor_param(query.get("cursor"), "cursor"))


def cursor_param(raw: str | None, name: str) -> str | None:
    """A cursor from the query string (``None`` if absent); one too long to be ours is a 422. Whether it
    belongs to the list and its sort order is the paginator's check (422 ``invalid_cursor``)."""
    if not raw:
        return None
    if len(raw) > MAX_CURSOR or not raw.isascii():
        raise ValidationFailed(
            f"{name} is not a cursor of this list: start again without it.", code="invalid_cursor"
        )
    return raw


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
    """One page of a list as the templates see it, with links that keep filters and sort.

    ``total`` is the paginator's :class:`~tessera.db.paging.PageTotal` (a plain ``int`` works too, with
    no cursor links): it carries the cursors of the next and previous pages."""

    path: str
    params: ListParams
    items: list[Any]
    total: int

    @property
    def next_cursor(self) -> str | None:
        """Cursor of the page after this one (``None`` on the last page)."""
        return getattr(self.total, "next_cursor", None)

    @property
    def previous_cursor(self) -> str | None:
        """Cursor of the page before this one (``None`` on the first page)."""
        return getattr(self.total, "previous_cursor", None)

    @property
    def estimated(self) -> bool:
        """Whether the total is the database's estimate (a very long list)."""
        return bool(getattr(self.total, "estimated", False))

    @property
    def is_first(self) -> bool:
        """Whether this is the list's first page."""
        return self.params.offset == 0 and self.previous_cursor is None

    @property
    def next_url(self) -> str | None:
        """Link of the next page, if any."""
        return self.url(cursor=self.next_cursor) if self.next_cursor else None

    @property
    def previous_url(self) -> str | None:
        """Link of the previous page, if any."""
        return self.url(cursor=self.previous_cursor) if self.previous_cursor else None

    @property
    def first_url(self) -> str | None:
        """Link of the first page, unless this is it."""
        return None if self.is_first else self.url()

    def url(self, *, cursor: str | None = None, sort: str | None = None) -> str:
        """This list's URL with the current filters and sort (or ``sort``, e.g. ``-fqn``, which starts
        again at the first page), at ``cursor`` (the first page without one)."""
        current_sort = ("-" if self.params.descending else "") + self.params.sort
        query = {**self.params.filters, "sort": sort or current_sort}
        if cursor and not sort:
            query["cursor"] = cursor
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
