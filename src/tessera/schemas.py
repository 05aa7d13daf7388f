"""Response shapes shared by every feature: list pages and the error body."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, Protocol, TypeVar

from fastapi import Response
from pydantic import BaseModel, ConfigDict, TypeAdapter

T = TypeVar("T")


class PageLike(Protocol):
    """limit/offset of a requested page."""

    @property
    def limit(self) -> int: ...

    @property
    def offset(self) -> int: ...


class ApiModel(BaseModel):
    """Base of request/response models: strict about unknown request fields."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)


class ListPage(BaseModel, Generic[T]):
    """One page of a list with the total count."""

    items: list[T]
    total: int
    limit: int
    offset: int


def page_response(
    adapter: TypeAdapter[list[Any]], rows: Sequence[Any], total: int, page: PageLike
) -> Response:
    """A list page (the shape of :class:`ListPage`) from plain rows, validated and serialised once.

    ``adapter`` is a module-level ``TypeAdapter(list[ItemModel])``: one call into pydantic-core for the
    whole page instead of a model instance per row and a second validation by FastAPI.
    """
    items = adapter.dump_json(adapter.validate_python(rows))
    body = b'{"items":%b,"total":%d,"limit":%d,"offset":%d}' % (items, total, page.limit, page.offset)
    return Response(content=body, media_type="application/json")


class ErrorDetail(BaseModel):
    """What went wrong, in a stable shape."""

    code: str
    message: str
    details: dict[str, object] = {}
    request_id: str | None = None


class ErrorBody(BaseModel):
    """Every error response body."""

    error: ErrorDetail
