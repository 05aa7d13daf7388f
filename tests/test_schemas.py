"""List pages written straight from rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
import pytest

from tessera.deps import Page
from tessera.enums import Scope
from tessera.schemas import ApiModel, ListPage, page_response


class Item(ApiModel):
    id: uuid.UUID
    scope: Scope
    at: datetime


class DriverUUID(uuid.UUID):
    """Like asyncpg's UUID type: a subclass orjson does not write by itself."""


def test_rows_are_written_as_pydantic_would_write_the_page() -> None:
    at = datetime(2026, 11, 30, 12, 0, 0, 120000, tzinfo=UTC)
    rows = [
        {"id": uuid.UUID(int=1), "scope": Scope.READ, "at": at},
        {"id": DriverUUID(int=2), "scope": Scope.ADMIN, "at": at.replace(microsecond=0)},
    ]
    response = page_response(Item, rows, 7, Page(2, 4))
    expected = ListPage[Item](items=[Item(**r) for r in rows], total=7, limit=2, offset=4)
    assert orjson.loads(response.body) == orjson.loads(expected.model_dump_json())
    assert response.media_type == "application/json"


def test_an_empty_page_keeps_its_total() -> None:
    body = orjson.loads(page_response(Item, [], 3, Page(50, 100)).body)
    assert body == {"items": [], "total": 3, "limit": 50, "offset": 100}


@pytest.mark.parametrize(
    "row",
    [
        {"id": uuid.UUID(int=1), "scope": Scope.READ},  # a field missing
        {"id": uuid.UUID(int=1), "scope": Scope.READ, "at": None, "secret": "x"},  # a column too many
        {"scope": Scope.READ, "id": uuid.UUID(int=1), "at": None},  # another order
    ],
)
def test_rows_that_are_not_exactly_the_model_are_refused(row: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="not the fields of Item"):
        page_response(Item, [row], 1, Page(50, 0))
