"""Response shapes shared by every feature: list pages and the error body."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from typing import Any, Generic, Protocol, TypeVar

import orjson
from fastapi import Response
from pydantic import BaseModel, ConfigDict, TypeAdapter

T = TypeVar("T")

# The largest list offset (API ``offset``, UI page numbers) accepted: far above any row count, far below
# the 64-bit integers databases take.
MAX_OFFSET = 2**31 - 1


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
    item_model: type[BaseModel], items: Sequence[object], total: int, page: PageLike
) -> Response:
    """A list page, the JSON of ``ListPage[item_model]``: the one way every list endpoint answers.

    ``items`` are either all plain rows (dicts) or all objects the model reads (ORM entities, model
    instances). Plain rows are written straight to JSON by orjson, with no model instance per row: they
    must hold exactly the model's JSON fields (aliases) in its order (select them so; anything else is
    refused, so a column can neither go missing nor leak), and orjson writes their values as pydantic
    would (UUIDs as strings, UTC datetimes ending in ``Z``, enums by value). Objects are validated by the
    model and written by pydantic. Either way FastAPI neither validates nor encodes the page again; the
    route's ``response_model=ListPage[...]`` still describes it in OpenAPI.
    """
    if items and isinstance(items[0], dict):
        fields = _json_fields(item_model)
        if tuple(items[0]) != fields:  # every row of a page comes from one statement
            raise ValueError(f"rows hold {tuple(items[0])}, not the fields of {item_model.__name__}")
        body = {"items": items, "total": total, "limit": page.limit, "offset": page.offset}
        content = orjson.dumps(body, default=_uuid_subclass, option=orjson.OPT_UTC_Z)
    else:
        adapter = _page_adapter(item_model)
        data = {"items": items, "total": total, "limit": page.limit, "offset": page.offset}
        content = adapter.dump_json(adapter.validate_python(data, from_attributes=True), by_alias=True)
    return Response(content, media_type="application/json")


@functools.cache
def _json_fields(item_model: type[BaseModel]) -> tuple[str, ...]:
    """The keys of the model's JSON (aliases where set), in order."""
    return tuple(
        info.serialization_alias or info.alias or name for name, info in item_model.model_fields.items()
    )


@functools.cache
def _page_adapter(item_model: type[BaseModel]) -> TypeAdapter[Any]:
    """Validator and serialiser of ``ListPage[item_model]``, built once per model."""
    return TypeAdapter(ListPage[item_model])  # type: ignore[valid-type]


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
