"""Response shapes shared by every feature: list pages and the error body."""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Sequence
from typing import Any, Generic, Protocol, TypeVar

import orjson
from fastapi import Response
from pydantic import BaseModel, ConfigDict, TypeAdapter

from tessera.perf import paused_gc

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
    """One page of a list with the total count and, when more follow, the cursor and link of the next.

    ``offset`` is ``null`` on a page reached by ``cursor``. ``total_estimated`` is true when the total is
    the database's estimate (lists past ``EXACT_TOTAL_LIMIT`` rows on PostgreSQL, see docs/api.md).
    """

    items: list[T]
    total: int
    limit: int
    offset: int | None
    total_estimated: bool = False
    next_cursor: str | None = None
    next: str | None = None


def _page_meta(total: int, page: PageLike) -> dict[str, object]:
    """The fields of a list page besides its items."""
    # Deferred import: tessera.db imports SQLAlchemy, which this module's other users need not load.
    from tessera.db.paging import PageTotal

    estimated = isinstance(total, PageTotal) and total.estimated
    next_cursor = total.next_cursor if isinstance(total, PageTotal) else None
    cursor = getattr(page, "cursor", None)
    next_url = getattr(page, "next_url", None)
    return {
        "total": int(total),
        "limit": page.limit,
        "offset": None if cursor else page.offset,
        "total_estimated": estimated,
        "next_cursor": next_cursor,
        "next": next_url(next_cursor) if next_cursor and next_url else None,
    }


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
        body = {"items": items, **_page_meta(total, page)}
        content = orjson.dumps(body, default=_uuid_subclass, option=orjson.OPT_UTC_Z)
    else:
        adapter = _page_adapter(item_model)
        data = {"items": items, **_page_meta(total, page)}
        content = adapter.dump_json(adapter.validate_python(data, from_attributes=True), by_alias=True)
    return Response(content, media_type="application/json")


async def large_model_response(value: BaseModel) -> Response:
    """``value`` as its JSON response, written in a thread: for answers that can hold thousands of
    entries (a wide schema's changes), whose encoding would otherwise hold the event loop. FastAPI then
    neither validates nor encodes it again; the route's ``response_model`` still describes it."""
    return Response(await asyncio.to_thread(_dump_paused, value), media_type="application/json")


def _dump_paused(value: BaseModel) -> bytes:
    with paused_gc():  # see tessera.contracts.service: a full collection holds every thread
        return _dump_in_chunks(value)


_CHUNK = 500
_ANY_LIST: TypeAdapter[list[Any]] = TypeAdapter(list[Any])


def _dump_in_chunks(value: BaseModel) -> bytes:
    # One encoder call holds the GIL for its whole run (a third of a second for 20,000 changes), and the
    # event loop waits for the GIL like any thread: long lists are written a few hundred items per call.
    long = {name for name, field in value if isinstance(field, list) and len(field) > _CHUNK}
    if not long:
        return value.model_dump_json(by_alias=True).encode()
    head = value.model_dump_json(by_alias=True, exclude=long).encode()
    parts = [head[:-1]]
    for name in sorted(long):
        info = type(value).model_fields[name]
        key = info.serialization_alias or info.alias or name
        items: list[Any] = getattr(value, name)
        chunks = [
            _ANY_LIST.dump_json(items[i : i + _CHUNK], by_alias=True)[1:-1]
            for i in range(0, len(items), _CHUNK)
        ]
        parts.append(b"," + orjson.dumps(key) + b":[" + b",".join(chunks) + b"]")
    if head == b"{}":
        parts[1] = parts[1][1:]  # no field before the first list
    return b"".join(parts) + b"}"


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
