"""The base of every response model, list pages and change records."""

from __future__ import annotations

from typing import Generic, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, JsonValue

JsonObject: TypeAlias = dict[str, JsonValue]

T = TypeVar("T")


class Model(BaseModel):
    """Base of every response model: immutable, tolerant of unknown fields."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class Page(Model, Generic[T]):
    """One page of a list: ``items`` from ``offset`` (at most ``limit``) out of ``total``.

    ``total`` is the server's estimate when ``total_estimated`` (very long lists on PostgreSQL);
    ``next_cursor`` continues the list (``None`` on the last page); ``offset`` is ``None`` on a page
    reached by cursor.
    """

    items: list[T]
    total: int
    limit: int
    offset: int | None
    total_estimated: bool = False
    next_cursor: str | None = None
    next: str | None = None


class Change(Model):
    """One difference between two contracts (schema or guarantees).

    ``kind`` is e.g. ``property_removed``, ``type_changed``, ``required_added``; ``breaking`` is the verdict
    under the asset's compatibility mode; ``old``/``new``/``reason``/``suggestion`` are present when known.
    """

    kind: str
    path: str = ""
    message: str = ""
    breaking: bool = False
    old: JsonValue = None
    new: JsonValue = None
    reason: str | None = None
    suggestion: str | None = None
