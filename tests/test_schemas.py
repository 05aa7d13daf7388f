"""List pages: written straight from rows, or from objects through the item model."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from pydantic import Field

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
    assert body == {
        "items": [],
        "total": 3,
        "limit": 50,
        "offset": 100,
        "total_estimated": False,
        "next_cursor": None,
        "next": None,
    }


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


class Aliased(ApiModel):
    id: uuid.UUID
    schema_: dict[str, Any] = Field(alias="schema", validation_alias="schema_def")


@dataclass
class Entity:
    """Stands for an ORM entity: attributes, not a mapping."""

    id: uuid.UUID
    schema_def: dict[str, Any]


def test_objects_are_read_by_the_model_and_written_by_alias() -> None:
    entities = [Entity(uuid.UUID(int=1), {"b": 1, "a": [None, True]}), Entity(DriverUUID(int=2), {})]
    body = orjson.loads(page_response(Aliased, entities, 2, Page(10, 0)).body)
    assert list(body) == [
        "items",
        "total",
        "limit",
        "offset",
        "total_estimated",
        "next_cursor",
        "next",
    ]
    assert body["items"] == [
        {"id": str(uuid.UUID(int=1)), "schema": {"b": 1, "a": [None, True]}},
        {"id": str(uuid.UUID(int=2)), "schema": {}},
    ]
    assert list(body["items"][0]["schema"]) == ["b", "a"]


def test_rows_of_an_aliased_model_carry_its_json_names() -> None:
    row = {"id": uuid.UUID(int=1), "schema": {"x": 1}}
    assert orjson.loads(page_response(Aliased, [row], 1, Page(1, 0)).body)["items"] == [
        {"id": str(uuid.UUID(int=1)), "schema": {"x": 1}}
    ]
    with pytest.raises(ValueError, match="not the fields of Aliased"):
        page_response(Aliased, [{"id": uuid.UUID(int=1), "schema_": {}}], 1, Page(1, 0))
