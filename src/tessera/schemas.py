"""Response shapes shared by every feature: list pages and the error body."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Generic, Protocol, TypeVar

import orjson
from fastapi import Response
from pydantic import BaseModel, ConfigDict

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
    item_model: type[BaseModel], rows: Sequence[Mapping[str, Any]], total: int, page: PageLike
) -> Response:
    """A list page (the shape of ``ListPage[item_model]``) written straight from plain rows.

    For the hottest reads: no model instance per row and no second validation by FastAPI. The rows must
    hold exactly ``item_model``'s fields in its order (select them so; anything else is refused, so a
    column can neither go missing nor leak), and orjson writes the values as pydantic would: UUIDs as
    strings, UTC datetimes ending in ``Z``, enums by value. Each endpoint using this has a test that its
    items equal the single-item responses.
    """
    fields = tuple(item_model.model_fields)
    if rows and tuple(rows[0]) != fields:  # every row of a page comes from one statement
        raise ValueError(f"rows hold {tuple(rows[0])}, not the fields of {item_model.__name__}")
    body = {"items": rows, "total": total, "limit": page.limit, "offset": page.offset}
    content = orjson.dumps(body, default=_uuid_subclass, option=orjson.OPT_UTC_Z)
    return Response(content, media_type="application/json")


def _uuid_subclass(value: object) -> str:
    # asyncpg returns its own UUID subclass, which orjson (exact types only) leaves to this hook.
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class ErrorDetail(BaseModel):
    """What went wrong, in a stable shape."""

    code: str
    message: str
    details: dict[str, object] = {}
    request_id: str | None = None


class ErrorBody(BaseModel):
    """Every error response body."""

    error: ErrorDetail
