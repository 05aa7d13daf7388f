"""Response shapes shared by every feature: list pages and the error body."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class ApiModel(BaseModel):
    """Base of request/response models: strict about unknown request fields."""

    model_config = ConfigDict(extra="forbid", from_attributes=True)


class ListPage(BaseModel, Generic[T]):
    """One page of a list with the total count."""

    items: list[T]
    total: int
    limit: int
    offset: int


class ErrorDetail(BaseModel):
    """What went wrong, in a stable shape."""

    code: str
    message: str
    details: dict[str, object] = {}
    request_id: str | None = None


class ErrorBody(BaseModel):
    """Every error response body."""

    error: ErrorDetail
